using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// What a run tells whoever watches it, as it goes: typed, so the task decides how each is shown (a log
/// line, a warning with its code, the terminal's status) without reading meaning back out of text.
/// </summary>
public abstract record RunEvent
{
    /// <summary>The event as one line of a log.</summary>
    public abstract string Text { get; }
}

/// <summary>What the run is doing: a guest readying its Racket, a side starting, a confirmation's outcome.</summary>
public sealed record RunMessage(string Message) : RunEvent
{
    public override string Text => Message;
}

/// <summary>A package of one side finished (kept results are not reported): <paramref name="Done"/> of <paramref name="Total"/> to build on that side.</summary>
public sealed record PackageFinished(string Side, PackageResult Result, int Done, int Total, TimeSpan Elapsed) : RunEvent
{
    public override string Text => ConsoleText.ProgressLine(Done, Total, Result, Elapsed) + (Side == RunSide.ModifiedName ? "" : $" ({Side})");
}

/// <summary>A warning with its code (a damaged journal, a guest that lost an isolation feature).</summary>
public sealed record RunWarning(PkgBuildException Warning) : RunEvent
{
    public override string Text => $"{Warning.Code}: {Warning.Message}";
}

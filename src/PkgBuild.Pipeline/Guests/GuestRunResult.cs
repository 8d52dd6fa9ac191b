namespace PkgBuild.Pipeline.Guests;

/// <summary>How a command in a guest ended: its exit code (-1 when killed), whether it ran out of time, and its output.</summary>
public sealed record GuestRunResult(int ExitCode, bool TimedOut, string Output, TimeSpan Elapsed)
{
    /// <summary>Whether the time out came from the silence watchdog rather than the deadline.</summary>
    public bool Silent { get; init; }

    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

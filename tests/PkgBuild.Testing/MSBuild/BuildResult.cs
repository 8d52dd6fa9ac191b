using Microsoft.Build.Framework;
using Microsoft.Build.Logging;
using StructuredBuild = Microsoft.Build.Logging.StructuredLogger.Build;
using StructuredBinaryLog = Microsoft.Build.Logging.StructuredLogger.BinaryLog;

namespace PkgBuild.Testing.MSBuild;

/// <summary>An error or warning as the binlog recorded it.</summary>
public sealed record BuildDiagnostic(string? Code, string Message, string? File, int Line, int Column);

/// <summary>
/// A finished <c>dotnet build -bl</c>: its exit code and console output, and what the binlog says
/// happened (targets started, targets skipped and why, tasks, errors and warnings with their codes).
/// </summary>
public sealed class BuildResult
{
    private readonly Lazy<IReadOnlyList<BuildEventArgs>> _events;
    private readonly Lazy<StructuredBuild> _tree;

    public BuildResult(int exitCode, string output, string binlogPath)
    {
        ExitCode = exitCode;
        Output = output;
        BinlogPath = binlogPath;
        _events = new Lazy<IReadOnlyList<BuildEventArgs>>(ReadEvents);
        _tree = new Lazy<StructuredBuild>(() => StructuredBinaryLog.ReadBuild(binlogPath));
    }

    public int ExitCode { get; }

    public string Output { get; }

    public string BinlogPath { get; }

    public bool Succeeded => ExitCode == 0;

    /// <summary>Every event in the binlog, in the order MSBuild raised them.</summary>
    public IReadOnlyList<BuildEventArgs> Events => _events.Value;

    /// <summary>The binlog as MSBuild Structured Log Viewer shows it, for questions about nesting.</summary>
    public StructuredBuild Tree => _tree.Value;

    /// <summary>Names of the targets that started executing, in order.</summary>
    public IReadOnlyList<string> TargetsRun =>
        Events.OfType<TargetStartedEventArgs>().Select(e => e.TargetName).ToList();

    /// <summary>Targets that ran, in the order they finished (a target built from inside another's task finishes first).</summary>
    public IReadOnlyList<string> TargetsFinished =>
        Events.OfType<TargetFinishedEventArgs>().Select(e => e.TargetName).ToList();

    /// <summary>Targets MSBuild did not execute, with the reason (up to date, condition false, already built).</summary>
    public IReadOnlyList<(string Target, TargetSkipReason Reason)> TargetsSkipped =>
        Events.OfType<TargetSkippedEventArgs>().Select(e => (e.TargetName, e.SkipReason)).ToList();

    /// <summary>Targets skipped because their outputs were up to date with their inputs.</summary>
    public IReadOnlyList<string> TargetsUpToDate =>
        TargetsSkipped.Where(s => s.Reason == TargetSkipReason.OutputsUpToDate).Select(s => s.Target).ToList();

    public IReadOnlyList<string> TasksRun =>
        Events.OfType<TaskStartedEventArgs>().Select(e => e.TaskName).ToList();

    public IReadOnlyList<BuildDiagnostic> Errors =>
        Events.OfType<BuildErrorEventArgs>()
            .Select(e => new BuildDiagnostic(e.Code, e.Message ?? "", e.File, e.LineNumber, e.ColumnNumber))
            .ToList();

    public IReadOnlyList<BuildDiagnostic> Warnings =>
        Events.OfType<BuildWarningEventArgs>()
            .Select(e => new BuildDiagnostic(e.Code, e.Message ?? "", e.File, e.LineNumber, e.ColumnNumber))
            .ToList();

    public IReadOnlyList<string> Messages =>
        Events.OfType<BuildMessageEventArgs>().Select(e => e.Message ?? "").ToList();

    /// <summary>The items a task returned as <paramref name="itemType"/> (its output items, as the binlog records them).</summary>
    public IReadOnlyList<ITaskItem> OutputItems(string itemType) =>
        Events.OfType<TaskParameterEventArgs>()
            .Where(e => e.Kind == TaskParameterMessageKind.TaskOutput && e.ItemType == itemType)
            .SelectMany(e => e.Items.OfType<ITaskItem>())
            .ToList();

    /// <summary>For assertion messages: the exit code and the tail of the console output.</summary>
    public override string ToString()
    {
        var tail = Output.Length > 6000 ? "…" + Output[^6000..] : Output;
        return $"dotnet build exited {ExitCode} (binlog {BinlogPath}):\n{tail}";
    }

    private IReadOnlyList<BuildEventArgs> ReadEvents()
    {
        if (!File.Exists(BinlogPath))
        {
            throw new InvalidOperationException($"No binlog was written. {this}");
        }
        return StructuredBinaryLog.ReadRecords(BinlogPath)
            .Select(r => r.Args)
            .OfType<BuildEventArgs>()
            .ToList();
    }
}

namespace PkgBuild.Pipeline.Processes;

/// <summary>How to run a child process: where, with what environment changes, for how long, and who hears its output.</summary>
public sealed record ChildProcessOptions
{
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set; a null value removes the variable from the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Moves <see cref="Timeout"/> while the process runs (null: it stays where it is).</summary>
    public CommandDeadline? Deadline { get; init; }

    /// <summary>Kill the process when it prints nothing for this long (null: no watchdog).</summary>
    public TimeSpan? SilenceTimeout { get; init; }

    /// <summary>Output kept in <see cref="ChildProcessResult.Output"/>; the rest is cut with a marker (the listener still hears it).</summary>
    public int MaxOutputChars { get; init; } = 16 << 20;

    /// <summary>Called for each line of stdout or stderr as it arrives, for progress.</summary>
    public Action<string>? OnOutputLine { get; init; }
}

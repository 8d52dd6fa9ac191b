namespace PkgBuild.Pipeline.Guests;

/// <summary>Limits and listeners for one command in a guest.</summary>
public sealed record GuestRunOptions
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Moves <see cref="Timeout"/> while the command runs (null: it stays where it is).</summary>
    public Processes.CommandDeadline? Deadline { get; init; }

    /// <summary>Kill the command when it prints nothing for this long: a hung package (null: no watchdog).</summary>
    public TimeSpan? SilenceTimeout { get; init; }

    /// <summary>Output kept in <see cref="GuestRunResult.Output"/>; the rest is cut with a marker (<see cref="OnOutputLine"/> still hears it).</summary>
    public int MaxOutputChars { get; init; } = 1 << 20;

    /// <summary>Each line of output as it arrives (stdout and stderr interleaved).</summary>
    public Action<string>? OnOutputLine { get; init; }
}

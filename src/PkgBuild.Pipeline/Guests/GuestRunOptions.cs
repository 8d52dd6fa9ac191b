namespace PkgBuild.Pipeline.Guests;

/// <summary>Limits and listeners for one command in a guest.</summary>
public sealed record GuestRunOptions
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Each line of output as it arrives (stdout and stderr interleaved).</summary>
    public Action<string>? OnOutputLine { get; init; }
}

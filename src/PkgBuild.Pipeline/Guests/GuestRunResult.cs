namespace PkgBuild.Pipeline.Guests;

/// <summary>How a command in a guest ended: its exit code (-1 when killed), whether it ran out of time, and its output.</summary>
public sealed record GuestRunResult(int ExitCode, bool TimedOut, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

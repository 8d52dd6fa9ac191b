using PkgBuild.Pipeline.IO;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// The install log of a package blocked by a dependency that did not install. pkg-build runs such a
/// package's install, which fails on the blocker, and files that log as the package's <c>failure-log</c>;
/// a blocked result without one would be "unknown" to pkg-build's summary readers. This one is never run,
/// so its log says why, and names the blocker and the blocker's own log.
/// </summary>
internal static class BlockedLog
{
    /// <returns><paramref name="blocked"/> with <see cref="PackageResult.InstallLog"/> naming the log written.</returns>
    /// <param name="blocker">The result of the package at the root of the block (<see cref="PackageResult.BlockedBy"/>), when known.</param>
    public static PackageResult Write(RunSettings settings, RunSide side, PackageResult blocked, PackageResult? blocker)
    {
        var relative = $"{side.LogsDirectory}/{blocked.Package}/{StepNames.Install}.txt";
        var directory = settings.Results.Resolve(Path.Combine(side.LogsDirectory, blocked.Package));
        // Logs of an earlier build of this package describe another result.
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
        var root = blocked.BlockedBy ?? blocker?.Package ?? "?";
        var text = $"{blocked.Package} was not installed: {blocked.Message ?? $"it depends on {root}, which did not install"}.\n"
            + $"Not attempted: its install would fail on {root}.\n"
            + (blocker == null
                ? $"{root}: no result in this run.\n"
                : $"{root}: {blocker.Outcome.Label()}{(blocker.Message is { } why ? $" ({why})" : "")}; its log: "
                  + (blocker.InstallLog is { } log ? $"{log} (in the results directory)" : "none") + "\n");
        AtomicFile.WriteAllText(settings.Results.Resolve(relative), text);
        return blocked with { InstallLog = relative };
    }
}

using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Processes;

namespace PkgBuild.Pipeline.Racket;

/// <summary>The Racket on this machine's PATH, asked for its version when the project does not say which version it tests.</summary>
public static partial class InstalledRacket
{
    /// <summary>The version <c>racket --version</c> prints ("Welcome to Racket v8.7 [cs]."), or null when there is no racket.</summary>
    public static async Task<string?> TryGetVersionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await ChildProcess.RunAsync("racket", ["--version"],
                new ChildProcessOptions { Timeout = TimeSpan.FromSeconds(30) }, cancellationToken).ConfigureAwait(false);
            var match = VersionPattern().Match(result.Output);
            return result.Succeeded && match.Success ? match.Groups[1].Value : null;
        }
        catch (FileNotFoundException)
        {
            return null; // not on PATH
        }
    }

    /// <summary>
    /// The same answer, kept in <paramref name="cacheFile"/> with the path, size and time of the racket
    /// PATH finds, and reused while those stay the same: starting Racket costs more than a whole no-op build.
    /// </summary>
    public static async Task<string?> TryGetVersionAsync(string cacheFile, CancellationToken cancellationToken = default)
    {
        var program = OnPath("racket");
        if (program == null)
        {
            return null;
        }
        var fingerprint = $"{program.FullName} {program.Length} {program.LastWriteTimeUtc.Ticks}";
        if (File.Exists(cacheFile) && File.ReadAllText(cacheFile).Split('\n') is [var known, var cached, ..] && known == fingerprint && cached.Length > 0)
        {
            return cached;
        }
        var version = await TryGetVersionAsync(cancellationToken).ConfigureAwait(false);
        if (version != null)
        {
            IO.AtomicFile.WriteAllText(cacheFile, fingerprint + "\n" + version + "\n");
        }
        return version;
    }

    /// <summary>The file PATH resolves <paramref name="program"/> to, links followed; null when it is not there.</summary>
    public static FileInfo? OnPath(string program, string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = new FileInfo(Path.Combine(directory, program));
            if (candidate.Exists)
            {
                return candidate.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? candidate;
            }
        }
        return null;
    }

    [GeneratedRegex(@"Racket v(\d+(?:\.\d+){1,3})")]
    private static partial Regex VersionPattern();
}

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

    [GeneratedRegex(@"Racket v(\d+(?:\.\d+){1,3})")]
    private static partial Regex VersionPattern();
}

namespace PkgBuild.Testing.Racket;

/// <summary>
/// Runs the real <c>racket</c> and <c>raco</c> (installed by eng/install-prereqs.sh) on the helper programs
/// next to this file: <c>data-echo.rkt</c>, <c>data-compare.rkt</c>, <c>data-generate.rkt</c>. A test that
/// needs Racket fails, rather than skips, when it is missing.
/// </summary>
public static class RacketRunner
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private static readonly Lazy<string> InstalledVersion = new(() => Run("racket", ["-e", "(display (version))"]).Trim());

    /// <summary>The installed Racket's version string, e.g. <c>8.7</c>; catalogs' <c>versions</c> keys match it exactly.</summary>
    public static string Version => InstalledVersion.Value;

    /// <summary>Where the helper programs are copied with the test assembly.</summary>
    public static string ScriptPath(string name) => Path.Combine(AppContext.BaseDirectory, "Racket", name);

    /// <summary>Runs <c>racket SCRIPT ARGS</c>; returns stdout and stderr, throws with both on failure.</summary>
    public static string RunScript(string script, params string[] arguments) =>
        Run("racket", [ScriptPath(script), .. arguments]);

    /// <summary>Runs <c>raco ARGS</c>, e.g. <c>pkg catalog-copy</c>.</summary>
    public static string Raco(params string[] arguments) => Run("raco", arguments);

    /// <summary>
    /// Runs <c>raco ARGS</c> with <c>PLTUSERHOME</c> set to <paramref name="userHome"/>: a fresh, private
    /// package state, as pkg-build gives each package. Throws with the output on failure.
    /// </summary>
    public static string RacoAsUser(string userHome, params string[] arguments) => RunAsUser("raco", userHome, arguments);

    /// <summary>Runs <c>racket ARGS</c> with <c>PLTUSERHOME</c> set to <paramref name="userHome"/>.</summary>
    public static string RacketAsUser(string userHome, params string[] arguments) => RunAsUser("racket", userHome, arguments);

    /// <summary>Racket's <c>write</c> output for every datum in <paramref name="inputFile"/>, one per line.</summary>
    public static void Echo(string inputFile, string outputFile) => RunScript("data-echo.rkt", inputFile, outputFile);

    /// <summary>Null when Racket reads the two files as pairwise <c>equal?</c> data, else its report.</summary>
    public static string? CompareData(string fileA, string fileB)
    {
        var result = ProcessRunner.Run("racket", [ScriptPath("data-compare.rkt"), fileA, fileB], timeout: Limit);
        return result.ExitCode == 0 && result.Output.StartsWith("ok ", StringComparison.Ordinal) ? null : result.Output;
    }

    private static string RunAsUser(string program, string userHome, string[] arguments)
    {
        Directory.CreateDirectory(userHome);
        return Run(program, arguments, new Dictionary<string, string?> { ["PLTUSERHOME"] = userHome });
    }

    public static string Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var list = arguments.ToList();
        var result = ProcessRunner.Run(program, list, environment: environment, timeout: Limit);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', list)} exited with {result.ExitCode}:\n{result.Output}");
        }
        return result.Output;
    }
}

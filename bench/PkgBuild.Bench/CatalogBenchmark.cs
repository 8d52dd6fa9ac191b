using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Testing;
using PkgBuild.Testing.Http;
using PkgBuild.Testing.Racket;

/// <summary>
/// Copying an HTTP catalog, as a ratio to <c>raco pkg catalog-copy</c> of the same catalog in the same run.
/// Both are timed end to end, as a user pays them: ours is fetch + write through the public API, raco's
/// wall time includes starting Racket. The two run alternately so a slower moment on the machine hits both.
/// </summary>
internal static class CatalogBenchmark
{
    private const double Goal = 0.3;

    public static async Task<int> RunAsync(int entries, int rounds)
    {
        UseMemoryFileSystem();
        using var dir = new TempDirectory("pkgbuild-bench-catalog");
        var served = MakeServedCatalog(dir, entries);
        var version = RacketRunner.Version; // raco asks with ?version=<its own version>; ours must ask the same
        using var server = new LoopbackHttpServer(ServeDirectory(served));
        var url = server.BaseUrl + "catalog/";

        var ours = new List<double>();
        var raco = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            var roundDir = dir.Combine($"round-{round}");
            var oursDestination = FreshDirectory(Path.Combine(roundDir, "ours"));
            var racoDestination = FreshDirectory(Path.Combine(roundDir, "raco"));
            ours.Add(await TimeOursAsync(url, oursDestination, version));
            raco.Add(TimeRaco(url, racoDestination, FreshDirectory(Path.Combine(roundDir, "home"))));
            Console.WriteLine($"round {round + 1}: ours {ours[^1]:F2} s, raco {raco[^1]:F2} s");
            if (round == 0 && !SamePkgsAll(oursDestination, racoDestination))
            {
                return 1;
            }
            // Rounds are deleted only at the end: on ext4 without a journal, creating a file skips over
            // inodes freed in the last minutes, so deleting between rounds slows every later round.
        }

        var ratio = Median(ours) / Median(raco);
        Console.WriteLine($"catalog-copy {entries} entries over loopback HTTP: ours {Median(ours):F2} s, raco {Median(raco):F2} s, "
            + $"ratio {ratio:F2} (goal <= {Goal})");
        BenchTable.Add($"CopyCatalog vs `raco pkg catalog-copy`, {entries} entries over HTTP", $"{ratio:F2}x", $"<= {Goal}x", ratio <= Goal,
            $"{Median(ours):F2} s vs {Median(raco):F2} s, median of {rounds}");
        return 0;
    }

    /// <summary>
    /// Both copies create thousands of files, and on a disk that costs whatever the file system's recent
    /// history makes it cost (on ext4, creation slows for minutes after a large delete; the ratio swung
    /// from 0.25 to 0.7 that way). A tmpfs takes the disk out, so the ratio compares the two programs.
    /// An explicit TMPDIR wins.
    /// </summary>
    private static void UseMemoryFileSystem()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TMPDIR")) && Directory.Exists("/dev/shm"))
        {
            Environment.SetEnvironmentVariable("TMPDIR", "/dev/shm");
        }
        Console.WriteLine($"working in {Path.GetTempPath()}");
    }

    /// <summary>
    /// A directory catalog written by raco itself (pkg/&lt;name&gt;, pkgs and pkgs-all), so the server hands
    /// out exactly what a real catalog would, and both clients take the one-request pkgs-all path.
    /// </summary>
    private static string MakeServedCatalog(TempDirectory dir, int entries)
    {
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("source"), entries.ToString(CultureInfo.InvariantCulture));
        RacketRunner.Raco("pkg", "catalog-copy", dir.Combine("source"), dir.Combine("served"));
        // A remote catalog's own packages have relative sources: the directory copy made them file:// URLs of
        // this machine, which a remote catalog may not give (PKB0208), so they go back to relative.
        var local = new Uri(dir.Combine("pkgs") + "/").AbsoluteUri;
        foreach (var file in Directory.GetFiles(dir.Combine("served"), "*", SearchOption.AllDirectories))
        {
            File.WriteAllText(file, File.ReadAllText(file).Replace(local, "../pkgs/", StringComparison.Ordinal));
        }
        var pkgsAll = new FileInfo(dir.Combine("served", "pkgs-all"));
        Console.WriteLine($"served catalog: {entries} entries, pkgs-all {pkgsAll.Length / 1024.0 / 1024.0:F1} MiB");
        return dir.Combine("served");
    }

    /// <summary>
    /// Answers <c>/catalog/&lt;path&gt;?version=…</c> with the file at that path in <paramref name="root"/>,
    /// anything else with 404. Bodies are cached, so the server's disk reads are paid once, not per client.
    /// </summary>
    private static Func<TestHttpRequest, TestHttpResponse> ServeDirectory(string root)
    {
        const string prefix = "/catalog/";
        var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + Path.DirectorySeparatorChar;
        var bodies = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        return request =>
        {
            var path = request.PathAndQuery.Split('?', 2)[0];
            if (request.Method is not ("GET" or "HEAD") || !path.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new TestHttpResponse(404);
            }
            var file = Path.GetFullPath(Path.Combine(fullRoot, Uri.UnescapeDataString(path[prefix.Length..])));
            if (!file.StartsWith(fullRoot, StringComparison.Ordinal) || !File.Exists(file))
            {
                return new TestHttpResponse(404); // also refuses ../ out of the served directory
            }
            return TestHttpResponse.Ok(bodies.GetOrAdd(file, File.ReadAllText));
        };
    }

    private static async Task<double> TimeOursAsync(string url, string destination, string version)
    {
        var watch = Stopwatch.StartNew();
        using var http = new CatalogHttpClient(); // per round: no pooled connection carries over from the last one
        await CatalogCopier.CopyAsync(http, [url], destination, version, warn: _ => { },
            int.Parse(RunBenchmark.SdkDefaults()["PkgBuildCatalogParallelRequests"], System.Globalization.CultureInfo.InvariantCulture));
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// raco in a child process, start-up included. An empty PLTUSERHOME per round keeps the user's own
    /// packages and settings, and anything an earlier round left behind, out of the measurement.
    /// </summary>
    private static double TimeRaco(string url, string destination, string home)
    {
        var environment = new Dictionary<string, string?> { ["PLTUSERHOME"] = home };
        var watch = Stopwatch.StartNew();
        var result = ProcessRunner.Run("raco", ["pkg", "catalog-copy", "--force", url, destination], environment: environment);
        var seconds = watch.Elapsed.TotalSeconds;
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"raco pkg catalog-copy exited with {result.ExitCode}:\n{result.Output}");
        }
        return seconds;
    }

    /// <summary>Byte for byte: the point of the copy is that raco, reading ours, sees what its own copy holds.</summary>
    private static bool SamePkgsAll(string oursDirectory, string racoDirectory)
    {
        var ours = File.ReadAllBytes(Path.Combine(oursDirectory, "pkgs-all"));
        var raco = File.ReadAllBytes(Path.Combine(racoDirectory, "pkgs-all"));
        var length = Math.Min(ours.Length, raco.Length);
        var at = Enumerable.Range(0, length).FirstOrDefault(i => ours[i] != raco[i], -1);
        if (at < 0 && ours.Length == raco.Length)
        {
            return true;
        }
        at = at < 0 ? length : at;
        Console.Error.WriteLine($"FAIL: pkgs-all differs from raco's at byte {at} (ours {ours.Length} bytes, raco {raco.Length} bytes)");
        Console.Error.WriteLine($"  ours: {Excerpt(ours, at)}");
        Console.Error.WriteLine($"  raco: {Excerpt(raco, at)}");
        return false;
    }

    private static string Excerpt(byte[] bytes, int at)
    {
        var start = Math.Max(0, at - 40);
        return System.Text.Encoding.UTF8.GetString(bytes, start, Math.Min(bytes.Length, at + 40) - start);
    }

    /// <summary>An empty directory; CopyAsync keeps its state beside the destination, so that must be absent too.</summary>
    private static string FreshDirectory(string path)
    {
        foreach (var stale in new[] { path, path + ".sources" }.Where(Directory.Exists))
        {
            Directory.Delete(stale, recursive: true);
        }
        Directory.CreateDirectory(path);
        return path;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}

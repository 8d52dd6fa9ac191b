using System.Diagnostics;
using System.Globalization;
using System.Text;
using PkgBuild.Pipeline.Archive;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Testing;

/// <summary>
/// RunPkgBuild against the ideal, in the same run: generated packages (core libraries, mid-level
/// libraries on them, leaves on those) built and tested by <see cref="PkgBuildRun"/> on an isolated Local
/// guest with 2 slots, against the sum of bare <c>raco pkg install</c> + <c>raco test</c> of each package
/// in a fresh user scope from the same archive, divided by 2. The dependency check (<c>raco setup
/// --check-pkg-deps</c>), which pkg-build runs and the ideal leaves out, is timed too and shown.
/// </summary>
internal static class RunBenchmark
{
    private const double Goal = 1.15;

    /// <summary>A run on 2 Slurm nodes against the same 2 slots on a Local guest.</summary>
    private const double SlurmGoal = 1.1;

    /// <param name="jobs">PkgBuildJobs for our run (null: no --jobs, the default); the ideal's commands never carry one.</param>
    public static async Task<int> RunAsync(int count, int? jobs = null)
    {
        using var dir = new TempDirectory("pkgbuild-bench-run");
        var (names, site) = await PrepareAsync(dir, count);

        // The ideal: each package alone, bare, in a fresh user scope, one after another.
        double install = 0, test = 0, check = 0;
        var catalog = new Uri(Path.Combine(site, "catalog") + "/").AbsoluteUri;
        foreach (var name in names)
        {
            var home = dir.Combine("ideal", name);
            Directory.CreateDirectory(home);
            install += await TimeAsync(home, "pkg", "install", "-u", "--auto", "--batch", "--catalog", catalog, name);
            check += await TimeAsync(home, "setup", "-nxiID", "--check-pkg-deps", "--pkgs", name);
            test += await TimeAsync(home, "test", "--drdr", "--package", name);
        }
        var ideal = (install + test) / 2;
        var idealWithCheck = (install + check + test) / 2;

        // Ours: the whole run, as RunPkgBuild does it, on an isolated Local guest with 2 slots.
        await using var local = await LocalAsync(dir, site);
        var (ours, summary, settings) = await RunOnceAsync(dir, "ours", site, local.Guest, jobs);
        var failed = summary.Results.Where(r => r.Outcome != PkgBuild.Pipeline.Results.PackageOutcome.Success).ToList();

        Console.WriteLine($"ideal: install {install:F1} s + test {test:F1} s = {install + test:F1} s over 2 workers = {ideal:F1} s (with the dependency check {check:F1} s: {idealWithCheck:F1} s)");
        Console.WriteLine($"ours:  {ours:F1} s for {summary.Results.Count} packages on 2 slots ({(local.Machine.Isolated ? "isolated" : "NOT isolated")}), {failed.Count} not successful; "
            + $"packages' own times add up to {summary.Results.Sum(r => r.Elapsed.TotalSeconds):F1} s ({summary.Results.Sum(r => r.Elapsed.TotalSeconds) / 2:F1} s over 2 slots)");
        Console.WriteLine("ours, by step (summed over packages): " + BySteps(settings));
        Console.WriteLine($"ratio  {ours / ideal:F2} to the ideal (goal <= {Goal}); {ours / idealWithCheck:F2} to the ideal with the dependency check");
        BenchTable.Add($"RunPkgBuild vs the ideal, {count} packages on 2 slots", $"{ours / ideal:F2}x", $"<= {Goal}x", ours / ideal <= Goal,
            $"{ours:F0} s vs (install + test) / 2 = {ideal:F0} s; {ours / idealWithCheck:F2}x counting the dependency check");
        foreach (var f in failed)
        {
            Console.WriteLine($"  {f.Package}: {f.Outcome} {f.Message}");
        }
        return failed.Count == 0 && ours / ideal <= Goal ? 0 : 1;
    }

    /// <summary>
    /// The same generated packages built and tested on 2 Slurm nodes (a private cluster on this machine, a
    /// Slurm guest with Parallelism 2) and on the same 2 slots of a Local guest, this machine's Racket readied
    /// for both as RunPkgBuild readies it for a Preinstalled project. One untimed run on each warms both
    /// first. Then each round runs both back to back, which goes first alternating (Local, Slurm; Slurm,
    /// Local; ...), over an even number of rounds: whichever runs second in a round runs faster on this
    /// machine, and with each order equally often the geometric mean of the rounds' ratios cancels that
    /// factor where a median of them only picks a side of it.
    /// </summary>
    public static async Task<int> SlurmAsync(int count, int rounds)
    {
        const string What = "RunPkgBuild on 2 Slurm nodes vs 2 Local slots";
        var (cluster, whyNot) = BenchCluster.TryStart();
        if (cluster == null)
        {
            Console.WriteLine($"Slurm run not measured: {whyNot}");
            BenchTable.Add($"{What}, {count} packages", "—", $"<= {SlurmGoal}x", false, $"not measured: {whyNot}");
            return 1;
        }
        using (cluster)
        {
            using var dir = new TempDirectory("pkgbuild-bench-slurm-run");
            var (_, site) = await PrepareAsync(dir, count);
            await using var local = await LocalAsync(dir, site);
            var warnings = new List<string>();
            await using var slurm = cluster.Guest("slurm", dir.Combine("slurm-shared"), 2, w => warnings.Add(w.Message));
            await slurm.PreflightAsync();
            await slurm.StartAsync();
            var slurmSite = await slurm.ShareSiteAsync(site, new Uri("http://127.0.0.1:1/"));
            await slurm.UsePreinstalledRacketAsync("racket");
            var slurmGuest = new RunGuest(slurm, slurmSite, "raco");
            foreach (var warning in warnings)
            {
                Console.WriteLine($"warning: {warning}");
            }
            Console.WriteLine($"Slurm guest: nodes {string.Join(", ", slurm.Nodes)}, {(slurm.Isolated ? "isolated" : "NOT isolated")}, installation {(slurm.WritableInstallation ? "pristine and writable" : "read-only")}; "
                + $"Local guest: {(local.Machine.Isolated ? "isolated" : "NOT isolated")}, installation {(local.Machine.Installation.Count > 0 ? "pristine and writable" : "read-only")}");

            var localTimes = new List<double>();
            var slurmTimes = new List<double>();
            var unsuccessful = 0;
            rounds += rounds % 2; // each order equally often
            // One run on one guest, its failures counted and listed; what it is called in the output, and its seconds.
            async Task<double> RunAsync(bool onSlurm, string what, string name)
            {
                var (seconds, summary, settings) = await RunOnceAsync(dir, name, site, onSlurm ? slurmGuest : local.Guest, jobs: null);
                var failed = summary.Results.Where(r => r.Outcome != PkgBuild.Pipeline.Results.PackageOutcome.Success).ToList();
                unsuccessful += failed.Count;
                Console.WriteLine($"{what} {(onSlurm ? "Slurm" : "Local")}: {seconds:F1} s, {summary.Results.Count} packages, {failed.Count} not successful; by step: {BySteps(settings)}");
                foreach (var f in failed)
                {
                    Console.WriteLine($"  {f.Package}: {f.Outcome} {f.Message}");
                }
                return seconds;
            }
            foreach (var onSlurm in new[] { false, true })
            {
                await RunAsync(onSlurm, "warm-up (not timed)", $"{(onSlurm ? "slurm" : "local")}-warm");
            }
            for (var i = 0; i < rounds; i++)
            {
                foreach (var onSlurm in i % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    (onSlurm ? slurmTimes : localTimes).Add(await RunAsync(onSlurm, $"round {i + 1}", $"{(onSlurm ? "slurm" : "local")}-{i}"));
                }
                Console.WriteLine($"round {i + 1}: Slurm / Local = {slurmTimes[i] / localTimes[i]:F2}");
            }
            await slurm.StopAsync();
            var left = cluster.LeftBehind();

            var ratios = slurmTimes.Zip(localTimes, (s, l) => s / l).ToList();
            var ratio = Math.Exp(ratios.Average(Math.Log));
            var ofMedians = Median(slurmTimes) / Median(localTimes);
            Console.WriteLine($"Slurm {string.Join(", ", slurmTimes.Select(t => $"{t:F1}"))} s; Local {string.Join(", ", localTimes.Select(t => $"{t:F1}"))} s; per-round ratios {string.Join(", ", ratios.Select(r => $"{r:F2}"))}");
            Console.WriteLine($"ratio  {ratio:F2} (geometric mean of the rounds' ratios, each order {rounds / 2} times; of the medians {ofMedians:F2}; goal <= {SlurmGoal}); "
                + $"{unsuccessful} packages not successful; jobs left in the queue: {left.Count}");
            var met = ratio <= SlurmGoal && unsuccessful == 0 && left.Count == 0;
            BenchTable.Add($"{What}, {count} packages", $"{ratio:F2}x", $"<= {SlurmGoal}x", met,
                $"warmed, then {rounds} rounds alternated: Slurm {Median(slurmTimes):F0} s vs Local {Median(localTimes):F0} s (medians, {ofMedians:F2}x), per-round {string.Join(", ", ratios.Select(r => $"{r:F2}x"))}"
                + (unsuccessful > 0 ? $"; **{unsuccessful} packages not successful**" : "") + (left.Count > 0 ? $"; **{left.Count} jobs left in the queue**" : ""));
            return met ? 0 : 1;
        }
    }

    /// <summary>The generated packages, archived into a site as ArchivePackages does: their names and the site's directory.</summary>
    private static async Task<(List<string> Names, string Site)> PrepareAsync(TempDirectory dir, int count)
    {
        var names = Generate(dir, count);
        var site = dir.Combine("site");
        using (var archiver = new PackageArchiver(site, dir.Combine("archive"))
        {
            MaxParallel = int.Parse(SdkDefaults()["PkgBuildArchiveParallelism"], CultureInfo.InvariantCulture),
        })
        {
            var archived = await archiver.ArchiveAsync(DirectoryCatalog.Read(dir.Combine("catalog")));
            if (archived.Any(a => !a.Succeeded))
            {
                throw new InvalidOperationException("archive failed: " + string.Join("; ", archived.Where(a => !a.Succeeded).Select(a => a.Failure)));
            }
        }
        Console.WriteLine($"{count} generated packages, archived in {site}");
        return (names, site);
    }

    /// <summary>A started, isolated Local guest with 2 slots, the site shared and this machine's Racket readied as RunPkgBuild readies it.</summary>
    private static async Task<LocalRunGuest> LocalAsync(TempDirectory dir, string site)
    {
        var spec = GuestSpec.Parse("local", new Dictionary<string, string> { ["Parallelism"] = "2" });
        var local = new LocalGuestMachine(spec, dir.Combine("work", "guests", "local"), _ => { });
        try
        {
            await local.PreflightAsync();
            await local.StartAsync();
            var shared = await local.ShareSiteAsync(site, new Uri("http://127.0.0.1:1/"));
            await local.UsePreinstalledRacketAsync("racket"); // pristine and writable in each session
            return new LocalRunGuest(local, new RunGuest(local, shared, "raco"));
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    private sealed record LocalRunGuest(LocalGuestMachine Machine, RunGuest Guest) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Machine.DisposeAsync();
    }

    /// <summary>
    /// One whole run, as RunPkgBuild does it, on <paramref name="guest"/>, with the SDK's defaults, fresh
    /// state and results under <paramref name="name"/>, and the site's built catalog emptied first (so no run
    /// installs what an earlier one built).
    /// </summary>
    private static async Task<(double Seconds, RunSummary Summary, RunSettings Settings)> RunOnceAsync(TempDirectory dir, string name, string site, RunGuest guest, int? jobs)
    {
        var built = Path.Combine(site, BuiltCatalog.Directory);
        if (Directory.Exists(built))
        {
            Directory.Delete(built, recursive: true);
        }
        // The SDK's own defaults, read from Sdk.props (their one home) and parsed as RunPkgBuild parses them.
        var defaults = SdkDefaults();
        var options = RunOptions.Parse(property => defaults.GetValueOrDefault(property) ?? "", _ => default);
        var settings = new RunSettings
        {
            Results = new ResultsLayout(dir.Combine(name, "results")),
            Baseline = options.Baseline,
            StateDirectory = dir.Combine(name, "runs"),
            SiteDirectory = site,
            RacketIdentity = "bench",
            ConfirmRuns = options.ConfirmRuns,
            RunTests = bool.Parse(defaults["PkgBuildRunTests"]),
            InstallTimeout = options.InstallTimeout,
            TestTimeout = options.TestTimeout,
            SilenceTimeout = options.SilenceTimeout,
            MaxLogBytes = options.MaxLogBytes,
            OneProcessPerPackage = bool.Parse(defaults["PkgBuildOneProcessPerPackage"]),
            InfrastructureRetries = options.InfrastructureRetries,
            Jobs = jobs ?? options.Jobs,
        };
        var clock = Stopwatch.StartNew();
        var summary = await new PkgBuildRun(settings, [guest], _ => { }).RunAsync(new RunSelection { Scope = RunScope.All }, CancellationToken.None);
        return (clock.Elapsed.TotalSeconds, summary, settings);
    }

    /// <summary>Where the packages' time went, step by step: each step's log ends with how long it took.</summary>
    private static string BySteps(RunSettings settings) =>
        string.Join(", ", Directory.EnumerateFiles(Path.Combine(settings.Results.Root, "logs"), "*.txt", SearchOption.AllDirectories)
            .Select(f => (Step: Path.GetFileNameWithoutExtension(f), Match: System.Text.RegularExpressions.Regex.Match(File.ReadLines(f).LastOrDefault() ?? "", @"after ([0-9.]+) s\]$")))
            .Where(x => x.Match.Success)
            .GroupBy(x => x.Step, x => double.Parse(x.Match.Groups[1].Value, CultureInfo.InvariantCulture))
            .Select(g => $"{g.Key} {g.Sum():F1} s ({g.Count()})"));

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>Each property Sdk.props gives a default, with that default.</summary>
    internal static Dictionary<string, string> SdkDefaults() =>
        System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryPaths.Sdk, "Sdk", "Sdk.props")).Descendants()
            .Where(e => e.Parent?.Name.LocalName == "PropertyGroup" && e.Name.LocalName.StartsWith("PkgBuild", StringComparison.Ordinal))
            .GroupBy(e => e.Name.LocalName).ToDictionary(g => g.Key, g => g.Last().Value.Trim());

    private static async Task<double> TimeAsync(string home, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        var result = await ChildProcess.RunAsync("raco", arguments, new ChildProcessOptions
        {
            Environment = new Dictionary<string, string?> { ["PLTUSERHOME"] = home, ["PLT_PKG_BUILD_SERVICE"] = "1", ["CI"] = "true" },
            WorkingDirectory = home,
        });
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"raco {string.Join(' ', arguments)} failed: {result.Output}");
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// A catalog with a realistic shape: a few core libraries (one on another), mid-level libraries on one
    /// or two of them, and leaves on one to three mid-level ones; each a real module with a rackunit test.
    /// </summary>
    private static List<string> Generate(TempDirectory dir, int count)
    {
        var random = new Random(8);
        var cores = Math.Max(1, count / 12);
        var mids = Math.Max(1, count * 3 / 10);
        var names = new List<string>();
        var deps = new Dictionary<string, List<string>>();
        for (var i = 0; i < count; i++)
        {
            var (name, pool, take) = i < cores ? ($"core{i}", names.Take(i).ToList(), Math.Min(i, 1))
                : i < cores + mids ? ($"mid{i - cores}", names.Take(cores).ToList(), 1 + random.Next(2))
                : ($"leaf{i - cores - mids}", names.Skip(cores).Take(mids).ToList(), 1 + random.Next(3));
            deps[name] = pool.OrderBy(_ => random.Next()).Take(Math.Min(take, pool.Count)).ToList();
            names.Add(name);
        }
        foreach (var name in names)
        {
            var package = dir.Combine("packages", name);
            Directory.CreateDirectory(package);
            var all = new[] { "base", "rackunit-lib" }.Concat(deps[name]).ToList();
            File.WriteAllText(Path.Combine(package, "info.rkt"),
                $"#lang info\n(define collection \"{name}\")\n(define deps '({string.Join(' ', all.Select(d => $"\"{d}\""))}))\n");
            var main = new StringBuilder("#lang racket/base\n");
            main.Append($"(require {string.Join(' ', deps[name])})\n(provide {name}-value {name}-table)\n");
            main.Append($"(define ({name}-value x) (+ x 1 {string.Join(' ', deps[name].Select(d => $"({d}-value x)"))}))\n");
            // Some bulk to compile, as real packages have.
            for (var f = 0; f < 40; f++)
            {
                main.Append($"(define ({name}-f{f} n) (for/fold ([acc 0]) ([i (in-range n)]) (+ acc (* i {f}))))\n");
            }
            main.Append($"(define {name}-table (for/hash ([i 10]) (values i ({name}-f3 i))))\n");
            main.Append($"(module+ test (require rackunit) (check-true (exact-integer? ({name}-value 1))) (check-equal? ({name}-f1 4) 6))\n");
            File.WriteAllText(Path.Combine(package, "main.rkt"), main.ToString());
            var entry = $"#hash((checksum . \"\") (dependencies . ({string.Join(' ', all.Select(d => $"\"{d}\""))})) (name . \"{name}\") (source . \"{new Uri(package).AbsoluteUri}\") (author . \"bench@example.org\"))";
            Directory.CreateDirectory(dir.Combine("catalog", "pkg"));
            File.WriteAllText(dir.Combine("catalog", "pkg", name), entry);
        }
        return names;
    }
}

using System.Diagnostics;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

/// <summary>
/// The scheduler's own cost on a catalog-sized graph: a generated dependency graph shaped like Racket's
/// catalog (a few hub libraries most packages need, families of -lib/-doc/-test packages in layers, a
/// few small cycles, dependencies on <c>base</c> outside the graph), run on 16 slots with a build that
/// returns at once, so all that is timed is ordering, readiness and hand-out. Graph and scheduler
/// construction (components, priorities) are counted in.
/// </summary>
internal static class SchedulerBenchmark
{
    private const int Slots = 16;
    private const int Rounds = 5;
    private const double GoalSeconds = 1.0;
    private const double GoalMegabytes = 200;

    private static readonly string[] Hubs =
    [
        "base-lib", "rackunit-lib", "scribble-lib", "typed-racket-lib", "gui-lib", "net-lib", "db-lib", "math-lib",
        "compatibility-lib", "data-lib", "web-server-lib", "pict-lib",
    ];

    public static async Task<int> RunAsync(int packages)
    {
        var dependencies = Generate(packages, new Random(20240506));
        var shape = new PackageGraph(dependencies);
        var edges = shape.Packages.Sum(p => shape.DependenciesOf(p).Count);
        var cycles = StronglyConnected.Components(shape, out _).GroupBy(c => c.Value).Count(g => g.Count() > 1);
        var busiest = shape.Packages.Max(p => shape.DirectDependentsOf(p).Count);
        Console.WriteLine($"graph: {dependencies.Count} packages, {edges} dependencies among them ({Hubs.Length} hubs, the busiest with {busiest} direct dependents; "
            + $"{cycles} cycles), {Slots} slots");

        var cold = await TimeRunAsync(dependencies, failEvery: 0);
        var warm = new List<double>();
        var allocated = new List<long>();
        for (var i = 0; i < Rounds; i++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            warm.Add(await TimeRunAsync(dependencies, failEvery: 0));
            allocated.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        var failing = await TimeRunAsync(dependencies, failEvery: 20);

        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var peak = self.PeakWorkingSet64 / 1024.0 / 1024.0;
        var median = Median(warm);
        Console.WriteLine($"schedule all  first run {cold:F3} s (JIT included), then median of {Rounds} {median:F3} s  (goal < {GoalSeconds} s)");
        Console.WriteLine($"with failures {failing:F3} s  (every 20th package fails to install, its dependents blocked)");
        Console.WriteLine($"memory        peak working set {peak:F0} MB (goal < {GoalMegabytes} MB), {Median(allocated.Select(a => (double)a).ToList()) / 1024 / 1024:F1} MB allocated per run");
        BenchTable.Add($"scheduler alone, {dependencies.Count}-package graph, 16 slots", $"{Math.Max(cold, median):F3} s, {peak:F0} MB",
            $"< {GoalSeconds} s, < {GoalMegabytes} MB", Math.Max(cold, median) < GoalSeconds && peak < GoalMegabytes, $"first run {cold:F3} s, median {median:F3} s");
        return Math.Max(cold, median) < GoalSeconds && peak < GoalMegabytes ? 0 : 1;
    }

    /// <summary>One whole run: graph, scheduler, every package built; checks that every package got its result.</summary>
    private static async Task<double> TimeRunAsync(Dictionary<string, IReadOnlyList<string>> dependencies, int failEvery)
    {
        var clock = Stopwatch.StartNew();
        var graph = new PackageGraph(dependencies);
        var scheduler = new RunScheduler(graph, graph.Packages, new Dictionary<string, PackageResult>()) { InfrastructureRetries = 0 }; // no build fails here
        var finished = 0;
        var built = 0;
        var results = await scheduler.RunAsync(Enumerable.Range(0, Slots).ToList(), (package, _, _) =>
        {
            var n = Interlocked.Increment(ref built);
            return Task.FromResult(new PackageResult
            {
                Package = package,
                Outcome = failEvery > 0 && n % failEvery == 0 ? PackageOutcome.InstallFailure : PackageOutcome.Success,
                Step = StepNames.Install,
            });
        }, _ => finished++, CancellationToken.None);
        var seconds = clock.Elapsed.TotalSeconds;
        if (results.Count != dependencies.Count || finished != dependencies.Count)
        {
            throw new InvalidOperationException($"{results.Count} results and {finished} finished for {dependencies.Count} packages");
        }
        return seconds;
    }

    /// <summary>
    /// Families in layers: each family's <c>-lib</c> needs <c>base</c> (outside the graph), base-lib
    /// and a few other hubs, and a few libraries of lower layers; its <c>-doc</c> needs the lib and
    /// scribble-lib, its <c>-test</c> the lib and rackunit-lib, and the family's main package all three.
    /// Every 60th family's lib and the next family's lib depend on each other (a small cycle).
    /// </summary>
    private static Dictionary<string, IReadOnlyList<string>> Generate(int packages, Random random)
    {
        var deps = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var hub in Hubs)
        {
            var below = Hubs.TakeWhile(h => h != hub).ToList();
            deps[hub] = ["base", .. below.Where(_ => random.NextDouble() < 0.4), .. below.Take(1)];
        }
        const int layers = 10;
        var libsByLayer = Enumerable.Range(0, layers).Select(_ => new List<string>()).ToList();
        var family = 0;
        while (deps.Count < packages)
        {
            var layer = Math.Min(layers - 1, family * layers / Math.Max(1, packages / 4));
            var name = $"pkg{family:D4}";
            var lib = name + "-lib";
            var libDeps = new List<string> { "base", "base-lib" };
            libDeps.AddRange(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Hubs[(int)(Math.Pow(random.NextDouble(), 2) * Hubs.Length)]));
            for (var below = 0; below < layer; below++)
            {
                var candidates = libsByLayer[below];
                if (candidates.Count > 0 && random.NextDouble() < 0.5)
                {
                    libDeps.Add(candidates[random.Next(candidates.Count)]);
                }
            }
            deps[lib] = libDeps.Distinct().ToList();
            libsByLayer[layer].Add(lib);
            if (family % 60 == 1)
            {
                var previous = $"pkg{family - 1:D4}-lib";
                deps[previous].Add(lib);
                deps[lib].Add(previous);
            }
            if (deps.Count < packages)
            {
                deps[name + "-doc"] = ["base", lib, "scribble-lib", .. random.NextDouble() < 0.3 ? new[] { "racket-doc" } : []];
            }
            if (deps.Count < packages)
            {
                deps[name + "-test"] = ["base", lib, "rackunit-lib"];
            }
            if (deps.Count < packages)
            {
                deps[name] = [lib, name + "-doc", name + "-test"];
            }
            family++;
        }
        return deps.ToDictionary(d => d.Key, d => (IReadOnlyList<string>)d.Value, StringComparer.Ordinal);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

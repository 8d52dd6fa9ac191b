using System.Diagnostics;
using System.Globalization;
using PkgBuild.Racket.Data;
using PkgBuild.Testing;
using PkgBuild.Testing.Racket;

// dotnet run --project bench/PkgBuild.Bench -c Release -- data [packages]   ours vs racket on a catalog's pkgs-all
// dotnet run --project bench/PkgBuild.Bench -c Release -- fuzz [inputs]     a long reader fuzz run
// dotnet run --project bench/PkgBuild.Bench -c Release -- catalog [entries] [--rounds K]   ours vs raco pkg catalog-copy over HTTP
// dotnet run --project bench/PkgBuild.Bench -c Release -- guests [--rounds K]   per-package guest overhead per kind
// dotnet run --project bench/PkgBuild.Bench -c Release -- scheduler [packages]   scheduling overhead and memory on a catalog-sized graph
// dotnet run --project bench/PkgBuild.Bench -c Release -- run [packages] [--jobs N]   RunPkgBuild on 2 slots vs the ideal (bare install + test, / 2)
// dotnet run --project bench/PkgBuild.Bench -c Release -- slurm-run [packages] [--rounds K]   RunPkgBuild on 2 Slurm nodes vs 2 Local slots, alternated
// dotnet run --project bench/PkgBuild.Bench -c Release -- noop [--rounds K]   a no-op dotnet build of a finished pkgbuild.proj vs an empty project
// dotnet run --project bench/PkgBuild.Bench -c Release -- all   every benchmark above but the fuzzer, then one table of ratios
var command = args.Length > 0 ? args[0] : "data";
var size = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var rounds = Option(args, "--rounds") ?? 5;
return command switch
{
    "data" => DataBenchmark.Run(size > 0 ? size : 5000),
    "fuzz" => FuzzRun.Run(size > 0 ? size : 5_000_000),
    "catalog" when rounds > 0 => await CatalogBenchmark.RunAsync(size > 0 ? size : 3000, rounds),
    "guests" => await GuestBenchmark.RunAsync(Option(args, "--rounds") ?? 20),
    "scheduler" => await SchedulerBenchmark.RunAsync(size > 0 ? size : 3000),
    "run" => await RunBenchmark.RunAsync(size > 0 ? size : 40, Option(args, "--jobs")),
    "slurm-run" => await RunBenchmark.SlurmAsync(size > 0 ? size : 20, Option(args, "--rounds") ?? 4),
    "noop" => NoopBuildBenchmark.Run(Option(args, "--rounds") ?? 11),
    "all" => await AllAsync(),
    _ => Usage(),
};

static async Task<int> AllAsync()
{
    var started = DateTime.UtcNow;
    NoopBuildBenchmark.Run(11);
    await GuestBenchmark.RunAsync(20);
    await SchedulerBenchmark.RunAsync(3000);
    await RunBenchmark.RunAsync(40);
    await RunBenchmark.SlurmAsync(20, 2);
    await CatalogBenchmark.RunAsync(3000, 5); // last: it moves TMPDIR to /dev/shm for the rest of the process
    Console.WriteLine($"\nAll benchmarks, {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, racket {PkgBuild.Testing.Racket.RacketRunner.Version} "
        + $"({(DateTime.UtcNow - started).TotalMinutes:F0} min):");
    BenchTable.Print(Console.Out);
    return BenchTable.AllMet ? 0 : 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: PkgBuild.Bench data [packages] | fuzz [inputs] | catalog [entries] [--rounds K] | guests [--rounds K] | scheduler [packages] | run [packages] [--jobs N] | slurm-run [packages] [--rounds K] | noop [--rounds K] | all");
    return 2;
}

static int? Option(string[] args, string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// Reading and writing a catalog's pkgs-all, as a ratio to Racket's own read and write of the same file in
/// the same run (both medians of several rounds; Racket's startup is not counted).
/// </summary>
internal static class DataBenchmark
{
    private const int Rounds = 7;

    public static int Run(int packages)
    {
        using var dir = new TempDirectory("pkgbuild-bench");
        RacketRunner.RunScript("make-catalog.rkt", dir.Combine("source"), packages.ToString(CultureInfo.InvariantCulture));
        RacketRunner.Raco("pkg", "catalog-copy", dir.Combine("source"), dir.Combine("copy"));
        var file = dir.Combine("copy", "pkgs-all");
        Console.WriteLine($"pkgs-all: {packages} packages, {new FileInfo(file).Length / 1024.0 / 1024.0:F1} MiB");

        var peer = ProcessRunner.Run("racket", [Path.Combine(AppContext.BaseDirectory, "read-write.rkt"), file, Rounds.ToString(CultureInfo.InvariantCulture)]);
        var parts = peer.Output.Trim().Split(' ');
        var racketRead = double.Parse(parts[1], CultureInfo.InvariantCulture);
        var racketWrite = double.Parse(parts[3], CultureInfo.InvariantCulture);

        Datum datum = RacketList.Empty;
        var ourRead = Median(() => datum = DatumReader.ReadSingleFile(file));
        var ourStream = Median(() =>
        {
            using var reader = new DatumReader(File.OpenRead(file), file);
            foreach (var _ in reader.ReadHashEntries())
            {
            }
        });
        var ourWrite = Median(() => DatumWriter.WriteToString(datum));

        Console.WriteLine($"read         racket {racketRead,8:F1} ms   ours {ourRead,8:F1} ms   ratio {ourRead / racketRead:F2}");
        Console.WriteLine($"read entries racket {racketRead,8:F1} ms   ours {ourStream,8:F1} ms   ratio {ourStream / racketRead:F2}");
        Console.WriteLine($"write        racket {racketWrite,8:F1} ms   ours {ourWrite,8:F1} ms   ratio {ourWrite / racketWrite:F2}");
        return 0;
    }

    private static double Median(Action action)
    {
        action(); // warm-up: JIT
        var times = Enumerable.Range(0, Rounds).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalMilliseconds;
        }).Order().ToList();
        return times[Rounds / 2];
    }
}

internal static class FuzzRun
{
    public static int Run(int inputs)
    {
        var watch = Stopwatch.StartNew();
        var result = new ReaderFuzzer(seed: Environment.TickCount).Run(inputs);
        Console.WriteLine($"{result.Inputs} inputs in {watch.Elapsed}: {result.Successes} read, {result.Errors} errors ({string.Join(", ", result.CodesSeen.Order())}); "
            + $"catalog loader: {result.CatalogsRead} read, {result.CatalogsRefused} refused with a located error; {result.Failures.Count} failures");
        foreach (var failure in result.Failures.Take(20))
        {
            Console.WriteLine(failure);
        }
        return result.Failures.Count == 0 ? 0 : 1;
    }
}

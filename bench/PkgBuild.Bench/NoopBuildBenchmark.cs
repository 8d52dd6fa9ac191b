using System.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Sdk;

/// <summary>
/// A no-op <c>dotnet build</c> of a finished pkgbuild.proj (the quickstart, built once first: every step
/// then finds nothing to do) against <c>dotnet build</c> of an empty project on a minimal SDK: a package
/// with an empty Sdk.props and a Sdk.targets holding an empty Build target, named by the project's
/// <c>Sdk</c> attribute and resolved from a folder feed exactly as PkgBuild.Sdk is. Timed alternately in
/// the same run, medians. Both pay the same `dotnet` start-up and SDK resolution; the ratio is what the
/// pipeline's checks (catalog sources asked, overrides resolved, local packages hashed, the last run's
/// stamp compared) add to them. The same empty project with its two files imported directly (no SDK
/// resolution) is timed too and shown beside it.
/// </summary>
internal static class NoopBuildBenchmark
{
    private const double Goal = 1.3;

    private const string MinimalSdk = "PkgBuild.Bench.MinimalSdk";

    public static int Run(int rounds)
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");
        Directory.CreateDirectory(workspace.PathOf("minimal", "Sdk"));
        File.WriteAllText(workspace.PathOf("minimal", "Sdk", "Sdk.props"), "<Project />\n");
        File.WriteAllText(workspace.PathOf("minimal", "Sdk", "Sdk.targets"), "<Project><Target Name=\"Build\" /></Project>\n");
        File.WriteAllText(workspace.PathOf("imported.proj"),
            "<Project>\n  <Import Project=\"minimal/Sdk/Sdk.props\" />\n  <Import Project=\"minimal/Sdk/Sdk.targets\" />\n</Project>\n");
        workspace.AddSdkPackage(MinimalSdk, workspace.PathOf("minimal"));
        File.WriteAllText(workspace.PathOf("empty.proj"), $"<Project Sdk=\"{MinimalSdk}\" />\n");

        var first = workspace.Build("pkgbuild.proj", "-p:PkgBuildTestTimeout=15");
        if (!first.Succeeded)
        {
            Console.Error.WriteLine(first.ToString());
            return 1;
        }
        Time(workspace, "empty.proj"); // warm all three (the minimal SDK is restored here)
        Time(workspace, "imported.proj");
        Time(workspace, "pkgbuild.proj");
        var ours = new List<double>();
        var empty = new List<double>();
        var imported = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            empty.Add(Time(workspace, "empty.proj"));
            ours.Add(Time(workspace, "pkgbuild.proj"));
            imported.Add(Time(workspace, "imported.proj"));
            Console.WriteLine($"round {round + 1}: pkgbuild.proj {ours[^1]:F2} s, empty project on a minimal SDK {empty[^1]:F2} s, imported without an SDK {imported[^1]:F2} s");
        }
        var ratio = Median(ours) / Median(empty);
        Console.WriteLine($"no-op build: pkgbuild.proj {Median(ours):F2} s, empty project on a minimal SDK {Median(empty):F2} s, ratio {ratio:F2} (goal <= {Goal}); "
            + $"against the empty project importing the same files without an SDK ({Median(imported):F2} s): {Median(ours) / Median(imported):F2}");
        BenchTable.Add("no-op `dotnet build` of the finished quickstart vs an empty project on a minimal SDK", $"{ratio:F2}x", $"<= {Goal}x", ratio <= Goal,
            $"{Median(ours):F2} s vs {Median(empty):F2} s, median of {rounds}; {Median(ours) / Median(imported):F2}x an empty project importing the same files without an SDK ({Median(imported):F2} s)");
        return 0;
    }

    private static double Time(SdkWorkspace workspace, string project)
    {
        var clock = Stopwatch.StartNew();
        var build = workspace.Build(project, "-p:PkgBuildTestTimeout=15");
        if (!build.Succeeded)
        {
            throw new InvalidOperationException(build.ToString());
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

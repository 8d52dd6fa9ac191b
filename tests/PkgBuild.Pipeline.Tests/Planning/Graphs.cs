using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Tests.Planning;

/// <summary>Small dependency graphs for the run tests: <c>("app", ["lib", "base"])</c>, ...</summary>
internal static class Graphs
{
    public static PackageGraph Of(params (string Package, string[] Dependencies)[] packages) =>
        new(packages.ToDictionary(p => p.Package, p => (IReadOnlyList<string>)p.Dependencies, StringComparer.Ordinal));

    /// <summary>p0 &lt;- p1 &lt;- ... : each package depends on the one before it.</summary>
    public static PackageGraph Chain(int length) =>
        new(Enumerable.Range(0, length).ToDictionary(i => $"p{i}", i => (IReadOnlyList<string>)(i == 0 ? [] : [$"p{i - 1}"]), StringComparer.Ordinal));
}

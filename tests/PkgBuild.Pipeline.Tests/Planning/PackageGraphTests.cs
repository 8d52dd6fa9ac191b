using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Tests.Planning;

public sealed class PackageGraphTests
{
    [Fact]
    public void Dependencies_outside_the_graph_and_on_itself_are_not_edges()
    {
        var graph = Graphs.Of(("app", ["lib", "base", "racket", "app"]), ("lib", ["base"]));

        Assert.Equal(2, graph.Count);
        Assert.False(graph.Contains("base"));
        Assert.Equal(["lib"], graph.DependenciesOf("app"));
        Assert.Empty(graph.DependenciesOf("lib"));
        Assert.Equal(["app"], graph.DirectDependentsOf("lib"));
        Assert.Equal(["app", "lib"], graph.Closure(["app"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_dependency_listed_twice_is_one_edge()
    {
        var graph = Graphs.Of(("app", ["lib", "lib"]), ("lib", []));

        Assert.Equal(["lib"], graph.DependenciesOf("app"));
        Assert.Equal(["app"], graph.DirectDependentsOf("lib"));
    }

    [Fact]
    public void Closure_is_transitive_and_leaves_out_what_is_not_depended_on()
    {
        var graph = Graphs.Of(("app", ["mid"]), ("mid", ["low"]), ("low", []), ("other", ["low"]), ("unrelated", []));

        Assert.Equal(["app", "low", "mid"], graph.Closure(["app"]).Order(StringComparer.Ordinal));
        Assert.Equal(["low", "mid"], graph.Closure(["mid"]).Order(StringComparer.Ordinal));
        Assert.Empty(graph.Closure(["not-a-package"]));
    }

    [Fact]
    public void DependentsOf_is_transitive_and_leaves_out_unrelated_packages()
    {
        var graph = Graphs.Of(("app", ["mid"]), ("mid", ["low"]), ("low", []), ("other", ["low"]), ("unrelated", []));

        Assert.Equal(["app", "low", "mid", "other"], graph.DependentsOf(["low"]).Order(StringComparer.Ordinal));
        Assert.Equal(["app", "mid"], graph.DependentsOf(["mid"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Closure_and_DependentsOf_follow_cycles_without_looping()
    {
        var graph = Graphs.Of(("a", ["b"]), ("b", ["c"]), ("c", ["a", "d"]), ("d", []), ("top", ["a"]));

        Assert.Equal(["a", "b", "c", "d"], graph.Closure(["a"]).Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b", "c", "d", "top"], graph.DependentsOf(["d"]).Order(StringComparer.Ordinal));
        Assert.Equal(["a", "b", "c", "top"], graph.DependentsOf(["b"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_members_of_a_three_cycle_share_one_component_and_nothing_else_does()
    {
        var graph = Graphs.Of(("a", ["b"]), ("b", ["c"]), ("c", ["a", "d"]), ("d", []), ("top", ["a"]));

        var component = StronglyConnected.Components(graph, out var order);

        Assert.Equal(component["a"], component["b"]);
        Assert.Equal(component["a"], component["c"]);
        Assert.NotEqual(component["a"], component["d"]);
        Assert.NotEqual(component["a"], component["top"]);
        Assert.NotEqual(component["d"], component["top"]);
        Assert.Equal(3, component.Values.Distinct().Count());
        Assert.Equal(graph.Packages.Order(StringComparer.Ordinal), order.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_order_puts_dependencies_before_dependents_and_keeps_a_component_together()
    {
        // A diamond over a hub, a cycle in the middle, and names that sort against the dependency order.
        var graph = Graphs.Of(
            ("a-app", ["m-left", "m-right"]),
            ("m-left", ["z-hub"]),
            ("m-right", ["z-hub", "c-cycle1"]),
            ("c-cycle1", ["c-cycle2"]),
            ("c-cycle2", ["c-cycle1", "z-hub"]),
            ("z-hub", []),
            ("b-alone", []));

        var component = StronglyConnected.Components(graph, out var sorted);
        var order = sorted.ToList();

        Assert.Equal(graph.Count, order.Count);
        Assert.Equal(graph.Count, order.Distinct().Count());
        foreach (var package in graph.Packages)
        {
            foreach (var dep in graph.DependenciesOf(package).Where(d => component[d] != component[package]))
            {
                Assert.True(order.IndexOf(dep) < order.IndexOf(package), $"{dep} should come before its dependent {package}: {string.Join(" ", order)}");
            }
        }
        Assert.Equal(1, Math.Abs(order.IndexOf("c-cycle1") - order.IndexOf("c-cycle2")));
    }

    [Fact]
    public void A_chain_of_100000_packages_does_not_overflow_the_stack()
    {
        const int length = 100_000;
        var graph = Graphs.Chain(length);

        var component = StronglyConnected.Components(graph, out var order);

        Assert.Equal(length, component.Values.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, length).Select(i => $"p{i}"), order);
        Assert.Equal(length, graph.Closure([$"p{length - 1}"]).Count);
        Assert.Equal(length, graph.DependentsOf(["p0"]).Count);
    }

    [Fact]
    public void A_cycle_of_100000_packages_is_one_component()
    {
        const int length = 100_000;
        var graph = new PackageGraph(Enumerable.Range(0, length).ToDictionary(
            i => $"p{i}", i => (IReadOnlyList<string>)[$"p{(i + length - 1) % length}"], StringComparer.Ordinal));

        var component = StronglyConnected.Components(graph, out var order);

        Assert.Single(component.Values.Distinct());
        Assert.Equal(length, order.Count);
    }
}

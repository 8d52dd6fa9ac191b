using PkgBuild.Testing;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// The packed SDK, resolved by `dotnet build` from a folder feed the way a user's project resolves it,
/// runs the six pipeline steps in order. Steps whose implementation has not landed must fail loudly
/// with PKB0001, never succeed silently; as each lands, its expectation here moves to its own tests.
/// </summary>
public sealed class PipelineSkeletonTests
{
    private static readonly string[] PipelineOrder =
        ["CopyCatalog", "EditCatalog", "BuildInstallers", "ServeSite", "StartVm", "RunPkgBuild"];

    private static readonly string[] NotYetAvailable = ["RunPkgBuild"];

    [Fact]
    public void Quickstart_sample_resolves_the_sdk_and_runs_the_six_steps_in_order()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");

        var build = workspace.Build();

        var publicSteps = build.TargetsRun.Where(PipelineOrder.Contains).ToList();
        Assert.Equal(PipelineOrder, publicSteps);
        Assert.Equal("_PkgBuildCheckSettings", build.TargetsRun[0]);
        Assert.Equal("Build", build.TargetsRun[^1]);
        Assert.Contains("CheckPkgBuildSettings", build.TasksRun);
    }

    [Fact]
    public void Steps_not_yet_available_fail_the_build_with_PKB0001_naming_each_step()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");

        var build = workspace.Build();

        Assert.False(build.Succeeded, build.ToString());
        var missing = build.Errors.Where(e => e.Code == "PKB0001").ToList();
        Assert.Equal(NotYetAvailable.Length, missing.Count);
        foreach (var (step, error) in NotYetAvailable.Zip(missing))
        {
            Assert.StartsWith($"{step} is not available", error.Message);
        }
        Assert.All(build.Errors, e => Assert.Equal("PKB0001", e.Code));
    }

    [Fact]
    public void A_public_step_runs_only_the_steps_before_it()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");

        var build = workspace.Build("pkgbuild.proj", "-t:EditCatalog");

        var publicSteps = build.TargetsRun.Where(PipelineOrder.Contains).ToList();
        Assert.Equal(["CopyCatalog", "EditCatalog"], publicSteps);
    }

    [Fact]
    public void A_project_hooks_its_own_target_into_a_step_through_its_DependsOn_property()
    {
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup>
                <EditCatalogDependsOn>MyPrepare</EditCatalogDependsOn>
              </PropertyGroup>
              <ItemGroup>
                <PkgBuildSourceCatalog Include="{Path.Combine(RepositoryPaths.Samples, "quickstart", "catalog")}" />
              </ItemGroup>
              <Target Name="MyPrepare">
                <Message Importance="high" Text="prepared" />
              </Target>
            </Project>
            """);

        var build = workspace.Build("pkgbuild.proj", "-t:EditCatalog");

        var order = build.TargetsRun.ToList();
        Assert.True(order.IndexOf("CopyCatalog") < order.IndexOf("MyPrepare"), string.Join(" ", order));
        Assert.True(order.IndexOf("MyPrepare") < order.IndexOf("EditCatalog"), string.Join(" ", order));
    }
}

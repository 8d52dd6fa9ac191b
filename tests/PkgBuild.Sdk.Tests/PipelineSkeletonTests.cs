using PkgBuild.Testing;
using PkgBuild.Testing.Sdk;

namespace PkgBuild.Sdk.Tests;

/// <summary>
/// The packed SDK, resolved by `dotnet build` from a folder feed the way a user's project resolves it,
/// runs the six pipeline steps in order.
/// </summary>
public sealed class PipelineSkeletonTests
{
    private static readonly string[] PipelineOrder =
        ["CopyCatalog", "EditCatalog", "BuildInstallers", "ServeSite", "StartVm", "RunPkgBuild"];

    [Fact]
    public void Quickstart_sample_resolves_the_sdk_and_runs_the_six_steps_in_order()
    {
        using var workspace = SdkWorkspace.FromSample("quickstart");

        // Dependents of no override: every step runs, and RunPkgBuild selects no package (fast).
        var build = workspace.Build("pkgbuild.proj", "-p:PkgBuildScope=Dependents");

        Assert.True(build.Succeeded, build.ToString());
        // StartVm is a step of its own in Sdk.targets, after the plan found package work.
        var publicSteps = build.TargetsFinished.Where(PipelineOrder.Contains).ToList();
        Assert.Equal(PipelineOrder, publicSteps);
        Assert.Equal("_PkgBuildCheckSettings", build.TargetsRun[0]);
        var order = build.TargetsRun.ToList();
        Assert.True(order.IndexOf("_PkgBuildPlanRun") < order.IndexOf("StartVm"), string.Join(" ", order));
        Assert.Contains("PlanPkgBuild", build.TasksRun);
        Assert.Equal("Build", build.TargetsFinished[^1]);
        Assert.Contains("CheckPkgBuildSettings", build.TasksRun);
        Assert.Contains("RunPkgBuild", build.TasksRun);
        Assert.Empty(build.Errors);
        Assert.Empty(build.OutputItems("PkgBuildPackageResult"));
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

    [Fact]
    public void RunPkgBuild_returns_its_items_to_a_caller_and_a_no_op_build_skips_StartVm()
    {
        using var workspace = SdkWorkspace.FromProjectText($"""
            <Project Sdk="PkgBuild.Sdk">
              <PropertyGroup>
                <PkgBuildRacket>Preinstalled</PkgBuildRacket>
              </PropertyGroup>
              <ItemGroup>
                <PkgBuildSourceCatalog Include="{Path.Combine(RepositoryPaths.Samples, "quickstart", "catalog")}" />
                <PkgBuildPackage Include="qs-standalone" />
              </ItemGroup>
            </Project>
            """);

        var first = workspace.Build("pkgbuild.proj", "-getTargetResult:RunPkgBuild");
        var again = workspace.Build("pkgbuild.proj");

        Assert.True(first.Succeeded, first.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(first.Output[first.Output.IndexOf('{')..]);
        var result = json.RootElement.GetProperty("TargetResults").GetProperty("RunPkgBuild");
        Assert.Equal("Success", result.GetProperty("Result").GetString());
        var item = Assert.Single(result.GetProperty("Items").EnumerateArray());
        Assert.Equal("qs-standalone", item.GetProperty("Identity").GetString());
        Assert.True(again.Succeeded, again.ToString());
        Assert.DoesNotContain("StartVm", again.TargetsRun);
        Assert.DoesNotContain("StartGuests", again.TasksRun);
        Assert.DoesNotContain("ServeSite", again.TasksRun);
        Assert.Single(again.OutputItems("PkgBuildPackageResult"));
    }
}

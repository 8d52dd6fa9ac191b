using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Settings;

namespace PkgBuild.Pipeline.Tests.Planning;

/// <summary>
/// Settings for tests that run packages: the directories are each test's own (set with <c>with</c>), the
/// limits are this suite's choice, generous enough for a loaded machine; none of them is the SDK's default,
/// which lives in Sdk.props only.
/// </summary>
public static class TestRunSettings
{
    public static RunSettings Base { get; } = new()
    {
        Results = new ResultsLayout("/nonexistent/results"),
        Baseline = BaselineChoice.None,
        StateDirectory = "",
        SiteDirectory = "",
        RacketIdentity = "test",
        ConfirmRuns = 2,
        RunTests = true,
        InstallTimeout = TimeSpan.FromMinutes(8),
        TestTimeout = TimeSpan.FromMinutes(8),
        SilenceTimeout = TimeSpan.FromMinutes(4),
        MaxLogBytes = 8L << 20,
        OneProcessPerPackage = true,
        InfrastructureRetries = 2,
    };
}

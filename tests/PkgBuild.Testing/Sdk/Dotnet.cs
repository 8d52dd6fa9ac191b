namespace PkgBuild.Testing.Sdk;

/// <summary>
/// Runs the real `dotnet` CLI as a user would, but isolated from the test host: no MSBuild variables
/// inherited from `dotnet test`, no node reuse or build server left running, a given NuGet cache.
/// </summary>
public static class Dotnet
{
    public static ProcessResult Run(IReadOnlyList<string> arguments, string workingDirectory, string nugetPackages, TimeSpan timeout)
    {
        var environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = nugetPackages,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["TERM"] = "dumb",
        };

        // `dotnet test` exports MSBuild's own locations to the test process; a child build that inherits
        // them resolves SDKs from the wrong place.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && !environment.ContainsKey(name))
            {
                environment[name] = null;
            }
        }

        return ProcessRunner.Run("dotnet", [.. arguments, "-nodeReuse:false"], workingDirectory, environment, timeout);
    }
}

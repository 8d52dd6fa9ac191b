namespace PkgBuild.Testing.Sdk;

/// <summary>
/// Runs the real `dotnet` CLI as a user would, but isolated from the test host: no MSBuild variables
/// inherited from `dotnet test`, no node reuse or build server left running, a given NuGet cache.
/// </summary>
public static class Dotnet
{
    /// <param name="environment">Set on top of the isolated environment (a build's <c>SLURM_CONF</c>).</param>
    public static ProcessResult Run(IReadOnlyList<string> arguments, string workingDirectory, string nugetPackages, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        return ProcessRunner.Run("dotnet", [.. arguments, "-nodeReuse:false"], workingDirectory, Environment(nugetPackages, environment), timeout);
    }

    /// <summary>
    /// Starts <c>dotnet</c> the same way without waiting (output kept for <see cref="OutputOf"/>), for tests
    /// that stop it themselves. Every signal starts at its default, as in a terminal: a suite started in the
    /// background by a shell (<c>eng/test.sh &amp;</c>) ignores SIGINT, and the build would inherit that and
    /// never see a Ctrl+C.
    /// </summary>
    public static System.Diagnostics.Process Start(IReadOnlyList<string> arguments, string workingDirectory, string nugetPackages,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/env", ["--default-signal", "dotnet"])
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments.Append("-nodeReuse:false"))
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in Environment(nugetPackages, environment))
        {
            if (value == null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }
        var process = System.Diagnostics.Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = Outputs.GetValue(process, _ => new System.Text.StringBuilder());
        void Keep(object _, System.Diagnostics.DataReceivedEventArgs e)
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        }
        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<System.Diagnostics.Process, System.Text.StringBuilder> Outputs = new();

    /// <summary>What a build from <see cref="Start"/> has printed so far, stdout and stderr together: for a failing assertion's message.</summary>
    public static string OutputOf(System.Diagnostics.Process process)
    {
        if (!Outputs.TryGetValue(process, out var output))
        {
            return "";
        }
        lock (output)
        {
            return output.ToString();
        }
    }

    internal static Dictionary<string, string?> Environment(string nugetPackages, IReadOnlyDictionary<string, string?>? extra = null)
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
        foreach (var name in System.Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && !environment.ContainsKey(name))
            {
                environment[name] = null;
            }
        }
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }
        return environment;
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PkgBuild.Testing.Sdk;

/// <summary>What a command printed to a pseudo-terminal: each chunk with the time it arrived, and the text without escapes.</summary>
public sealed partial record PtyOutput(IReadOnlyList<(TimeSpan At, string Text)> Chunks, int ExitCode)
{
    public string Raw => string.Concat(Chunks.Select(c => c.Text));

    /// <summary>The text as a person reads it: escape sequences and carriage returns removed.</summary>
    public string Plain => Strip(Raw);

    public static string Strip(string text) => Ansi().Replace(text, "").Replace("\r", "", StringComparison.Ordinal);

    /// <summary>When <paramref name="text"/> was first complete in the output (escapes removed); null if never.</summary>
    public TimeSpan? FirstSeen(string text)
    {
        var sofar = new StringBuilder();
        foreach (var (at, chunk) in Chunks)
        {
            sofar.Append(chunk);
            if (Strip(sofar.ToString()).Contains(text, StringComparison.Ordinal))
            {
                return at;
            }
        }
        return null;
    }

    public override string ToString() => $"exit {ExitCode}\n{Plain}";

    // OSC (ESC ] ... BEL or ESC \), CSI (ESC [ parameters final), and the two-byte ESC sequences (ESC 7, ESC =, ...).
    [GeneratedRegex(@"\x1B\][^\x07\x1B]*(?:\x07|\x1B\\)|\x1B\[[0-?]*[ -/]*[@-~]|\x1B[@-Z\\-_=>78]")]
    private static partial Regex Ansi();
}

/// <summary>
/// Runs <c>dotnet</c> in a pseudo-terminal, as a person at a terminal does, so that it picks the terminal
/// logger and its live display: util-linux <c>script</c> makes the terminal (120x40), and its standard
/// output, a copy of everything written to it, is read as it comes.
/// </summary>
public static class PtyBuild
{
    public static PtyOutput Run(IReadOnlyList<string> arguments, string workingDirectory, string nugetPackages, TimeSpan timeout)
    {
        static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        var command = "stty cols 120 rows 40; exec dotnet " + string.Join(" ", arguments.Append("-nodeReuse:false").Select(Quote));
        var info = new ProcessStartInfo("script")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closed at once: script must not wait on the test host's input
        };
        // -q no banner, -f flush each write, -e the command's exit code, -c the command; no typescript file.
        foreach (var argument in new[] { "-qfec", command, "/dev/null" })
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in Dotnet.Environment(nugetPackages))
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
        info.Environment["TERM"] = "xterm-256color"; // the terminal logger wants a terminal that takes ANSI escapes
        info.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        info.Environment.Remove("MSBUILDTERMINALLOGGER"); // the test passes -tl itself
        // CI variables turn the logger's "auto" off, and the CLI hides its live status under an AI agent.
        foreach (var name in new[]
        {
            "CI", "GITHUB_ACTIONS", "TF_BUILD", "BUILD_ID", "JENKINS_URL", "GITLAB_CI", "TEAMCITY_VERSION",
            "CLAUDECODE", "CLAUDE_CODE", "CLAUDE_CODE_ENTRYPOINT", "CURSOR_EDITOR", "CURSOR_AI", "GEMINI_CLI",
            "GITHUB_COPILOT_CLI_MODE", "CODEX_CLI", "CODEX_SANDBOX", "CODEX_THREAD_ID", "AGENT_CLI",
        })
        {
            info.Environment.Remove(name);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("script did not start.");
        process.StandardInput.Close();
        var chunks = new List<(TimeSpan, string)>();
        var errors = process.StandardError.ReadToEndAsync();
        var reading = Task.Run(() =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = process.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
            {
                lock (chunks)
                {
                    chunks.Add((clock.Elapsed, new string(buffer, 0, n)));
                }
            }
        });
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(" ", arguments)} in a terminal ran past {timeout}:\n{PtyOutput.Strip(string.Concat(chunks.Select(c => c.Item2)))}");
        }
        reading.Wait(timeout);
        errors.Wait(timeout);
        return new PtyOutput(chunks, process.ExitCode);
    }
}

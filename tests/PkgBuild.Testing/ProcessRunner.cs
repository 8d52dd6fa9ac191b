using System.Diagnostics;
using System.Text;

namespace PkgBuild.Testing;

/// <summary>The outcome of a child process: exit code and everything it wrote, interleaved.</summary>
public sealed record ProcessResult(int ExitCode, string Output);

/// <summary>
/// Runs a real program with a time limit; on timeout kills its whole process tree, so a test never
/// leaves a process behind.
/// </summary>
public static class ProcessRunner
{
    public static ProcessResult Run(
        string fileName,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        string? standardInput = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput != null)
        {
            process.StandardInput.Write(standardInput);
        }
        process.StandardInput.Close();

        var limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} ran longer than {limit}:\n{output}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }
}

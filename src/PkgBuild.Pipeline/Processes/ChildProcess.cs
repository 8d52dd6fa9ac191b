using System.Diagnostics;

namespace PkgBuild.Pipeline.Processes;

/// <summary>What a finished child process left: its exit code and its output, stdout and stderr interleaved.</summary>
public sealed record ChildProcessResult(int ExitCode, string Output, bool TimedOut)
{
    /// <summary>Whether the time out came from the silence watchdog (no output for too long).</summary>
    public bool Silent { get; init; }

    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs a program from an argument list — never through a shell, so nothing from a catalog is ever
/// parsed as shell syntax — with a time limit, cancellation and streamed output. A process that runs
/// too long or is cancelled is killed with its whole process tree.
/// </summary>
public static class ChildProcess
{
    public static async Task<ChildProcessResult> RunAsync(
        string program,
        IEnumerable<string> arguments,
        ChildProcessOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new ChildProcessOptions();
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in options.Environment)
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

        using var limit = new RunLimit(options.Timeout, options.SilenceTimeout, cancellationToken, options.Deadline);
        var output = new OutputBuffer(options.MaxOutputChars);
        void OnLine(string line)
        {
            output.AppendLine(line);
            options.OnOutputLine?.Invoke(line);
        }

        using var process = new Process { StartInfo = info };
        try
        {
            Spawner.Start(process);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FileNotFoundException($"Cannot start '{program}': {e.Message}. Is it installed and on PATH?", program, e);
        }
        // Our own readers rather than BeginOutputReadLine: that one keeps a line without a newline growing forever.
        // Each on a thread of its own: a blocking read on a pool thread waits for the pool to grow when many run.
        var readers = new[] { process.StandardOutput.BaseStream, process.StandardError.BaseStream }
            .Select(stream => StreamLines.StartReading(stream, OnLine, _ => limit.Heard())).ToArray();
        process.StandardInput.Close();

        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            timedOut = true;
        }
        // The readers may still hold the last lines; this wait drains them, but not forever: a descendant that
        // escaped the kill (setsid) may hold the output open, and the result must not wait on it.
        await Task.WhenAny(Task.WhenAll(readers), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        return new ChildProcessResult(timedOut ? -1 : process.ExitCode, output.ToString(), timedOut) { Silent = timedOut && limit.Silent };
    }
}

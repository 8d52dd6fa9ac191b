using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PkgBuild.Testing.Git;

/// <summary>
/// A real <c>git daemon</c> on 127.0.0.1 serving the repositories under <see cref="BaseDir"/> over
/// git://, as Racket's git client and <c>git ls-remote</c> reach them. Stopped on dispose, by PID.
/// </summary>
public sealed class GitDaemon : IDisposable
{
    private readonly TempDirectory _dir = new("pkgbuild-git");
    private readonly Process _process = null!;

    public GitDaemon()
    {
        Directory.CreateDirectory(BaseDir);
        // The probed port may be taken by another test before the daemon binds it: try again.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            _process = StartDaemon();
            try
            {
                WaitUntilListening();
                return;
            }
            catch (InvalidOperationException) when (attempt < 10)
            {
                _process.Dispose();
            }
        }
    }

    private Process StartDaemon() =>
        Process.Start(new ProcessStartInfo("git")
        {
            ArgumentList =
            {
                "daemon", "--reuseaddr", "--export-all", "--informative-errors",
                "--listen=127.0.0.1", $"--port={Port}", $"--base-path={BaseDir}", BaseDir,
            },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("git daemon did not start.");

    public string BaseDir => _dir.Combine("repos");

    public int Port { get; private set; }

    /// <summary>The git:// URL of repository <paramref name="name"/> (a directory under <see cref="BaseDir"/>).</summary>
    public string UrlOf(string name) => $"git://127.0.0.1:{Port}/{name}";

    /// <summary>Creates a repository served by this daemon and returns a handle to commit into it.</summary>
    public GitRepository CreateRepository(string name) => GitRepository.Init(Path.Combine(BaseDir, name));

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        finally
        {
            _process.Dispose();
            _dir.Dispose();
        }
    }

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"git daemon exited: {_process.StandardError.ReadToEnd()}");
            }
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException($"git daemon did not listen on port {Port} within 10 s.");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

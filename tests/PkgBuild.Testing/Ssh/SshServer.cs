using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace PkgBuild.Testing.Ssh;

/// <summary>
/// A real, private OpenSSH server for tests: its own host key, config, port and PID file, a throwaway
/// user that logs in with a generated ed25519 key, and SFTP built in. Runs on the host or inside a
/// network namespace. Stopped on dispose by PID, together with every process its connections forked.
/// </summary>
public sealed class SshServer : IDisposable
{
    private const string SshdPath = "/usr/sbin/sshd"; // sshd re-executes itself, so it needs an absolute path
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _dir = new("pkgbuild-ssh");
    private readonly StringBuilder _log = new();
    private readonly Lock _gate = new();
    private readonly SshServerOptions _options;
    private Process? _process;
    private bool _stopped;

    private SshServer(SshServerOptions options)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("SshServer runs a Linux sshd as root.");
        }
        _options = options;
        Host = options.Address;
        User = options.User;
        try
        {
            // The user reads its authorized_keys from here (sshd opens it with the user's rights), so the
            // directory must be traversable whatever the umask; the private keys stay 600 root.
            File.SetUnixFileMode(_dir.Path, (UnixFileMode)0b111_101_101);
            GenerateKey(HostKeyPath, "pkgbuild-test-host");
            GenerateKey(ClientKeyPath, "pkgbuild-test-client");
            HostKeyPublicLine = File.ReadAllText(HostKeyPath + ".pub").Trim();
            HostKeyFingerprint = Fingerprint(HostKeyPublicLine);
            CheckFingerprintAgainstSshKeygen();

            var user = TestUser.Ensure(User);
            // A file per server rather than the user's shared ~/.ssh/authorized_keys: parallel servers
            // for the same user would otherwise race on it, and a crashed test would leave keys behind.
            File.WriteAllText(AuthorizedKeysPath, File.ReadAllText(ClientKeyPath + ".pub"));
            File.SetUnixFileMode(AuthorizedKeysPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            user.Own(AuthorizedKeysPath);

            // sshd running as root refuses to start without its privilege separation directory.
            System.IO.Directory.CreateDirectory("/run/sshd");

            StartListening();
            File.WriteAllText(KnownHostsPath, KnownHostsLine + "\n");
        }
        catch
        {
            Stop();
            throw;
        }
    }

    /// <summary>Starts sshd and returns once it accepts connections.</summary>
    public static SshServer Start(SshServerOptions? options = null) => new(options ?? new SshServerOptions());

    /// <summary>The address sshd listens on.</summary>
    public string Host { get; }

    public int Port { get; private set; }

    /// <summary>The account to log in as.</summary>
    public string User { get; }

    /// <summary>The client's private key (OpenSSH format, no passphrase); its public half is <c>.pub</c> beside it.</summary>
    public string ClientKeyPath => _dir.Combine("client_ed25519");

    /// <summary>The host's public key line as in <c>host_ed25519.pub</c>: type, base64 blob, comment.</summary>
    public string HostKeyPublicLine { get; } = "";

    /// <summary>The host key fingerprint as OpenSSH prints it: <c>SHA256:</c> and unpadded base64.</summary>
    public string HostKeyFingerprint { get; } = "";

    /// <summary>The line OpenSSH writes to known_hosts for this server.</summary>
    public string KnownHostsLine
    {
        get
        {
            var fields = HostKeyPublicLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var host = Port == 22 ? Host : $"[{Host}]:{Port}";
            return $"{host} {fields[0]} {fields[1]}";
        }
    }

    /// <summary>A known_hosts file holding <see cref="KnownHostsLine"/> only.</summary>
    public string KnownHostsPath => _dir.Combine("known_hosts");

    /// <summary>This server's private directory: keys, config, PID file.</summary>
    public string Directory => _dir.Path;

    public string ConfigPath => _dir.Combine("sshd_config");

    /// <summary>What sshd has logged so far (<c>-e</c>, LogLevel VERBOSE).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The listening sshd's PID (the same in a namespace: <c>ip netns exec</c> execs it).</summary>
    public int Pid => _process?.Id ?? throw new InvalidOperationException("sshd is not running.");

    private string HostKeyPath => _dir.Combine("host_ed25519");

    private string AuthorizedKeysPath => _dir.Combine("authorized_keys");

    private string PidFilePath => _dir.Combine("sshd.pid");

    /// <summary>
    /// Kills every per-connection sshd (and what it ran) while the listener keeps accepting: to the
    /// client this is a guest dropping mid-command.
    /// </summary>
    public void KillConnections()
    {
        lock (_gate)
        {
            if (_stopped || _process is null || _process.HasExited)
            {
                throw new InvalidOperationException($"sshd is not running.\n{Log}");
            }
            // Stopped, the listener cannot fork a new connection child between the scan and the kill.
            ProcessTree.Signal(_process.Id, ProcessTree.SigStop);
            try
            {
                ProcessTree.KillDescendants(_process.Id, TimeSpan.FromSeconds(5));
            }
            finally
            {
                ProcessTree.Signal(_process.Id, ProcessTree.SigCont);
            }
        }
    }

    /// <summary>Ends sshd and every process under it, and deletes <see cref="Directory"/>. Idempotent.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            try
            {
                StopProcess();
            }
            finally
            {
                _dir.Dispose();
            }
        }
    }

    public void Dispose() => Stop();

    private void StopProcess()
    {
        if (_process is null)
        {
            return;
        }
        try
        {
            if (!_process.HasExited)
            {
                var pid = _process.Id;
                // Sessions outlive a terminated listener by design, so end them first, listener frozen.
                ProcessTree.Signal(pid, ProcessTree.SigStop);
                ProcessTree.KillDescendants(pid, TimeSpan.FromSeconds(5));
                ProcessTree.Signal(pid, ProcessTree.SigTerm);
                ProcessTree.Signal(pid, ProcessTree.SigCont);
                if (!_process.WaitForExit(5000))
                {
                    _process.Kill();
                    _process.WaitForExit(5000);
                }
            }
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    private void StartListening()
    {
        // The probed port may be taken before sshd binds it: try again on a fresh one.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            WriteConfig();
            _process = StartSshd();
            try
            {
                WaitUntilListening();
                return;
            }
            catch (InvalidOperationException) when (attempt < 5 && Log.Contains("Address already in use"))
            {
                StopProcess();
                lock (_log)
                {
                    _log.Clear();
                }
            }
        }
    }

    private void WriteConfig()
    {
        var config = $"""
            Port {Port}
            ListenAddress {Host}
            HostKey {HostKeyPath}
            PidFile {PidFilePath}
            AuthorizedKeysFile {AuthorizedKeysPath}
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            AllowUsers {User}
            StrictModes no
            AllowTcpForwarding yes
            GatewayPorts no
            LogLevel VERBOSE
            Subsystem sftp internal-sftp

            """;
        File.WriteAllText(ConfigPath, config);
    }

    private Process StartSshd()
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (_options.NetworkNamespace is { } ns)
        {
            info.FileName = "ip";
            foreach (var arg in new[] { "netns", "exec", ns })
            {
                info.ArgumentList.Add(arg);
            }
            info.ArgumentList.Add(SshdPath);
        }
        else
        {
            info.FileName = SshdPath;
        }
        // -D: stay in the foreground as our child; -e: log to stderr, which becomes Log.
        foreach (var arg in new[] { "-D", "-e", "-f", ConfigPath })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data != null)
            {
                lock (_log)
                {
                    _log.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return process;
    }

    private void WaitUntilListening()
    {
        var process = _process!;
        // sshd writes its PID file only once its listen sockets are bound; where the host can reach the
        // address (not a namespace's loopback) a TCP connect confirms it as a client would see it.
        var connectable = _options.NetworkNamespace is null
            || !(IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));
        var deadline = DateTime.UtcNow + StartLimit;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                process.WaitForExit(); // drains the log readers
                throw new InvalidOperationException($"sshd exited with {process.ExitCode} before listening:\n{Log}");
            }
            if (File.Exists(PidFilePath) && (!connectable || TryConnect()))
            {
                return;
            }
            Thread.Sleep(20);
        }
        throw new TimeoutException($"sshd did not listen on {Host}:{Port} within {StartLimit.TotalSeconds} s:\n{Log}");
    }

    private bool TryConnect()
    {
        try
        {
            using var client = new TcpClient(AddressFamily());
            client.Connect(IPAddress.Parse(Host), Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private AddressFamily AddressFamily() =>
        IPAddress.TryParse(Host, out var ip) ? ip.AddressFamily : System.Net.Sockets.AddressFamily.InterNetwork;

    private int FreePort()
    {
        // In a namespace the host cannot bind the guest's address; any unused number serves there.
        var probeAddress = _options.NetworkNamespace is null && IPAddress.TryParse(Host, out var ip) ? ip : IPAddress.Loopback;
        using var probe = new TcpListener(probeAddress, 0);
        try
        {
            probe.Start();
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"Cannot listen on {Host}: {e.Message}", e);
        }
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static void GenerateKey(string path, string comment)
    {
        var result = ProcessRunner.Run(
            "ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path], timeout: TimeSpan.FromSeconds(30));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ssh-keygen for {path} failed (exit {result.ExitCode}):\n{result.Output}");
        }
    }

    /// <summary>OpenSSH's SHA256 fingerprint of a public key line: the hash of the decoded key blob.</summary>
    internal static string Fingerprint(string publicKeyLine)
    {
        var blob = Convert.FromBase64String(publicKeyLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }

    // The fingerprint is what tests compare a client's view against; a mismatch with OpenSSH's own
    // computation would make such a test meaningless, so fail loudly here instead.
    private void CheckFingerprintAgainstSshKeygen()
    {
        var result = ProcessRunner.Run("ssh-keygen", ["-l", "-f", HostKeyPath + ".pub"], timeout: TimeSpan.FromSeconds(30));
        var printed = result.Output.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (result.ExitCode != 0 || printed.Length < 2 || printed[1] != HostKeyFingerprint)
        {
            throw new InvalidOperationException(
                $"Host key fingerprint {HostKeyFingerprint} differs from ssh-keygen -lf:\n{result.Output}");
        }
    }
}

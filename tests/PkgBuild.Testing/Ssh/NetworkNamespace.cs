using System.Text.RegularExpressions;

namespace PkgBuild.Testing.Ssh;

/// <summary>
/// A network namespace joined to the host by a veth pair on a /30 of 10.200.0.0/16: the host end is
/// <see cref="HostAddress"/>, the namespace end <see cref="GuestAddress"/>. Nothing routes beyond the
/// pair, so a guest inside reaches the host and nothing else. Disposing removes the namespace, the
/// pair and every process left inside; a failed creation removes whatever it had made.
/// </summary>
public sealed partial class NetworkNamespace : IDisposable
{
    private bool _namespaceCreated;
    private bool _linkCreated;
    private bool _disposed;

    private NetworkNamespace()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        Name = $"pkb-{id}";
        HostInterface = $"pkbh-{id}"; // interface names are at most 15 characters
        GuestInterface = $"pkbg-{id}";
    }

    /// <summary>Creates the namespace with its veth pair up and addressed, and <c>lo</c> up inside.</summary>
    public static NetworkNamespace Create()
    {
        var ns = new NetworkNamespace();
        try
        {
            ns.Build();
            return ns;
        }
        catch (Exception creation)
        {
            try
            {
                ns.Dispose();
            }
            catch (Exception cleanup)
            {
                throw new AggregateException($"Creating network namespace {ns.Name} failed, and so did cleaning up.", creation, cleanup);
            }
            throw;
        }
    }

    /// <summary>The name <c>ip netns</c> knows it by.</summary>
    public string Name { get; }

    public string HostInterface { get; }

    public string GuestInterface { get; }

    /// <summary>The host end's address, reachable from inside the namespace.</summary>
    public string HostAddress { get; private set; } = "";

    /// <summary>The namespace end's address, reachable from the host.</summary>
    public string GuestAddress { get; private set; } = "";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;

        var failures = new List<string>();
        if (_namespaceCreated)
        {
            KillProcessesInside(failures);
        }
        // Deleting either end of a veth pair deletes both.
        if (_linkCreated && Ip("link", "del", HostInterface) is { ExitCode: not 0 } del && LinkExists())
        {
            failures.Add($"ip link del {HostInterface}: {del.Output}");
        }
        if (_namespaceCreated && Ip("netns", "del", Name) is { ExitCode: not 0 } nsDel && NamespaceExists())
        {
            failures.Add($"ip netns del {Name}: {nsDel.Output}");
        }
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"Network namespace {Name} was not fully removed:\n{string.Join('\n', failures)}");
        }
    }

    private void Build()
    {
        IpChecked("netns", "add", Name);
        _namespaceCreated = true;

        // Held from choosing a subnet until it is claimed, so parallel test processes never pick the same one.
        using (MachineLock.Acquire("netns"))
        {
            var n = FreeSubnet();
            HostAddress = $"10.200.{n}.1";
            GuestAddress = $"10.200.{n}.2";
            IpChecked("link", "add", HostInterface, "type", "veth", "peer", "name", GuestInterface, "netns", Name);
            _linkCreated = true;
            IpChecked("addr", "add", $"{HostAddress}/30", "dev", HostInterface);
        }
        IpChecked("link", "set", HostInterface, "up");
        IpChecked("-n", Name, "addr", "add", $"{GuestAddress}/30", "dev", GuestInterface);
        IpChecked("-n", Name, "link", "set", GuestInterface, "up");
        IpChecked("-n", Name, "link", "set", "lo", "up");
    }

    /// <summary>A third octet in 1..250 no host interface uses yet, chosen at random to keep parallel creators apart.</summary>
    private static int FreeSubnet()
    {
        var addresses = IpChecked("-o", "-4", "addr", "show").Output;
        var used = SubnetPattern().Matches(addresses).Select(m => int.Parse(m.Groups[1].Value)).ToHashSet();
        var free = Enumerable.Range(1, 250).Where(n => !used.Contains(n)).ToList();
        if (free.Count == 0)
        {
            throw new InvalidOperationException($"No free 10.200.n.0/30 subnet left:\n{addresses}");
        }
        return free[Random.Shared.Next(free.Count)];
    }

    private void KillProcessesInside(List<string> failures)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var listed = Ip("netns", "pids", Name);
            var pids = listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.TryParse(p, out var pid) ? pid : 0)
                .Where(pid => pid > 0 && ProcessTree.IsAlive(pid))
                .ToList();
            if (listed.ExitCode != 0 || pids.Count == 0)
            {
                return;
            }
            if (DateTime.UtcNow >= deadline)
            {
                failures.Add($"processes still in {Name}: {string.Join(' ', pids)}");
                return;
            }
            foreach (var pid in pids)
            {
                ProcessTree.Signal(pid, ProcessTree.SigKill);
            }
            ProcessTree.WaitUntilGone(pids, TimeSpan.FromSeconds(1));
        }
    }

    private bool LinkExists() => Ip("link", "show", HostInterface).ExitCode == 0;

    private bool NamespaceExists() =>
        Ip("netns", "list").Output.Split('\n').Any(line => line.Split(' ')[0] == Name);

    private static ProcessResult Ip(params string[] arguments) =>
        ProcessRunner.Run("ip", arguments, timeout: TimeSpan.FromSeconds(30));

    private static ProcessResult IpChecked(params string[] arguments)
    {
        var result = Ip(arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed (exit {result.ExitCode}):\n{result.Output}");
        }
        return result;
    }

    [GeneratedRegex(@"inet 10\.200\.(\d+)\.")]
    private static partial Regex SubnetPattern();
}

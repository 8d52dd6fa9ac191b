using System.Diagnostics;
using System.Globalization;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Processes;
using PkgBuild.Testing;
using PkgBuild.Testing.Containers;
using PkgBuild.Testing.Ssh;

/// <summary>
/// The overhead a guest adds to every package: a fresh session, one trivial command in it, and discarding
/// it, per kind, next to its peer in the same run: starting the same trivial command as a plain process.
/// A VirtualBox snapshot restore, the per-package cost pkg-build pays, takes tens of seconds.
/// </summary>
static class GuestBenchmark
{
    private const double LocalGoalSeconds = 0.25;

    public static async Task<int> RunAsync(int rounds)
    {
        using var dir = new TempDirectory("pkgbuild-bench-guests");
        var plain = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            await ChildProcess.RunAsync("/bin/true", []);
            plain.Add(clock.Elapsed.TotalSeconds);
        }

        await using var local = new LocalGuestMachine(GuestSpec.Parse("local", new Dictionary<string, string>()), dir.Combine("local"), _ => { });
        await local.PreflightAsync();
        await local.StartAsync();
        var localTimes = await TimeSessionsAsync(local, rounds);

        using var sshd = SshServer.Start();
        var sshDir = $"/tmp/pkgbuild-bench-{Guid.NewGuid():N}"; // made by the guest's user, removed below
        await using var ssh = new SshGuestMachine(GuestSpec.Parse("ssh", new Dictionary<string, string>
        {
            ["Kind"] = "Ssh", ["Host"] = sshd.Host, ["Port"] = sshd.Port.ToString(CultureInfo.InvariantCulture), ["User"] = sshd.User,
            ["IdentityFile"] = sshd.ClientKeyPath, ["KnownHostsFile"] = sshd.KnownHostsPath, ["Dir"] = sshDir,
        }));
        await ssh.PreflightAsync();
        await ssh.StartAsync();
        var sshTimes = await TimeSessionsAsync(ssh, rounds);
        await ssh.StopAsync();
        Directory.Delete(sshDir, recursive: true);

        // Podman with the SDK's own configuration and an image built from this machine's binaries.
        using var image = LocalTestImage.Build(ContainerConfiguration.WritePodman);
        List<double> containerTimes;
        await using (var container = new ContainerGuestMachine(GuestSpec.Parse("container", new Dictionary<string, string>
        {
            ["Kind"] = "Container", ["Image"] = image.Name, ["ContainerTool"] = "podman",
        }), dir.Combine("container")) { StorageDirectory = image.StorageDirectory })
        {
            await container.PreflightAsync();
            await container.StartAsync();
            containerTimes = await TimeSessionsAsync(container, Math.Min(rounds, 10));
            await container.StopAsync();
        }

        Console.WriteLine($"per-package guest overhead (fresh session + `sh -c :` + discard), median of {rounds}:");
        Console.WriteLine($"  plain process  {Median(plain):F3} s");
        Console.WriteLine($"  Local          {Median(localTimes):F3} s  ({(local.Isolated ? "bubblewrap: namespaces, read-only system" : "NOT isolated")}; goal <= {LocalGoalSeconds} s; {Median(localTimes) / Median(plain):F1}x a plain process)");
        Console.WriteLine($"  Ssh            {Median(sshTimes):F3} s  (sshd on 127.0.0.1, connection kept open)");
        Console.WriteLine($"  Container      {Median(containerTimes):F3} s  (podman 4 + runc, a fresh container per package)");
        BenchTable.Add("guest overhead per package: Local", $"{Median(localTimes):F3} s", $"<= {LocalGoalSeconds} s", Median(localTimes) <= LocalGoalSeconds,
            $"{(local.Isolated ? "isolated (bubblewrap)" : "NOT isolated")}; plain process {Median(plain):F3} s");
        BenchTable.Add("guest overhead per package: Ssh", $"{Median(sshTimes):F3} s", "—", true, "sshd on 127.0.0.1, connection kept open");
        BenchTable.Add("guest overhead per package: Container", $"{Median(containerTimes):F3} s", "—", true, "podman 4 + runc, a fresh container per package");
        return Median(localTimes) <= LocalGoalSeconds ? 0 : 1;
    }

    private static async Task<List<double>> TimeSessionsAsync(IGuestMachine guest, int rounds)
    {
        var times = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            await using (var session = await guest.OpenSessionAsync($"bench-{i}"))
            {
                var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", ":"), new GuestRunOptions { Timeout = TimeSpan.FromSeconds(30) });
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"{guest.Spec.Name}: `sh -c :` failed: {result.Output}");
                }
            }
            times.Add(clock.Elapsed.TotalSeconds);
        }
        return times;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

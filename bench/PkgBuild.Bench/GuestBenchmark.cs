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
/// A VirtualBox snapshot restore, the per-package cost pkg-build pays, takes tens of seconds. For Local,
/// also the pristine writable installation's share of it: the same cycle with and without it, alternated.
/// </summary>
internal static class GuestBenchmark
{
    private const double LocalGoalSeconds = 0.25;

    /// <summary>What the writable installation may add to a Local session, over a read-only system.</summary>
    private const double InstallationGoalSeconds = 0.05;

    private static readonly GuestCommand Trivial = new("/bin/sh", "-c", ":");

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

        // The peer: a Local guest on which no Racket was readied, so sessions see the system read-only.
        await using var local = new LocalGuestMachine(GuestSpec.Parse("local", new Dictionary<string, string>()), dir.Combine("local"), _ => { });
        await local.PreflightAsync();
        await local.StartAsync();

        // What a Preinstalled project gets: this machine's Racket, pristine and writable in every session.
        var warnings = new List<string>();
        await using var writable = new LocalGuestMachine(GuestSpec.Parse("writable", new Dictionary<string, string>()), dir.Combine("writable"), w => warnings.Add(w.Message));
        await writable.PreflightAsync();
        await writable.StartAsync();
        var setupClock = Stopwatch.StartNew();
        await writable.UsePreinstalledRacketAsync("racket");
        var setup = setupClock.Elapsed.TotalSeconds;
        setupClock.Restart();
        await writable.UsePreinstalledRacketAsync("racket");
        var setupAgain = setupClock.Elapsed.TotalSeconds;
        var mounts = writable.Installation;
        // A new file in the installation's share directory and an existing file there opened for writing (its
        // data copied up), as raco writes a meta package's shared files and rewrites info-cache.rktd.
        var share = mounts.FirstOrDefault(m => File.Exists(Path.Combine(m.Target, "info-cache.rktd")))?.Target;
        var existing = share == null ? null : Path.Combine(share, "info-cache.rktd");
        var writes = share == null ? null
            : new GuestCommand("/bin/sh", "-c", $"touch {ShellQuote.Quote(share)}/pkgbuild-bench && : >> {ShellQuote.Quote(existing!)}");

        // Alternated round by round (which goes first too), so that a machine slowing down or speeding up
        // weighs on both alike.
        var localTimes = new List<double>();
        var writableTimes = new List<double>();
        var writingTimes = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            if (i % 2 == 0)
            {
                localTimes.Add(await TimeSessionAsync(local, i, Trivial));
            }
            if (mounts.Count > 0)
            {
                writableTimes.Add(await TimeSessionAsync(writable, i, Trivial));
                if (writes != null)
                {
                    writingTimes.Add(await TimeSessionAsync(writable, i, writes));
                }
            }
            if (i % 2 == 1)
            {
                localTimes.Add(await TimeSessionAsync(local, i, Trivial));
            }
        }
        if (share != null && File.Exists(Path.Combine(share, "pkgbuild-bench")))
        {
            throw new InvalidOperationException($"a session's write reached the installation itself: {Path.Combine(share, "pkgbuild-bench")}");
        }

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
        string installationDetail;
        bool installationMet;
        var cost = double.NaN;
        if (mounts.Count > 0)
        {
            // Each round's two sessions ran back to back, so their difference is nearly free of the load of the
            // moment, which the difference of the two medians is not on a busy machine.
            cost = Median(writableTimes.Zip(localTimes, (w, l) => w - l).ToList());
            installationMet = cost <= InstallationGoalSeconds;
            Console.WriteLine($"  Local writable {Median(writableTimes):F3} s  (this machine's Racket pristine and writable: {mounts.Count} overlays, {string.Join(", ", mounts.Select(m => m.Target))})");
            Console.WriteLine($"    its cost     {cost:F3} s a package (median of the rounds' differences; of the medians {Median(writableTimes) - Median(localTimes):F3} s, "
                + $"{Median(writableTimes) / Median(localTimes):F2}x the read-only Local; goal <= {InstallationGoalSeconds} s)");
            if (writingTimes.Count > 0)
            {
                Console.WriteLine($"    writing      {Median(writingTimes):F3} s  (`touch` a new file in {share}, open {Path.GetFileName(existing)} to write: copy-up {Median(writingTimes.Zip(writableTimes, (w, n) => w - n).ToList()):F3} s)");
            }
            Console.WriteLine($"    setup        {setup:F2} s once (UsePreinstalledRacketAsync: asks racket for its directories, builds the ownership layers); {setupAgain:F2} s again (cached)");
            installationDetail = $"{Median(writableTimes):F3} s vs {Median(localTimes):F3} s read-only, {mounts.Count} overlays"
                + (writingTimes.Count > 0 ? $"; writing into it {Median(writingTimes):F3} s" : "") + $"; setup {setup:F1} s once, {setupAgain:F2} s cached";
        }
        else
        {
            installationMet = false;
            installationDetail = $"not available here: {(warnings.Count > 0 ? warnings[0] : "no installation directories")}";
            Console.WriteLine($"  Local writable not measured ({installationDetail})");
        }
        Console.WriteLine($"  Ssh            {Median(sshTimes):F3} s  (sshd on 127.0.0.1, connection kept open)");
        Console.WriteLine($"  Container      {Median(containerTimes):F3} s  (podman 4 + runc, a fresh container per package)");
        BenchTable.Add("guest overhead per package: Local", $"{Median(localTimes):F3} s", $"<= {LocalGoalSeconds} s", Median(localTimes) <= LocalGoalSeconds,
            $"{(local.Isolated ? "isolated (bubblewrap)" : "NOT isolated")}; plain process {Median(plain):F3} s");
        BenchTable.Add("writable installation per package: Local", mounts.Count > 0 ? $"{cost:F3} s" : "—", $"<= {InstallationGoalSeconds} s", installationMet, installationDetail);
        BenchTable.Add("guest overhead per package: Ssh", $"{Median(sshTimes):F3} s", "—", true, "sshd on 127.0.0.1, connection kept open");
        BenchTable.Add("guest overhead per package: Container", $"{Median(containerTimes):F3} s", "—", true, "podman 4 + runc, a fresh container per package");
        return Median(localTimes) <= LocalGoalSeconds && installationMet ? 0 : 1;
    }

    private static async Task<List<double>> TimeSessionsAsync(IGuestMachine guest, int rounds)
    {
        var times = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            times.Add(await TimeSessionAsync(guest, i, Trivial));
        }
        return times;
    }

    /// <summary>One package's cycle: a fresh session, <paramref name="command"/> in it, and discarding it.</summary>
    private static async Task<double> TimeSessionAsync(IGuestMachine guest, int round, GuestCommand command)
    {
        var clock = Stopwatch.StartNew();
        await using (var session = await guest.OpenSessionAsync($"bench-{round}"))
        {
            var result = await session.RunAsync(command, new GuestRunOptions { Timeout = TimeSpan.FromSeconds(30) });
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"{guest.Spec.Name}: `{command}` failed: {result.Output}");
            }
        }
        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

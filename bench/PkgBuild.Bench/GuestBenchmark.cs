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

    /// <summary>What dispatching a package to a Slurm node may add to a Local session.</summary>
    private const double SlurmGoalSeconds = 0.5;

    // Not `sh -c :`: srun takes a lone ":" argument, even after "--", for its separator of a heterogeneous job's parts.
    private static readonly GuestCommand Trivial = new("/bin/sh", "-c", "true");

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

        // Slurm: a private two-node cluster on this machine, started for this and stopped by PID whatever happens.
        var slurm = await SlurmAsync(dir, rounds, writable);

        Console.WriteLine($"per-package guest overhead (fresh session + `sh -c true` + discard), median of {rounds}:");
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
        slurm.Print();
        BenchTable.Add("guest overhead per package: Local", $"{Median(localTimes):F3} s", $"<= {LocalGoalSeconds} s", Median(localTimes) <= LocalGoalSeconds,
            $"{(local.Isolated ? "isolated (bubblewrap)" : "NOT isolated")}; plain process {Median(plain):F3} s");
        BenchTable.Add("writable installation per package: Local", mounts.Count > 0 ? $"{cost:F3} s" : "—", $"<= {InstallationGoalSeconds} s", installationMet, installationDetail);
        BenchTable.Add("guest overhead per package: Ssh", $"{Median(sshTimes):F3} s", "—", true, "sshd on 127.0.0.1, connection kept open");
        BenchTable.Add("guest overhead per package: Container", $"{Median(containerTimes):F3} s", "—", true, "podman 4 + runc, a fresh container per package");
        slurm.AddRows();
        return Median(localTimes) <= LocalGoalSeconds && installationMet && slurm.Met ? 0 : 1;
    }

    /// <summary>
    /// The Slurm guest on a private two-node cluster, readied as RunPkgBuild readies it for a Preinstalled
    /// project (this machine's Racket, pristine and writable on the nodes), against the writable Local guest in
    /// the same rounds: the trivial cycle, and a package's own cycle (see <see cref="TimePackageAsync"/>) with
    /// the one command a package runs by default and with the four it runs one process per step.
    /// </summary>
    private static async Task<SlurmResult> SlurmAsync(TempDirectory dir, int rounds, LocalGuestMachine local)
    {
        var measured = new SlurmResult();
        var (cluster, whyNot) = BenchCluster.TryStart();
        if (cluster == null)
        {
            measured.WhyNot = whyNot;
            return measured;
        }
        using (cluster)
        {
            await using var slurm = cluster.Guest("slurm", dir.Combine("slurm-shared"), 1, w => measured.Warnings.Add(w.Message));
            var setup = Stopwatch.StartNew();
            await slurm.PreflightAsync();
            await slurm.StartAsync();
            await slurm.UsePreinstalledRacketAsync("racket");
            measured.Setup = setup.Elapsed.TotalSeconds;
            measured.Isolated = slurm.Isolated;
            measured.Writable = slurm.WritableInstallation;
            measured.Nodes = slurm.Nodes;
            // The file a package's session gets copied in (the one-process driver), and the zip it gives back.
            var driver = Path.Combine(RepositoryPaths.Root, "src", "PkgBuild.Pipeline", "Execution", "raco-steps.rkt");
            for (var i = 0; i < rounds; i++)
            {
                // Alternated, which goes first too: a machine shared with other builds slows both alike.
                foreach (var first in i % 2 == 0 ? new[] { true, false } : [false, true])
                {
                    if (first)
                    {
                        measured.Local1.Add((await TimePackageAsync(local, i, 1, driver, dir.Combine("out.zip"))).Total);
                        measured.Local4.Add((await TimePackageAsync(local, i, 4, driver, dir.Combine("out.zip"))).Total);
                    }
                    else
                    {
                        measured.Slurm1.Add(await TimePackageAsync(slurm, i, 1, driver, dir.Combine("out.zip")));
                        measured.Slurm4.Add(await TimePackageAsync(slurm, i, 4, driver, dir.Combine("out.zip")));
                        measured.Trivial.Add(await TimeSessionAsync(slurm, i, Trivial));
                    }
                }
            }
            await slurm.StopAsync();
            measured.LeftBehind = cluster.LeftBehind();
        }
        return measured;
    }

    /// <summary>
    /// A package's cycle as <c>PackageJob</c> runs it: a fresh session, the driver copied in, then
    /// <paramref name="commands"/> commands (1 with PkgBuildOneProcessPerPackage=true, the default: one Racket
    /// process for all its steps; 4 without it: install, pack, check, test), its zip copied out, and discarding it.
    /// </summary>
    private static async Task<Cycle> TimePackageAsync(IGuestMachine guest, int round, int commands, string driver, string zip)
    {
        var clock = Stopwatch.StartNew();
        var session = await guest.OpenSessionAsync($"bench-package-{round}");
        double open, first = 0, rest = 0;
        try
        {
            await session.CopyInAsync(driver, "raco-steps.rkt");
            open = clock.Elapsed.TotalSeconds;
            for (var k = 0; k < commands; k++)
            {
                var start = clock.Elapsed.TotalSeconds;
                var command = new GuestCommand("/bin/sh", "-c", "cat \"$0\" > \"$1/bench.zip\"", session.Root + "/raco-steps.rkt", session.WorkDirectory);
                var result = await session.RunAsync(command, new GuestRunOptions { Timeout = TimeSpan.FromSeconds(60) });
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"{guest.Spec.Name}: `{command}` failed ({(result.TimedOut ? "timed out" : $"exit {result.ExitCode}")} after {result.Elapsed.TotalSeconds:F1} s): {result.Output}"
                    + (File.Exists(Path.Combine(session.Root, "srun.log")) ? $"; srun.log: {File.ReadAllText(Path.Combine(session.Root, "srun.log"))}" : ""));
                }
                if (k == 0)
                {
                    first = clock.Elapsed.TotalSeconds - start;
                }
                else
                {
                    rest += clock.Elapsed.TotalSeconds - start;
                }
            }
            await session.CopyOutAsync("work/bench.zip", zip);
            File.Delete(zip);
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
        var disposing = clock.Elapsed.TotalSeconds;
        await session.DisposeAsync();
        return new Cycle(clock.Elapsed.TotalSeconds, open, first, rest, clock.Elapsed.TotalSeconds - disposing);
    }

    /// <summary>One package cycle's time, and its parts: the session and its files, the first command, the others, discarding it.</summary>
    private sealed record Cycle(double Total, double Open, double First, double Rest, double Dispose);

    private sealed class SlurmResult
    {
        public string? WhyNot { get; set; }
        public List<string> Warnings { get; } = [];
        public double Setup { get; set; }
        public bool Isolated { get; set; }
        public bool Writable { get; set; }
        public IReadOnlyList<string> Nodes { get; set; } = [];
        public IReadOnlyList<string> LeftBehind { get; set; } = [];
        public List<double> Trivial { get; } = [];
        public List<double> Local1 { get; } = [];
        public List<double> Local4 { get; } = [];
        public List<Cycle> Slurm1 { get; } = [];
        public List<Cycle> Slurm4 { get; } = [];

        /// <summary>What a package's dispatch costs on Slurm over Local: the median of the rounds' differences (each round's two ran back to back).</summary>
        private double Overhead(List<Cycle> slurm, List<double> local) => Median(slurm.Zip(local, (s, l) => s.Total - l).ToList());

        public bool Met => WhyNot == null && Overhead(Slurm1, Local1) <= SlurmGoalSeconds && LeftBehind.Count == 0;

        private static string Parts(List<Cycle> cycles) =>
            $"session + files {Median(cycles.Select(c => c.Open).ToList()):F3} s, first command (salloc + step) {Median(cycles.Select(c => c.First).ToList()):F3} s"
            + (cycles[0].Rest > 0 ? $", the other {Median(cycles.Select(c => c.Rest).ToList()):F3} s" : "")
            + $", discarding (scancel, until the job left the queue) {Median(cycles.Select(c => c.Dispose).ToList()):F3} s";

        public void Print()
        {
            if (WhyNot != null)
            {
                Console.WriteLine($"  Slurm          not measured: {WhyNot}");
                return;
            }
            Console.WriteLine($"  Slurm          {Median(Trivial):F3} s  (a private cluster on this machine, nodes {string.Join(", ", Nodes)}: salloc, one srun step, scancel; "
                + $"{(Isolated ? "bubblewrap on the node" : "NOT isolated")}, installation {(Writable ? "pristine and writable" : "read-only")})");
            Console.WriteLine($"    a package    {Median(Slurm1.Select(c => c.Total).ToList()):F3} s vs Local writable {Median(Local1):F3} s: dispatch overhead {Overhead(Slurm1, Local1):F3} s "
                + $"(median of the rounds' differences; goal <= {SlurmGoalSeconds} s; a session, its driver copied in, 1 command, its zip copied out: PkgBuildOneProcessPerPackage=true)");
            Console.WriteLine($"      its parts  {Parts(Slurm1)}");
            Console.WriteLine($"    4 commands   {Median(Slurm4.Select(c => c.Total).ToList()):F3} s vs Local writable {Median(Local4):F3} s: {Overhead(Slurm4, Local4):F3} s (PkgBuildOneProcessPerPackage=false: install, pack, check, test)");
            Console.WriteLine($"      its parts  {Parts(Slurm4)}");
            Console.WriteLine($"    setup        {Setup:F1} s once (preflight: probe jobs on the nodes; the ready check; the installation's overlay); jobs left in the queue: {LeftBehind.Count}");
            foreach (var warning in Warnings)
            {
                Console.WriteLine($"    warning      {warning}");
            }
        }

        public void AddRows()
        {
            if (WhyNot != null)
            {
                BenchTable.Add("dispatch overhead per package: Slurm vs Local", "—", $"<= {SlurmGoalSeconds} s", false, $"not measured: {WhyNot}");
                return;
            }
            BenchTable.Add("dispatch overhead per package: Slurm vs Local", $"{Overhead(Slurm1, Local1):F3} s", $"<= {SlurmGoalSeconds} s", Met,
                $"a package's cycle (1 command): Slurm {Median(Slurm1.Select(c => c.Total).ToList()):F3} s vs Local {Median(Local1):F3} s; 4 commands: +{Overhead(Slurm4, Local4):F3} s; "
                + $"trivial cycle {Median(Trivial):F3} s; 2 nodes on this machine{(LeftBehind.Count > 0 ? $"; **{LeftBehind.Count} jobs left in the queue**" : "")}");
        }
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
                throw new InvalidOperationException($"{guest.Spec.Name}: `{command}` failed ({(result.TimedOut ? "timed out" : $"exit {result.ExitCode}")} after {result.Elapsed.TotalSeconds:F1} s): {result.Output}"
                    + (File.Exists(Path.Combine(session.Root, "srun.log")) ? $"; srun.log: {File.ReadAllText(Path.Combine(session.Root, "srun.log"))}" : ""));
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

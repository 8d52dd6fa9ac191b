using System.Net;
using System.Net.Sockets;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>Local guests on this machine, for real: namespaces, overlay, fresh PLTUSERHOME.</summary>
public sealed class LocalGuestTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly List<PkgBuildException> _warnings = [];
    private LocalGuestMachine _guest = null!;

    public async Task InitializeAsync()
    {
        _guest = new LocalGuestMachine(GuestSpec.Parse("local", new Dictionary<string, string>()), _dir.Combine("guests", "local"), _warnings.Add);
        try
        {
            await _guest.PreflightAsync();
            // These tests run hostile commands; unisolated, they would run them on this machine as the build's
            // user (root here). So nothing runs unless the sandbox is in force.
            Assert.True(_guest.Isolated, "Local guests are not isolated here: " + string.Join("\n", _warnings.Select(w => w.Message)));
            await _guest.StartAsync();
        }
        catch
        {
            _dir.Dispose(); // xunit does not dispose a class whose initialisation failed
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _guest.DisposeAsync();
        _dir.Dispose();
    }

    private static GuestRunOptions Quick => new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public void This_machine_isolates_Local_guests()
    {
        // CI runs as root on Linux with util-linux; if this fails, every isolation test below would be vacuous.
        Assert.True(_guest.Isolated, string.Join("\n", _warnings.Select(w => w.Message)));
        Assert.Empty(_warnings);
    }

    [Fact]
    public async Task A_directory_the_sandbox_user_cannot_enter_is_named_with_its_fix()
    {
        // As root (as CI runs), packages run as nobody, who cannot pass a 0700 directory such as mktemp -d's.
        Assert.True(LocalIsolation.RunningAsRoot && OperatingSystem.IsLinux(), "this case needs a build that runs as root on Linux");
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var closed = _dir.Combine("closed");
        Directory.CreateDirectory(closed);
        File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var guest = new LocalGuestMachine(GuestSpec.Parse("local", new Dictionary<string, string>()),
            Path.Combine(closed, "project", "obj", "pkgbuild", "guests", "local"), _ => { });

        var e = await Assert.ThrowsAsync<GuestException>(() => guest.PreflightAsync());

        Assert.Equal(ErrorCodes.GuestStateUnreachable, e.Code);
        Assert.Contains($"nobody (uid 65534), who cannot enter {closed} (mode 0700)", e.Message);
        Assert.Contains($"chmod o+x '{closed}'", e.Message);
        Assert.DoesNotContain("bubblewrap", e.Message);

        // The fix the message gives is enough.
        File.SetUnixFileMode(closed, File.GetUnixFileMode(closed) | UnixFileMode.OtherExecute);
        await guest.PreflightAsync();
        Assert.True(guest.Isolated);
    }

    [Fact]
    public async Task Two_packages_in_a_row_see_nothing_of_each_other()
    {
        string firstRoot;
        await using (var first = await _guest.OpenSessionAsync("pkg-a"))
        {
            firstRoot = first.Root;
            var wrote = await first.RunAsync(new GuestCommand("/bin/sh", "-c", "echo a > \"$PLTUSERHOME/marker\" && echo a > marker && echo a > /tmp/marker && pwd"), Quick);
            Assert.True(wrote.Succeeded, wrote.Output);
            Assert.Equal(first.WorkDirectory, wrote.Output.Trim());
            Assert.True(File.Exists(Path.Combine(first.UserHome, "marker")));
        }
        Assert.False(Directory.Exists(firstRoot));

        await using var second = await _guest.OpenSessionAsync("pkg-b");
        var looked = await second.RunAsync(new GuestCommand("/bin/sh", "-c",
            "test -z \"$(ls -A \"$PLTUSERHOME\")\" && test ! -e marker && test ! -e /tmp/marker && echo \"clean $PLTUSERHOME\""), Quick);
        Assert.Equal($"clean {second.UserHome}", looked.Output.Trim());
        Assert.NotEqual(firstRoot, second.Root);
    }

    [Fact]
    public async Task A_pipe_closed_early_ends_the_writer_as_it_would_outside_dotnet()
    {
        // .NET starts children with SIGPIPE ignored; `yes | head -n 1` must end by SIGPIPE, not loop writing errors.
        await using var session = await _guest.OpenSessionAsync("pipe");

        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "yes | head -n 1; grep SigIgn /proc/self/status"), Quick with { Timeout = TimeSpan.FromSeconds(20) });

        Assert.True(result.Succeeded, result.Output);
        Assert.DoesNotContain("Broken pipe", result.Output);
        Assert.Contains("SigIgn:\t0000000000000000", result.Output);
    }

    [Fact]
    public async Task A_guest_cannot_reach_the_network_not_even_this_machines_loopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var session = await _guest.OpenSessionAsync("net");

        var tried = await session.RunAsync(new GuestCommand("racket", "-e",
            $"(with-handlers ([exn:fail:network? (lambda (e) (display \"refused\"))]) (tcp-connect \"127.0.0.1\" {port}) (display \"connected\"))"), Quick);

        Assert.Equal("refused", tried.Output.Trim());
        Assert.False(listener.Pending());
        var interfaces = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1"), Quick);
        Assert.Equal("lo", interfaces.Output.Trim());
    }

    [Fact]
    public async Task Nothing_outside_the_session_can_be_written_and_the_private_tmp_stays_private()
    {
        var id = Guid.NewGuid().ToString("N");
        await using var session = await _guest.OpenSessionAsync("writer");

        var etc = await session.RunAsync(new GuestCommand("/bin/sh", "-c", $"echo x > /etc/pkgbuild-canary-{id}"), Quick);
        var tmp = await session.RunAsync(new GuestCommand("/bin/sh", "-c", $"echo x > /tmp/pkgbuild-canary-{id} && echo x > /dev/shm/pkgbuild-canary-{id} && echo wrote"), Quick);

        Assert.False(etc.Succeeded, etc.Output);
        Assert.False(File.Exists($"/etc/pkgbuild-canary-{id}"));
        Assert.Equal("wrote", tmp.Output.Trim());
        Assert.False(File.Exists($"/tmp/pkgbuild-canary-{id}"));
        Assert.False(File.Exists($"/dev/shm/pkgbuild-canary-{id}"));
    }

    [Theory]
    [InlineData("python3 -c 'import os; os.mkdir(\"/tmp/j\"); os.chroot(\"/tmp/j\")'", "chroot (the way out of a chroot jail)")]
    [InlineData("mount -t tmpfs x /tmp", "mounting")]
    [InlineData("mount -o remount,rw /", "remounting the system writable")]
    [InlineData("echo '|/bin/true' > /proc/sys/kernel/core_pattern", "kernel settings")]
    [InlineData("cat /etc/shadow", "reading secrets only root may read")]
    [InlineData("ls /root/.ssh /run/netns", "reading root's keys and other network namespaces")]
    [InlineData("kill -0 1 && ps -e -o pid= | wc -l | grep -qx 3", "seeing this machine's processes")]
    public async Task A_package_cannot_escape_or_reach_what_is_not_its_own(string attempt, string what)
    {
        await using var session = await _guest.OpenSessionAsync("escape");
        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", attempt), Quick);
        if (attempt.StartsWith("kill", StringComparison.Ordinal))
        {
            // Inside its own PID namespace PID 1 is bubblewrap's init, and this machine's processes are absent.
            var count = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "ls /proc | grep -c '^[0-9]'"), Quick);
            Assert.True(int.Parse(count.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture) < 10, count.Output);
            return;
        }
        Assert.False(result.Succeeded, $"{what}: {result.Output}");
    }

    [Fact]
    public async Task A_package_does_not_see_other_sessions()
    {
        await using var first = await _guest.OpenSessionAsync("first");
        File.WriteAllText(Path.Combine(first.WorkDirectory, "mine"), "first's");
        await using var second = await _guest.OpenSessionAsync("second");

        var looked = await second.RunAsync(new GuestCommand("cat", Path.Combine(first.WorkDirectory, "mine")), Quick);

        Assert.False(looked.Succeeded, looked.Output);
    }

    [Fact]
    public async Task Copying_out_refuses_a_link_the_package_made()
    {
        await using var session = await _guest.OpenSessionAsync("linker");
        var linked = await session.RunAsync(new GuestCommand("ln", "-s", "/etc/passwd", "out.txt"), Quick);
        Assert.True(linked.Succeeded, linked.Output);

        await Assert.ThrowsAsync<UnsafeGuestFileException>(() => session.CopyOutAsync("work/out.txt", _dir.Combine("stolen")));
        Assert.False(File.Exists(_dir.Combine("stolen")));
    }

    [Fact]
    public async Task A_package_racing_links_over_the_file_copied_out_never_gets_a_root_only_file_out()
    {
        var canary = CopyOutRace.WriteCanary(_dir);
        Directory.CreateDirectory(_dir.Combine("race"));
        var tallies = new List<CopyOutRace.Tally>();
        // Two racers in turn, 120 attempts each, every one while the link and the file swap places.
        foreach (var name in new[] { "racer-a", "racer-b" })
        {
            await using var session = await _guest.OpenSessionAsync(name);
            tallies.Add(await CopyOutRace.RunAsync(session, canary, _dir.Combine("race"), 120));
        }

        Assert.Equal(240, tallies.Sum(t => t.Attempts));
        Assert.All(tallies, t => CopyOutRace.AssertNeverWon(t));
    }

    [Fact]
    public async Task No_hard_link_takes_a_file_out_and_this_machine_protects_hard_links()
    {
        // With fs.protected_hardlinks the sandbox's user cannot link a file it may not read; a machine without it is caught here.
        Assert.Equal("1", File.ReadAllText("/proc/sys/fs/protected_hardlinks").Trim());
        var canary = CopyOutRace.WriteCanary(_dir);
        var writable = _dir.Combine("nobody-writes-here");
        Directory.CreateDirectory(writable);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(writable, (UnixFileMode)0b111_111_111);
        }
        var linked = ProcessRunner.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "ln", canary, Path.Combine(writable, "linked")]);
        Assert.NotEqual(0, linked.ExitCode);
        Assert.Contains("Operation not permitted", linked.Output);

        // A hard link the guest may make (of its own file) is refused all the same: a file with two names is not copied out.
        await using var session = await _guest.OpenSessionAsync("hard-linker");
        var made = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo mine > own && ln own out.zip"), Quick);
        Assert.True(made.Succeeded, made.Output);
        var refused = await Assert.ThrowsAsync<UnsafeGuestFileException>(() => session.CopyOutAsync("work/out.zip", _dir.Combine("out.zip")));
        Assert.Contains("2 hard links", refused.Message);
        Assert.False(File.Exists(_dir.Combine("out.zip")));
    }

    [Fact]
    public async Task Hostile_arguments_arrive_as_written_and_run_nothing()
    {
        var canary = _dir.Combine("canary");
        var hostile = $"$(touch {canary}) `touch {canary}` ; touch {canary} ' \" \n end";
        await using var session = await _guest.OpenSessionAsync("pkg$(touch x)");

        var echoed = await session.RunAsync(new GuestCommand("printf", "%s", hostile) { Environment = new Dictionary<string, string> { ["X"] = hostile } }, Quick);

        Assert.Equal(hostile, echoed.Output.TrimEnd('\n')); // output is collected line by line
        Assert.False(File.Exists(canary));
        Assert.DoesNotContain("$(", session.Root);
    }

    [Fact]
    public async Task A_command_past_its_timeout_is_killed_with_everything_it_started()
    {
        await using var session = await _guest.OpenSessionAsync("sleeper");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "sleep 6171 & sleep 6171"), new GuestRunOptions { Timeout = TimeSpan.FromSeconds(1) });

        Assert.True(result.TimedOut);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), clock.Elapsed.ToString());
        var left = ProcessRunner.Run("pgrep", ["-x", "-f", "sleep 6171"]); // a duration no other test uses
        Assert.NotEqual(0, left.ExitCode);
    }

    [Fact]
    public async Task Files_copy_in_and_out_and_never_outside_the_session()
    {
        await using var session = await _guest.OpenSessionAsync("copy");
        File.WriteAllText(_dir.Combine("in.txt"), "payload");

        await session.CopyInAsync(_dir.Combine("in.txt"), "work/in.txt");
        var ran = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "tr a-z A-Z < in.txt > out.txt"), Quick);
        await session.CopyOutAsync("work/out.txt", _dir.Combine("out.txt"));

        Assert.True(ran.Succeeded, ran.Output);
        Assert.Equal("PAYLOAD", File.ReadAllText(_dir.Combine("out.txt")));
        await Assert.ThrowsAsync<ArgumentException>(() => session.CopyInAsync(_dir.Combine("in.txt"), "../../escape.txt"));
    }

    [Fact]
    public async Task A_pool_stops_what_a_killed_build_left_and_removes_its_state_when_disposed()
    {
        var state = _dir.Combine("pool-state");
        var leftover = new LocalGuestMachine(GuestSpec.Parse("left", new Dictionary<string, string>()), _dir.Combine("pool-state", "left"), _ => { });
        await leftover.PreflightAsync();
        var session = await leftover.OpenSessionAsync("killed-mid-package");
        File.WriteAllText(Path.Combine(state, GuestPool.StateFile), "[{\"Name\":\"left\",\"Kind\":0}]");

        var again = new LocalGuestMachine(GuestSpec.Parse("left", new Dictionary<string, string>()), _dir.Combine("pool-state", "left"), _ => { });
        Assert.Empty(await GuestPool.PreflightAsync([again]));
        var pool = await GuestPool.StartAsync([again], state);

        Assert.False(Directory.Exists(session.Root));
        Assert.True(File.Exists(Path.Combine(state, GuestPool.StateFile)));
        pool.Dispose();
        Assert.False(File.Exists(Path.Combine(state, GuestPool.StateFile)));
    }

    [Fact]
    public async Task Other_file_systems_are_visible_read_only()
    {
        // A file system mounted apart from / (as a separate /usr or /opt would be), made for this test and removed after.
        var mountPoint = $"/mnt/pkgbuild-test-{Guid.NewGuid():N}";
        Directory.CreateDirectory(mountPoint);
        try
        {
            Assert.Equal(0, ProcessRunner.Run("mount", ["-t", "tmpfs", "pkgbuild-test", mountPoint]).ExitCode);
            try
            {
                File.WriteAllText(Path.Combine(mountPoint, "tool"), "from the other file system");
                await using var session = await _guest.OpenSessionAsync("mounts");

                var read = await session.RunAsync(new GuestCommand("cat", Path.Combine(mountPoint, "tool")), Quick);
                var write = await session.RunAsync(new GuestCommand("/bin/sh", "-c", $"echo x > {mountPoint}/written || (mount -o remount,bind,rw {mountPoint} && echo x > {mountPoint}/written)"), Quick);

                Assert.Equal("from the other file system", read.Output.Trim());
                Assert.False(write.Succeeded, write.Output);
                Assert.False(File.Exists(Path.Combine(mountPoint, "written")));
            }
            finally
            {
                ProcessRunner.Run("umount", [mountPoint]);
            }
        }
        finally
        {
            Directory.Delete(mountPoint);
        }
    }

    [Fact]
    public async Task A_guest_whose_state_is_outside_tmp_is_isolated_too()
    {
        // Projects keep guest state under obj/, on the read-only system inside the sandbox, not under the
        // fresh /tmp these tests otherwise use; bwrap must not need to create anything there.
        var state = $"/var/tmp/pkgbuild-test-{Guid.NewGuid():N}";
        try
        {
            var warnings = new List<PkgBuildException>();
            await using var guest = new LocalGuestMachine(GuestSpec.Parse("var", new Dictionary<string, string>()), Path.Combine(state, "guests", "var"), warnings.Add);
            await guest.PreflightAsync();
            Assert.True(guest.Isolated, string.Join("\n", warnings.Select(w => w.Message)));
            await using var session = await guest.OpenSessionAsync("pkg");
            var ran = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo x > here && cat here && id -un"), Quick);
            Assert.Equal("x\nnobody", ran.Output.Trim());
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    [Fact]
    public async Task The_builds_environment_is_nowhere_in_the_sandbox()
    {
        // The build's environment may hold tokens; bwrap's own init is visible to the package as /proc/1.
        Environment.SetEnvironmentVariable("PKGBUILD_TEST_SECRET", "hunter2");
        try
        {
            await using var session = await _guest.OpenSessionAsync("env");
            var seen = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n'; env"), Quick);
            Assert.DoesNotContain("hunter2", seen.Output);
            Assert.Contains("PLTUSERHOME=", seen.Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PKGBUILD_TEST_SECRET", null);
        }
    }

    [Fact]
    public async Task A_fork_bomb_meets_a_process_limit_and_a_fifo_is_not_copied_out()
    {
        await using var session = await _guest.OpenSessionAsync("bomb");
        // Spawning past the limit would load the machine running the tests; that the limit is in force is what counts.
        var limits = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "grep 'Max processes' /proc/self/limits; df -B1 /tmp | tail -1"), Quick);
        Assert.Matches($@"Max processes\s+{LocalIsolation.MaxProcesses}\s+{LocalIsolation.MaxProcesses}", limits.Output);
        Assert.Contains($" {LocalIsolation.TmpfsBytes} ", limits.Output);

        var fifo = await session.RunAsync(new GuestCommand("mkfifo", "pipe"), Quick);
        Assert.True(fifo.Succeeded, fifo.Output);
        await Assert.ThrowsAsync<UnsafeGuestFileException>(() => session.CopyOutAsync("work/pipe", _dir.Combine("pipe-copy")));
    }
}

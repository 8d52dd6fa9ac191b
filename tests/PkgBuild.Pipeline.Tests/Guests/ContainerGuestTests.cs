using System.Diagnostics;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Containers;
using Xunit.Abstractions;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>
/// One image for the whole class: built locally from this machine's binaries and imported into a podman store
/// configured by the SDK's own <see cref="ContainerConfiguration"/>, the store every guest below uses.
/// Disposing checks that no container was left behind, then removes the image and the store.
/// </summary>
public sealed class ContainerGuestFixture : IDisposable
{
    public ContainerGuestFixture()
    {
        IpForwardBefore = File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim();
        Image = LocalTestImage.Build(ContainerConfiguration.WritePodman);
    }

    public LocalTestImage Image { get; }

    /// <summary>The default bridge network would turn IP forwarding on; it must stay as it was.</summary>
    public string IpForwardBefore { get; }

    public void Dispose()
    {
        var left = Image.Containers();
        Image.Dispose();
        if (left.Count > 0)
        {
            throw new InvalidOperationException($"Containers left after the tests: {string.Join(", ", left)}");
        }
    }
}

/// <summary>Container guests with the real podman (runc, our own store and configuration) and a locally built image.</summary>
public sealed class ContainerGuestTests(ContainerGuestFixture fixture, ITestOutputHelper output) : IClassFixture<ContainerGuestFixture>, IAsyncLifetime
{
    private static readonly GuestRunOptions Quick = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly TempDirectory _dir = new();
    private readonly List<ContainerGuestMachine> _machines = [];

    private LocalTestImage Image => fixture.Image;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var machine in _machines)
        {
            await machine.DisposeAsync();
        }
        _dir.Dispose();
    }

    private static GuestSpec Spec(string name, params (string Key, string Value)[] extra)
    {
        var metadata = new Dictionary<string, string> { ["Kind"] = "Container", ["Image"] = "localhost/unused:1" };
        foreach (var (key, value) in extra)
        {
            metadata[key] = value;
        }
        return GuestSpec.Parse(name, metadata, new SourceLocation("pkgbuild.proj", 7, 5, 0));
    }

    /// <summary>A podman guest of the test image in the fixture's store, disposed (its containers removed) after the test.</summary>
    private ContainerGuestMachine Machine(string name = "box", IReadOnlyDictionary<string, string>? readOnlyMounts = null, string? state = null, bool copiesInstallations = false,
        params (string Key, string Value)[] extra)
    {
        var machine = new ContainerGuestMachine(Spec(name, [("Image", Image.Name), ("ContainerTool", "podman"), .. extra]), state ?? _dir.Combine("guests", name))
        {
            StorageDirectory = Image.StorageDirectory,
            ReadOnlyMounts = readOnlyMounts ?? new Dictionary<string, string>(),
            CopiesInstallations = copiesInstallations,
        };
        _machines.Add(machine);
        return machine;
    }

    private async Task<ContainerGuestMachine> Started(string name = "box", IReadOnlyDictionary<string, string>? readOnlyMounts = null, params (string Key, string Value)[] extra)
    {
        var machine = Machine(name, readOnlyMounts, null, false, extra);
        await machine.PreflightAsync();
        await machine.StartAsync();
        return machine;
    }

    private static Task<GuestRunResult> Sh(IGuestSession session, string script, GuestRunOptions? options = null) =>
        session.RunAsync(new GuestCommand("/bin/sh", "-c", script), options ?? Quick);

    private string PathWith(string name, params string[] executables)
    {
        var directory = _dir.Combine("path", name);
        Directory.CreateDirectory(directory);
        foreach (var executable in executables)
        {
            // Entries on a search path, never run: detection only asks whether an executable file is there.
            File.WriteAllText(Path.Combine(directory, executable), "#!/bin/sh\nexit 1\n");
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(Path.Combine(directory, executable), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        return directory;
    }

    private async Task<PkgBuildException> Refused(ContainerGuestMachine machine)
    {
        var error = await Assert.ThrowsAsync<GuestException>(() => machine.PreflightAsync());
        output.WriteLine($"{error.Code}: {error.Message}");
        Assert.Equal(("pkgbuild.proj", 7), (error.Location.File, error.Location.Line));
        return error;
    }

    [Fact]
    public void The_tool_is_podman_when_on_PATH_else_docker_and_ContainerTool_wins()
    {
        var state = _dir.Combine("state");
        var both = PathWith("both", "podman", "docker");
        var dockerOnly = PathWith("docker-only", "docker");
        var empty = PathWith("empty");
        var notExecutable = PathWith("not-executable");
        File.WriteAllText(Path.Combine(notExecutable, "podman"), "");

        Assert.Equal("podman", new ContainerGuestMachine(Spec("g"), state, $"{empty}:{both}").ContainerTool);
        Assert.Equal("docker", new ContainerGuestMachine(Spec("g"), state, $"{notExecutable}:{dockerOnly}").ContainerTool);
        Assert.Equal("docker", new ContainerGuestMachine(Spec("g", ("ContainerTool", "docker")), state, both).ContainerTool);
        Assert.Equal("podman", new ContainerGuestMachine(Spec("g"), state, empty).ContainerTool); // the preflight then says what to install
        Assert.Equal("podman", new ContainerGuestMachine(Spec("g"), state).ContainerTool); // this process's PATH: podman is installed here
        Assert.Equal(Path.Combine(dockerOnly, "docker"), ContainerCli.Find("docker", $"relative/dir:{dockerOnly}"));
        Assert.IsType<ContainerGuestMachine>(GuestFactory.Create(Spec("g"), _dir.Combine("guests"), _ => { }, _ => { }));
    }

    [Fact]
    public async Task A_tool_not_on_PATH_is_PKB0609_naming_what_to_install()
    {
        var empty = PathWith("empty");

        var podman = await Refused(new ContainerGuestMachine(Spec("g", ("ContainerTool", "podman")), _dir.Combine("a"), empty));
        var either = await Refused(new ContainerGuestMachine(Spec("g"), _dir.Combine("b"), empty));

        Assert.Equal(ErrorCodes.GuestToolMissing, podman.Code);
        Assert.Contains("podman is not on PATH", podman.Message);
        Assert.Contains("apt-get install podman runc", podman.Message);
        Assert.Contains("neither podman nor docker", either.Message);
    }

    [Fact]
    public async Task An_engine_that_does_not_answer_is_PKB0610_in_podmans_words()
    {
        var notADirectory = _dir.Combine("storage-file");
        File.WriteAllText(notADirectory, "");
        var machine = new ContainerGuestMachine(Spec("g", ("Image", Image.Name)), _dir.Combine("g")) { StorageDirectory = notADirectory };

        var error = await Refused(machine);

        Assert.Equal(ErrorCodes.GuestNotReady, error.Code);
        Assert.Contains("`podman info` failed", error.Message);
        Assert.Contains("not a directory", error.Message);
        Assert.Contains($"CONTAINERS_STORAGE_CONF={_dir.Combine("g", ContainerConfiguration.StorageConf)}", error.Message);
    }

    [Fact]
    public async Task A_missing_image_is_PKB0614_with_how_to_put_it_in_the_guests_store()
    {
        var missing = $"localhost/pkgbuild-missing-{Guid.NewGuid():N}:1";
        var machine = Machine("g", extra: ("Image", missing));

        var error = await Refused(machine);

        Assert.Equal(ErrorCodes.ContainerImageMissing, error.Code);
        Assert.Contains($"'{missing}' is not in this guest's podman store ({Image.StorageDirectory})", error.Message);
        Assert.Contains("podman load", error.Message);
        Assert.Contains("podman import", error.Message);
        Assert.Contains($"CONTAINERS_STORAGE_CONF={_dir.Combine("guests", "g", ContainerConfiguration.StorageConf)}", error.Message);
        Assert.Contains("never pulls", error.Message);
    }

    [Fact]
    public async Task A_command_runs_in_its_containers_session_with_only_the_sessions_environment()
    {
        Environment.SetEnvironmentVariable("PKGBUILD_CONTAINER_TEST_HOST_ONLY", "leaked");
        var machine = await Started(extra: ("Env", "GREETING=hello there"));
        await using var session = (ContainerGuestSession)await machine.OpenSessionAsync("pkg-a");

        var ran = await session.RunAsync(new GuestCommand("/bin/sh", "-c",
            "echo \"$GREETING|$PLTUSERHOME|$HOME|$TMPDIR|$(pwd)|$LANG|$FROM_COMMAND|${PKGBUILD_CONTAINER_TEST_HOST_ONLY:-unset}|$(id -u)\"")
        { Environment = new Dictionary<string, string> { ["FROM_COMMAND"] = "x" } }, Quick);

        Assert.True(ran.Succeeded, ran.Output);
        Assert.Equal($"hello there|{session.UserHome}|{session.UserHome}|{session.Root}/tmp|{session.WorkDirectory}|C.UTF-8|x|unset|0", ran.Output.Trim());
        Assert.StartsWith("pkgbuild-box-pkg-a-", session.Name);
        var labelled = Image.Podman("ps", "-q", "--filter", "label=pkgbuild.guest=box", "--filter", $"name={session.Name}");
        Assert.NotEmpty(labelled.Output.Trim());
        Assert.Equal(137, (await Sh(session, "kill -KILL $$")).ExitCode); // a failing command's own exit code, not an infrastructure error
    }

    [Fact]
    public async Task A_package_racing_links_over_the_file_copied_out_never_gets_a_root_only_file_out()
    {
        // The session directory is this machine's, bound into the container: the build copies out as root.
        var machine = await Started();
        var canary = CopyOutRace.WriteCanary(_dir);
        await using var session = await machine.OpenSessionAsync("racer");

        var tally = await CopyOutRace.RunAsync(session, canary, _dir.Combine("race"), 200);

        CopyOutRace.AssertNeverWon(tally);
    }

    [Fact]
    public async Task Files_copy_in_and_out_through_the_session_and_never_outside_it_or_through_a_guests_link()
    {
        var machine = await Started();
        await using var session = await machine.OpenSessionAsync("copy");
        File.WriteAllText(_dir.Combine("in.txt"), "payload");

        await session.CopyInAsync(_dir.Combine("in.txt"), "work/in.txt");
        var ran = await Sh(session, "tr a-z A-Z < in.txt > out.txt && ln -s /etc/hostname stolen && mkdir real && ln -s real linked");
        await session.CopyOutAsync("work/out.txt", _dir.Combine("out.txt"));

        Assert.True(ran.Succeeded, ran.Output);
        Assert.Equal("PAYLOAD", File.ReadAllText(_dir.Combine("out.txt")));
        await Assert.ThrowsAsync<ArgumentException>(() => session.CopyInAsync(_dir.Combine("in.txt"), "../../escape.txt"));
        await Assert.ThrowsAsync<UnsafeGuestFileException>(() => session.CopyOutAsync("work/stolen", _dir.Combine("stolen")));
        await Assert.ThrowsAsync<UnsafeGuestFileException>(() => session.CopyInAsync(_dir.Combine("in.txt"), "work/linked/in.txt"));
        Assert.False(File.Exists(_dir.Combine("stolen")));
    }

    [Fact]
    public async Task Two_sessions_at_once_see_nothing_of_each_other_and_writes_outside_a_session_vanish_with_it()
    {
        var machine = await Started();
        var canary = $"/etc/pkgbuild-canary-{Guid.NewGuid():N}";
        var first = (ContainerGuestSession)await machine.OpenSessionAsync("pkg-a");
        await using var second = await machine.OpenSessionAsync("pkg-b");

        var wrote = await Sh(first, $"echo a > {canary} && echo a > \"$HOME/marker\" && echo a > /tmp/marker && cat {canary}");
        var looked = await Sh(second, $"test ! -e {canary} && test ! -e /tmp/marker && test ! -e {ShellQuote.Quote(first.Root)} && test -z \"$(ls -A \"$HOME\")\" && echo clean");

        Assert.Equal("a", wrote.Output.Trim());
        Assert.Equal("clean", looked.Output.Trim());
        Assert.False(File.Exists(canary));
        await first.DisposeAsync();
        Assert.False(Directory.Exists(first.Root));
        Assert.DoesNotContain(first.Name, Image.Containers());

        await using var third = await machine.OpenSessionAsync("pkg-a");
        Assert.Equal("gone", (await Sh(third, $"test ! -e {canary} && test ! -e /tmp/marker && echo gone")).Output.Trim());
    }

    [Fact]
    public async Task A_container_has_no_network_but_its_own_loopback_and_the_machines_forwarding_is_untouched()
    {
        var machine = await Started();
        await using var session = await machine.OpenSessionAsync("net");

        var interfaces = await Sh(session, "ls /sys/class/net");
        var devices = await Sh(session, "tail -n +3 /proc/net/dev");

        Assert.Equal("lo", interfaces.Output.Trim());
        Assert.Equal(["lo"], devices.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim().Split(':')[0]).ToArray());
        Assert.Equal(fixture.IpForwardBefore, File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim());
    }

    [Fact]
    public async Task MemoryMb_kills_a_command_that_allocates_past_it()
    {
        var machine = await Started(extra: ("MemoryMb", "64"));
        await using var session = await machine.OpenSessionAsync("hungry");

        // dd fills a buffer of one block: 200 MB does not fit in 64 MB (no swap either), 16 MB does.
        var big = await session.RunAsync(new GuestCommand("dd", "if=/dev/zero", "of=/dev/null", "bs=200M", "count=1"), Quick);
        var small = await session.RunAsync(new GuestCommand("dd", "if=/dev/zero", "of=/dev/null", "bs=16M", "count=1"), Quick);
        var after = await Sh(session, "echo still here");

        Assert.Equal(137, big.ExitCode);
        Assert.False(big.TimedOut);
        Assert.True(small.Succeeded, small.Output);
        Assert.Equal("still here", after.Output.Trim());
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "oom")), "podman's conmon wrote its oom marker into the build's directory");
    }

    [Fact]
    public async Task A_command_past_its_timeout_is_killed_with_everything_it_started()
    {
        var machine = await Started();
        await using var session = await machine.OpenSessionAsync("sleeper");
        var clock = Stopwatch.StartNew();

        var result = await Sh(session, "sleep 4321 & sleep 4321", new GuestRunOptions { Timeout = TimeSpan.FromSeconds(1) });

        Assert.True(result.TimedOut);
        Assert.Equal(-1, result.ExitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), clock.Elapsed.ToString());
        // Every process but the keep-alive is gone, and it reaped them: no zombies.
        var left = "";
        for (var i = 0; i < 50; i++)
        {
            left = (await Sh(session, "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; head -3 $p/status | tr '\\n' ' '; echo; done")).Output;
            if (!left.Contains("4321") && !left.Contains("zombie"))
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.DoesNotContain("zombie", left);
        Assert.NotEqual(0, ProcessRunner.Run("pgrep", ["-f", "sleep 4321"]).ExitCode);
        Assert.Equal("ok", (await Sh(session, "echo ok")).Output.Trim());
    }

    [Fact]
    public async Task Hostile_arguments_arrive_as_written_and_run_nothing()
    {
        var machine = await Started();
        await using var session = (ContainerGuestSession)await machine.OpenSessionAsync("pkg$(touch x);rm -rf /");
        var hostile = new[] { "$(touch canary)", "`touch canary`", "; touch canary", "' \" \\", "line\nbreak", "--help", "-x", "", " spaced  out " };

        var echoed = await session.RunAsync(new GuestCommand("printf", ["%s\\n", .. hostile]), Quick);
        var env = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "printf '%s' \"$X\"") { Environment = new Dictionary<string, string> { ["X"] = hostile[0] } }, Quick);

        Assert.Equal(string.Join("\n", hostile) + "\n", echoed.Output);
        Assert.Equal(hostile[0], env.Output.TrimEnd('\n'));
        Assert.False(File.Exists(Path.Combine(session.WorkDirectory, "canary")));
        Assert.Matches("^pkgbuild-box-pkg__touch_x__rm_-rf__-[0-9a-f]{12}$", session.Name);
        Assert.DoesNotContain("$(", session.Root);
    }

    [Fact]
    public async Task A_read_only_mount_is_readable_and_not_writable()
    {
        var site = _dir.Combine("site");
        Directory.CreateDirectory(site);
        File.WriteAllText(Path.Combine(site, "index.txt"), "archive");
        var machine = await Started(readOnlyMounts: new Dictionary<string, string> { [site] = "/srv/site" });
        await using var session = await machine.OpenSessionAsync("reader");

        var read = await Sh(session, "cat /srv/site/index.txt");
        var overwrite = await Sh(session, "echo changed > /srv/site/index.txt");
        var create = await Sh(session, "touch /srv/site/new");

        Assert.Equal("archive", read.Output.Trim());
        Assert.NotEqual(0, overwrite.ExitCode);
        Assert.Contains("Read-only file system", overwrite.Output);
        Assert.NotEqual(0, create.ExitCode);
        Assert.Equal("archive", File.ReadAllText(Path.Combine(site, "index.txt")));
        Assert.Equal(["index.txt"], Directory.GetFiles(site).Select(f => Path.GetFileName(f)!).ToArray());
    }

    /// <summary>
    /// A stand-in for a Racket installer (none is needed to check the mount): what <c>sh installer --in-place
    /// --dest DIR</c> leaves that raco writes next to, a meta package's shared file and the installation's
    /// <c>shares.rktd</c>, and a <c>bin/raco</c> the image's shell can run.
    /// </summary>
    private string StandInInstaller()
    {
        var installer = _dir.Combine("racket-standin.sh");
        File.WriteAllText(installer, """
            #!/bin/sh
            # Stand-in Racket installer for the Container guest tests: no Racket, the installation's shape.
            [ "$1" = --in-place ] && [ "$2" = --dest ] && [ -n "$3" ] || { echo "usage: sh $0 --in-place --dest DIR" >&2; exit 2; }
            mkdir -p "$3/bin" "$3/share/pkgs/slatex" || exit 1
            printf '#!/bin/sh\necho "stand-in raco $*"\n' > "$3/bin/raco" && chmod 755 "$3/bin/raco"
            printf '#hash()\n' > "$3/share/shares.rktd"
            printf '%% slatex\n' > "$3/share/pkgs/slatex/slatex.sty"

            """);
        return installer;
    }

    /// <summary>Every entry under <paramref name="directory"/> with its kind, mode, time and contents.</summary>
    private static List<string> Snapshot(string directory) =>
        Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(p => File.Exists(p) ? (FileSystemInfo)new FileInfo(p) : new DirectoryInfo(p))
            .Select(e => $"{Path.GetRelativePath(directory, e.FullName)} {e.UnixFileMode} {e.LastWriteTimeUtc:O} "
                + (e is FileInfo ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(e.FullName))) : "dir"))
            .Prepend($". {File.GetLastWriteTimeUtc(directory):O}")
            .ToList();

    [Theory]
    [InlineData(false)] // podman: an overlay volume, the container's own layer over this machine's copy
    [InlineData(true)] // what docker guests do (a copy into the container's layer), run here with podman
    public async Task An_installed_Racket_is_writable_in_its_container_and_nowhere_else(bool copies)
    {
        var site = _dir.Combine("site");
        Directory.CreateDirectory(site);
        File.WriteAllText(Path.Combine(site, "index.txt"), "archive");
        var machine = Machine(copiesInstallations: copies);
        await machine.PreflightAsync();
        await machine.StartAsync();
        await machine.ShareSiteAsync(site, new Uri("http://127.0.0.1:1/"));
        var raco = await machine.InstallRacketAsync(StandInInstaller());
        var installation = Path.GetDirectoryName(Path.GetDirectoryName(raco))!;
        var before = Snapshot(installation);
        var owner = ProcessRunner.Run("stat", ["-c", "%u", installation]).Output.Trim();
        var first = (ContainerGuestSession)await machine.OpenSessionAsync("meta-pkg");
        await using var second = await machine.OpenSessionAsync("other-pkg");

        var inst = ShellQuote.Quote(installation);
        var user = await Sh(first, $"id -u && ls -ldn {inst}");
        // What raco setup does for a meta package, then a compiled/ directory inside one of the installation's packages.
        var wrote = await Sh(first, $"""
            cp {inst}/share/pkgs/slatex/slatex.sty {inst}/share/slatex.sty && printf '#hash((#"slatex.sty" . ("slatex")))\n' > {inst}/share/shares.rktd \
              && mkdir {inst}/share/pkgs/slatex/compiled && echo zo > {inst}/share/pkgs/slatex/compiled/x.zo && {ShellQuote.Quote(raco)} setup && cat {inst}/share/shares.rktd
            """);
        var siteWrite = await Sh(first, "touch /pkgbuild/site/new");
        var imageWrite = await Sh(first, "touch /bin/pkgbuild-probe && echo image-writable"); // where a Preinstalled Racket lives
        var looked = await Sh(second, $"test ! -e {inst}/share/slatex.sty && test ! -e {inst}/share/pkgs/slatex/compiled && cat {inst}/share/shares.rktd");

        // The package's user is the container's root, and the installation is root's here and there: the tests
        // run as root, as rootful podman must.
        output.WriteLine(user.Output);
        var lines = user.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("0", lines[0]);
        Assert.Equal("0", lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);
        Assert.Equal("0", owner);
        Assert.True(wrote.Succeeded, wrote.Output);
        Assert.Contains("stand-in raco setup", wrote.Output);
        Assert.EndsWith("#hash((#\"slatex.sty\" . (\"slatex\")))", wrote.Output.Trim());
        Assert.True(looked.Succeeded, looked.Output);
        Assert.Equal("#hash()", looked.Output.Trim());
        Assert.NotEqual(0, siteWrite.ExitCode);
        Assert.Contains("Read-only file system", siteWrite.Output);
        Assert.Equal("image-writable", imageWrite.Output.Trim());
        await first.DisposeAsync();
        Assert.Equal(before, Snapshot(installation));
        Assert.Equal(["index.txt"], Directory.GetFileSystemEntries(site).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public async Task A_container_removed_under_a_session_is_PKB0611_not_a_package_failure()
    {
        var machine = await Started();
        await using var session = (ContainerGuestSession)await machine.OpenSessionAsync("lost");
        Assert.Equal(0, Image.Podman("rm", "-f", session.Name).ExitCode);

        var error = await Assert.ThrowsAsync<GuestException>(() => Sh(session, "echo hi"));

        Assert.Equal(ErrorCodes.GuestConnectionLost, error.Code);
        Assert.Contains(session.Name, error.Message);
    }

    [Fact]
    public async Task Stop_removes_the_containers_a_killed_build_left_and_only_this_guests()
    {
        var state = _dir.Combine("guests", "box");
        var killed = Machine(state: state);
        await killed.PreflightAsync();
        var left = new[] { await killed.OpenSessionAsync("pkg-a"), await killed.OpenSessionAsync("pkg-b") }.Cast<ContainerGuestSession>().ToList();
        var otherProject = Machine(state: _dir.Combine("other-project", "guests", "box"));
        await otherProject.PreflightAsync();
        var kept = (ContainerGuestSession)await otherProject.OpenSessionAsync("pkg-a");

        // The next build: a new machine for the same guest and state directory, not even preflighted.
        await Machine(state: state).StopAsync();

        var containers = Image.Containers();
        Assert.DoesNotContain(left[0].Name, containers);
        Assert.DoesNotContain(left[1].Name, containers);
        Assert.Contains(kept.Name, containers);
        Assert.False(Directory.Exists(left[0].Root));
        await kept.DisposeAsync();
        Assert.DoesNotContain(kept.Name, Image.Containers());
    }

    [Fact]
    public async Task Each_package_gets_a_fresh_container_quickly()
    {
        var machine = await Started();
        var names = new HashSet<string>();
        var cycles = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await using (var session = (ContainerGuestSession)await machine.OpenSessionAsync("pkg"))
            {
                var ready = await Sh(session, "echo ready");
                Assert.Equal("ready", ready.Output.Trim());
                names.Add(session.Name);
            }
            cycles.Add(clock.Elapsed.TotalSeconds);
        }

        output.WriteLine($"fresh container -> ready -> removed: {string.Join(", ", cycles.Select(c => c.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))} s; image built in {Image.BuildTime.TotalSeconds:0.00} s");
        Assert.Equal(5, names.Count);
        Assert.All(cycles, c => Assert.True(c < 10, $"{c} s"));
    }

    [Fact]
    public async Task Podman_leaves_nothing_on_the_machine_beyond_what_it_always_writes()
    {
        var machine = await Started();
        await using (var session = await machine.OpenSessionAsync("tidy"))
        {
            Assert.True((await Sh(session, "echo x > /etc/x")).Succeeded);
        }

        // podman itself always writes these two, whatever the container does.
        var allowed = new[] { "/var/lib/containers/cache/blob-info-cache-v1.boltdb", "/run/containers/networks" };
        var written = new[] { "/var/lib/containers", "/run/containers" }.Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFileSystemEntries(d, "*", SearchOption.AllDirectories))
            .Where(p => !allowed.Any(a => a.StartsWith(p + "/", StringComparison.Ordinal) || p == a || p.StartsWith(a + "/", StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(written);
        Assert.False(File.Exists("/dev/shm/libpod_lock"), "podman's shared-memory locks (lock_type=file keeps them in our tmp directory)");
        Assert.False(File.Exists("/etc/cni/net.d/cni.lock"), "the CNI lock (network_config_dir keeps it in our store)");
        Assert.False(File.Exists("/var/cache/containers/short-name-aliases.conf.lock"), "the short-name alias lock (a full image name needs none)");
        Assert.Equal(fixture.IpForwardBefore, File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim());
        Assert.Empty(Image.Containers());
    }

    [Fact]
    public void Runtime_state_from_another_boot_is_discarded_and_configuration_is_stable()
    {
        var storage = _dir.Combine("storage");
        Directory.CreateDirectory(Path.Combine(storage, "run", "overlay"));
        Directory.CreateDirectory(Path.Combine(storage, "tmp"));
        Directory.CreateDirectory(Path.Combine(storage, "graph"));
        File.WriteAllText(Path.Combine(storage, "boot-id"), "00000000-0000-0000-0000-000000000000\n");

        var first = ContainerConfiguration.WritePodman(_dir.Combine("config"), storage);
        var conf = File.ReadAllText(_dir.Combine("config", ContainerConfiguration.ContainersConf));
        ContainerConfiguration.DiscardStateFromAnotherBoot(storage);

        Assert.False(Directory.Exists(Path.Combine(storage, "run")));
        Assert.False(Directory.Exists(Path.Combine(storage, "tmp")));
        Assert.True(Directory.Exists(Path.Combine(storage, "graph"))); // images stay
        ContainerConfiguration.RecordBoot(storage);
        Directory.CreateDirectory(Path.Combine(storage, "run"));
        ContainerConfiguration.DiscardStateFromAnotherBoot(storage);
        Assert.True(Directory.Exists(Path.Combine(storage, "run"))); // this boot's state is kept

        Assert.Equal(first, ContainerConfiguration.WritePodman(_dir.Combine("config"), storage));
        Assert.Equal(conf, File.ReadAllText(_dir.Combine("config", ContainerConfiguration.ContainersConf)));
        Assert.Contains("runtime = \"runc\"", conf);
        Assert.Contains("netns = \"none\"", conf);
        Assert.Contains($"tmp_dir = \"{storage}/tmp\"", conf);
    }
}

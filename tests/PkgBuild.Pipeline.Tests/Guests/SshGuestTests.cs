using System.Net;
using System.Net.Sockets;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Racket;
using PkgBuild.Testing.Http;
using PkgBuild.Testing.Ssh;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>Ssh guests against a real OpenSSH server started for each test on 127.0.0.1.</summary>
public sealed class SshGuestTests : IDisposable
{
    private static readonly GuestRunOptions Quick = new() { Timeout = TimeSpan.FromSeconds(60) };
    private readonly GuestDirectories _guestDirs = new();

    private readonly SshServer _server = SshServer.Start();
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        _guestDirs.Dispose();
        _server.Dispose();
        _dir.Dispose();
    }

    private GuestSpec Spec(params (string Key, string Value)[] extra)
    {
        var metadata = new Dictionary<string, string>
        {
            ["Kind"] = "Ssh",
            ["Host"] = _server.Host,
            ["Port"] = _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["User"] = _server.User,
            ["IdentityFile"] = _server.ClientKeyPath,
            ["KnownHostsFile"] = _server.KnownHostsPath,
            ["Dir"] = _guestDirs.Next(),
        };
        foreach (var (key, value) in extra)
        {
            metadata[key] = value;
        }
        return GuestSpec.Parse("vm", metadata, new SourceLocation("pkgbuild.proj", 12, 5, 0));
    }

    private static async Task<PkgBuildException> Refused(GuestSpec spec, TimeSpan? connectTimeout = null)
    {
        await using var guest = new SshGuestMachine(spec, connectTimeout);
        var error = await Assert.ThrowsAsync<GuestException>(() => guest.PreflightAsync());
        Assert.Equal(("pkgbuild.proj", 12), (error.Location.File, error.Location.Line));
        return error;
    }

    [Fact]
    public async Task A_package_racing_links_over_the_file_copied_out_never_gets_a_root_only_file_out()
    {
        // SFTP reads as the guest's user, who may not read the canary; a link seen first is refused outright.
        await using var guest = new SshGuestMachine(Spec());
        await guest.PreflightAsync();
        await guest.StartAsync();
        var canary = CopyOutRace.WriteCanary(_dir);
        await using var session = await guest.OpenSessionAsync("racer");

        var tally = await CopyOutRace.RunAsync(session, canary, _dir.Combine("race"), 200);

        CopyOutRace.AssertNeverWon(tally, "(work/race.zip.*(symbolic link|not a regular file).*refused)|may not read it");
    }

    [Fact]
    public async Task An_installed_Racket_is_writable_in_each_session_and_pristine_in_the_next()
    {
        var installer = StandInInstaller.Write(_dir.Combine("stand-in-installer.sh"));
        var warnings = new List<PkgBuildException>();
        await using var guest = new SshGuestMachine(Spec(), warn: warnings.Add);
        await guest.PreflightAsync();
        await guest.StartAsync();
        var raco = await guest.InstallRacketAsync(installer);
        var root = raco[..^"/bin/raco".Length];
        Assert.Empty(warnings); // this machine's kernel lets the guest user mount an overlay in its own namespace

        await using (var first = await guest.OpenSessionAsync("writer"))
        {
            var wrote = await first.RunAsync(new GuestCommand("/bin/sh", "-c",
                $"id -u && echo 2 > {root}/share/links.rktd && mkdir {root}/share/pkgs/base/compiled && rm {root}/bin/raco && cat {root}/share/links.rktd"), Quick);
            Assert.True(wrote.Succeeded, wrote.Output);
            // The guest's own user, not the namespace's root.
            var uid = ProcessRunner.Run("id", ["-u", _server.User]).Output.Trim();
            Assert.Equal([uid, "2"], wrote.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.Equal("1\n", File.ReadAllText(Path.Combine(root, "share", "links.rktd")));
        Assert.True(File.Exists(raco));
        Assert.False(Directory.Exists(Path.Combine(root, "share", "pkgs", "base", "compiled")));

        await using var next = await guest.OpenSessionAsync("reader");
        var looked = await next.RunAsync(new GuestCommand("/bin/sh", "-c", $"cat {root}/share/links.rktd && {raco}"), Quick);
        Assert.Equal(["1", "raco"], looked.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_known_guest_runs_commands_in_fresh_sessions_and_copies_files()
    {
        await using var guest = new SshGuestMachine(Spec(("Env", "GREETING=hello there")));
        await guest.PreflightAsync();
        await guest.StartAsync();

        string firstRoot;
        await using (var first = await guest.OpenSessionAsync("pkg-a"))
        {
            firstRoot = first.Root;
            File.WriteAllText(_dir.Combine("in.txt"), "payload");
            await first.CopyInAsync(_dir.Combine("in.txt"), "work/in.txt");
            var ran = await first.RunAsync(new GuestCommand("/bin/sh", "-c", "tr a-z A-Z < in.txt > out.txt; echo \"$GREETING $PLTUSERHOME $(pwd) $(id -un)\"; echo x > \"$HOME/marker\""), Quick);
            Assert.True(ran.Succeeded, ran.Output);
            Assert.Equal($"hello there {first.UserHome} {first.WorkDirectory} {_server.User}", ran.Output.Trim());
            await first.CopyOutAsync("work/out.txt", _dir.Combine("out.txt"));
            Assert.Equal("PAYLOAD", File.ReadAllText(_dir.Combine("out.txt")));
        }

        await using var second = await guest.OpenSessionAsync("pkg-b");
        var looked = await second.RunAsync(new GuestCommand("/bin/sh", "-c", "ls -A \"$PLTUSERHOME\"; test -e " + ShellQuote.Quote(firstRoot) + " && echo first-left"), Quick);
        Assert.Equal("", looked.Output.Trim());
        await guest.ExpectRacketAsync();
    }

    [Fact]
    public async Task Hostile_arguments_reach_the_guest_as_written()
    {
        await using var guest = new SshGuestMachine(Spec());
        await guest.StartAsync();
        await using var session = await guest.OpenSessionAsync("pkg$(touch x);rm");
        var canary = $"/tmp/pkgbuild-canary-{Guid.NewGuid():N}";
        var hostile = $"$(touch {canary}) `touch {canary}` ; touch {canary} ' \" \\ end";

        var echoed = await session.RunAsync(new GuestCommand("printf", "%s", hostile), Quick);

        Assert.Equal(hostile, echoed.Output);
        Assert.False(File.Exists(canary));
    }

    [Fact]
    public async Task An_unknown_host_key_is_refused_with_its_fingerprint_and_the_line_to_add()
    {
        File.WriteAllText(_dir.Combine("empty_known_hosts"), "");
        var error = await Refused(Spec(("KnownHostsFile", _dir.Combine("empty_known_hosts"))));

        Assert.Equal(ErrorCodes.GuestHostKeyUnknown, error.Code);
        Assert.Contains(_server.HostKeyFingerprint, error.Message);
        Assert.Contains($"add this line to {_dir.Combine("empty_known_hosts")}: {_server.KnownHostsLine}", error.Message);
        Assert.Equal("", File.ReadAllText(_dir.Combine("empty_known_hosts")));
    }

    [Fact]
    public async Task A_changed_host_key_is_refused_loudly()
    {
        var other = ProcessRunner.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", _dir.Combine("other")]);
        Assert.Equal(0, other.ExitCode);
        var otherBlob = File.ReadAllText(_dir.Combine("other.pub")).Split(' ')[1];
        File.WriteAllText(_dir.Combine("known_hosts"), $"[{_server.Host}]:{_server.Port} ssh-ed25519 {otherBlob}\n");

        var error = await Refused(Spec(("KnownHostsFile", _dir.Combine("known_hosts"))));

        Assert.Equal(ErrorCodes.GuestHostKeyChanged, error.Code);
        Assert.Contains("THE HOST KEY HAS CHANGED", error.Message);
        Assert.Contains(_server.HostKeyFingerprint, error.Message);
    }

    [Fact]
    public async Task A_pinned_fingerprint_is_enough_and_a_wrong_one_is_refused()
    {
        File.WriteAllText(_dir.Combine("empty_known_hosts"), "");
        await using (var pinned = new SshGuestMachine(Spec(("KnownHostsFile", _dir.Combine("empty_known_hosts")), ("HostKeyFingerprint", _server.HostKeyFingerprint))))
        {
            await pinned.PreflightAsync();
        }
        var wrong = "SHA256:" + new string('A', 43);
        var error = await Refused(Spec(("HostKeyFingerprint", wrong)));
        Assert.Equal(ErrorCodes.GuestHostKeyChanged, error.Code);
        Assert.Contains($"pins {wrong}", error.Message);
    }

    [Fact]
    public async Task A_hashed_known_hosts_entry_is_recognised()
    {
        File.Copy(_server.KnownHostsPath, _dir.Combine("hashed"));
        Assert.Equal(0, ProcessRunner.Run("ssh-keygen", ["-H", "-f", _dir.Combine("hashed")]).ExitCode);
        Assert.StartsWith("|1|", File.ReadAllText(_dir.Combine("hashed")));

        await using var guest = new SshGuestMachine(Spec(("KnownHostsFile", _dir.Combine("hashed"))));
        await guest.PreflightAsync();
    }

    [Fact]
    public async Task Each_way_of_not_connecting_has_its_own_error()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var closedPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        Assert.Equal(ErrorCodes.GuestConnectionRefused, (await Refused(Spec(("Port", closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture))))).Code);

        Assert.Equal(ErrorCodes.GuestHostNotFound, (await Refused(Spec(("Host", "no-such-guest.invalid")))).Code);

        // A port that accepts and then says nothing, like a hung guest.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var silentPort = ((IPEndPoint)silent.LocalEndpoint).Port;
        var timeout = await Refused(Spec(("Port", silentPort.ToString(System.Globalization.CultureInfo.InvariantCulture))), TimeSpan.FromSeconds(2));
        Assert.Equal(ErrorCodes.GuestTimeout, timeout.Code);

        var stranger = ProcessRunner.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", _dir.Combine("stranger")]);
        Assert.Equal(0, stranger.ExitCode);
        var auth = await Refused(Spec(("IdentityFile", _dir.Combine("stranger"))));
        Assert.Equal(ErrorCodes.GuestAuthenticationFailed, auth.Code);
        Assert.Contains($"user '{_server.User}'", auth.Message);
        Assert.Contains(_dir.Combine("stranger"), auth.Message);
    }

    [Fact]
    public async Task A_guest_without_racket_is_named()
    {
        await using var guest = new SshGuestMachine(Spec(("Env", "PATH=/nonexistent")));
        await guest.StartAsync();
        Assert.Equal(ErrorCodes.GuestNoRacket, (await Assert.ThrowsAsync<GuestException>(() => guest.ExpectRacketAsync())).Code);
    }

    [Fact]
    public async Task A_command_past_its_timeout_is_killed_on_the_guest()
    {
        await using var guest = new SshGuestMachine(Spec());
        await guest.StartAsync();
        await using var session = await guest.OpenSessionAsync("sleeper");
        var marker = $"pkgbuild-sleep-{Guid.NewGuid():N}";

        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", $"sleep 301 & sleep 302; echo {marker}"), new GuestRunOptions { Timeout = TimeSpan.FromSeconds(2) });

        Assert.True(result.TimedOut);
        await Task.Delay(500);
        var left = ProcessRunner.Run("pgrep", ["-a", "-x", "-f", "sleep 30[12]"]);
        Assert.True(left.ExitCode != 0, left.Output);
    }

    [Fact]
    public async Task A_guest_that_drops_mid_command_is_an_infrastructure_failure()
    {
        await using var guest = new SshGuestMachine(Spec());
        await guest.StartAsync();
        await using var session = await guest.OpenSessionAsync("dropper");

        var running = session.RunAsync(new GuestCommand("sleep", "30"), Quick);
        await Task.Delay(1000);
        _server.KillConnections();

        var error = await Assert.ThrowsAsync<GuestException>(() => running);
        Assert.Equal(ErrorCodes.GuestConnectionLost, error.Code);
    }

    [Fact]
    public async Task Inside_a_network_namespace_the_guest_reaches_the_site_only_through_the_reverse_forward()
    {
        using var ns = NetworkNamespace.Create();
        using var server = SshServer.Start(SshServerOptions.In(ns));
        using var site = new LoopbackHttpServer(_ => TestHttpResponse.Ok("catalog here"));
        var spec = GuestSpec.Parse("ns", new Dictionary<string, string>
        {
            ["Kind"] = "Ssh", ["Host"] = server.Host, ["Port"] = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["User"] = server.User, ["IdentityFile"] = server.ClientKeyPath, ["KnownHostsFile"] = server.KnownHostsPath,
            ["Dir"] = _guestDirs.Next(),
        });
        await using var guest = new SshGuestMachine(spec);
        await guest.StartAsync();
        await using var session = await guest.OpenSessionAsync("site");
        var fetch = new GuestCommand("curl", "-sS", "-m", "5", "http://127.0.0.1:18333/catalog/pkgs-all");

        var before = await session.RunAsync(fetch, Quick);
        using var forward = guest.ForwardToGuest(18333, "127.0.0.1", (uint)site.Port);
        var after = await session.RunAsync(fetch, Quick);

        Assert.False(before.Succeeded, before.Output);
        Assert.True(after.Succeeded, after.Output);
        Assert.Equal("catalog here", after.Output.Trim());
        var direct = await session.RunAsync(new GuestCommand("curl", "-sS", "-m", "3", site.BaseUrl.AbsoluteUri), Quick);
        Assert.False(direct.Succeeded); // the host's own loopback is not the guest's
    }

    [Fact]
    public async Task Output_arrives_line_by_line_while_the_command_runs()
    {
        await using var guest = new SshGuestMachine(Spec());
        await guest.StartAsync();
        await using var session = await guest.OpenSessionAsync("streamer");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var seen = new List<(string Line, TimeSpan At)>();

        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "echo first; sleep 2; echo second >&2"),
            new GuestRunOptions { Timeout = TimeSpan.FromSeconds(30), OnOutputLine = line => seen.Add((line, clock.Elapsed)) });

        Assert.True(result.Succeeded, result.Output);
        Assert.Equal("first\nsecond\n", result.Output);
        Assert.Equal(["first", "second"], seen.Select(s => s.Line));
        Assert.True(seen[1].At - seen[0].At > TimeSpan.FromSeconds(1.5), $"first at {seen[0].At}, second at {seen[1].At}");
    }
}

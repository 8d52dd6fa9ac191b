using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Tests.Execution;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Racket;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>
/// The Racket installation as Local sessions see it: pristine and writable for every package, as after
/// pkg-build's snapshot restore, with this machine's copy never written. Real overlays, the real Debian
/// racket and real raco commands.
/// </summary>
public sealed class LocalInstallationTests : IAsyncLifetime
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
            Assert.True(_guest.Isolated, "Local guests are not isolated here: " + string.Join("\n", _warnings.Select(w => w.Message)));
            // CI runs as root on Linux with overlayfs; without it every test here would be vacuous.
            Assert.True(_guest.WritableInstallation, string.Join("\n", _warnings.Select(w => w.Message)));
            await _guest.StartAsync();
        }
        catch
        {
            _dir.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _guest.DisposeAsync();
        _dir.Dispose();
    }

    private static GuestRunOptions Slow => new() { Timeout = TimeSpan.FromMinutes(3) };

    [Fact]
    public async Task The_systems_racket_is_writable_in_each_session_and_pristine_in_the_next()
    {
        await _guest.UsePreinstalledRacketAsync("racket");
        var targets = _guest.Installation.Select(m => m.Target).ToList();
        Assert.Contains("/usr/share/racket", targets);
        Assert.Contains("/usr/lib/racket", targets); // Debian's compiled-file root
        var marker = $"pkgbuild-test-{Guid.NewGuid():N}";

        await using (var first = await _guest.OpenSessionAsync("writer"))
        {
            var wrote = await first.RunAsync(new GuestCommand("/bin/sh", "-c",
                $"id -u && echo x > /usr/share/racket/{marker} && mkdir /usr/lib/racket/compiled/{marker} && echo y >> /usr/share/racket/links.rktd && cat /usr/share/racket/{marker}"), Slow);
            Assert.True(wrote.Succeeded, wrote.Output);
            Assert.Equal(["65534", "x"], wrote.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.False(File.Exists($"/usr/share/racket/{marker}"));
        Assert.False(Directory.Exists($"/usr/lib/racket/compiled/{marker}"));
        Assert.DoesNotContain("\ny\n", File.ReadAllText("/usr/share/racket/links.rktd") + "\n");

        await using var second = await _guest.OpenSessionAsync("reader");
        var looked = await second.RunAsync(new GuestCommand("/bin/sh", "-c", $"test ! -e /usr/share/racket/{marker} && tail -c 2 /usr/share/racket/links.rktd | od -c | head -1"), Slow);
        Assert.True(looked.Succeeded, looked.Output);
        Assert.DoesNotContain("y", looked.Output);
        // Outside the installation the system stays read-only, the programs later steps run included.
        Assert.DoesNotContain("/usr/bin", targets);
        foreach (var path in new[] { "/usr/share/pkgbuild-test", "/usr/bin/pkgbuild-test" })
        {
            var elsewhere = await second.RunAsync(new GuestCommand("/bin/sh", "-c", $"touch {path} 2>&1; echo $?"), Slow);
            Assert.NotEqual("0", elsewhere.Output.Trim().Split('\n')[^1]);
        }
    }

    [Fact]
    public async Task Extra_packages_install_into_the_systems_racket_whose_documentation_directory_stays_read_only()
    {
        // raco setup renders the installation's documentation index into /usr/share/doc/racket after any -i
        // install; read-only in the sandbox, that made every extra-packages install exit 1 ("docs failure").
        await _guest.UsePreinstalledRacketAsync("racket");
        var name = $"lx-extra-{Guid.NewGuid().ToString("N")[..8]}";
        var site = await TestSite.ArchiveAsync(_dir.Combine("packages"), new TestPackage(name, "(provide answer) (define answer 42)"));
        var catalog = new Uri(await _guest.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/")), "catalog/");
        var docs = Directory.GetFileSystemEntries("/usr/share/doc/racket", "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        await _guest.InstallExtraPackagesAsync("raco", [name], catalog, "key-1");

        Assert.False(Directory.Exists($"/usr/share/racket/pkgs/{name}"));
        Assert.Equal(docs, Directory.GetFileSystemEntries("/usr/share/doc/racket", "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        await using var session = await _guest.OpenSessionAsync("user");
        var result = await session.RunAsync(new GuestCommand("/bin/sh", "-c", $"racket -l racket/base -l {name} -e '(displayln answer)' && raco pkg show -i {name} | grep -c {name}"), Slow);
        Assert.Equal(["42", "1"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_meta_package_installs_the_installations_shared_files_as_in_a_pkg_build_vm()
    {
        // A `(define collection 'multi)` package with only an info.rkt: `raco setup --pkgs P` then installs the
        // installation's shared files (slatex.sty...) into its share directory, which read-only made fail.
        await _guest.UsePreinstalledRacketAsync("racket");
        await using var session = await _guest.OpenSessionAsync("meta");
        Directory.CreateDirectory(Path.Combine(session.WorkDirectory, "pkgbuild-meta"));
        File.WriteAllText(Path.Combine(session.WorkDirectory, "pkgbuild-meta", "info.rkt"), "#lang info\n(define collection 'multi)\n(define deps '(\"base\"))\n");
        await LocalIsolation.GiveToGuestAsync(session.Root, CancellationToken.None);

        var installed = await session.RunAsync(new GuestCommand("raco", "pkg", "install", "-u", "--batch", "--auto", "./pkgbuild-meta"), Slow);
        Assert.True(installed.Succeeded, installed.Output);
        var setup = await session.RunAsync(new GuestCommand("raco", "setup", "-nxiID", "--check-pkg-deps", "--pkgs", "pkgbuild-meta"), Slow);

        Assert.True(setup.Succeeded, setup.Output);
        Assert.DoesNotContain("Read-only file system", setup.Output);
        // The shares went into the session's layer, not into this machine's installation.
        var upper = InstallationOverlay.Layers(Path.Combine(session.Root, InstallationOverlay.SessionDirectoryName),
            _guest.Installation.Select((m, i) => (m, i)).Single(x => x.m.Target == "/usr/share/racket").i).Upper;
        Assert.True(File.Exists(Path.Combine(upper, "info-cache.rktd")) || Directory.EnumerateFileSystemEntries(upper).Any(), setup.Output);
    }

    [Fact]
    public async Task An_installers_racket_is_writable_per_session_and_the_installed_tree_never_changes()
    {
        var installer = StandInInstaller.Write(_dir.Combine("stand-in-installer.sh"));
        var raco = await _guest.InstallRacketAsync(installer);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(raco))!;
        Assert.Equal([root], _guest.Installation.Select(m => m.Target));

        await using (var session = await _guest.OpenSessionAsync("writer"))
        {
            var wrote = await session.RunAsync(new GuestCommand("/bin/sh", "-c",
                $"echo 2 > {root}/share/links.rktd && mkdir {root}/share/pkgs/base/compiled && rm {root}/bin/raco && cat {root}/share/links.rktd"), Slow);
            Assert.True(wrote.Succeeded, wrote.Output);
            Assert.Equal("2", wrote.Output.Trim());
        }
        Assert.Equal("1\n", File.ReadAllText(Path.Combine(root, "share", "links.rktd")));
        Assert.True(File.Exists(raco));
        Assert.False(Directory.Exists(Path.Combine(root, "share", "pkgs", "base", "compiled")));

        await using var next = await _guest.OpenSessionAsync("reader");
        var looked = await next.RunAsync(new GuestCommand("/bin/sh", "-c", $"cat {root}/share/links.rktd && {raco}"), Slow);
        Assert.Equal(["1", "raco"], looked.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_work_directory_with_a_space_in_its_path_still_gets_a_writable_installation()
    {
        // The mount table escapes blanks; ':' and ',' are refused (overlay options cannot carry them).
        var spaced = new LocalGuestMachine(GuestSpec.Parse("spaced", new Dictionary<string, string>()), _dir.Combine("with space", "guests", "spaced"), _warnings.Add);
        await using (spaced)
        {
            await spaced.PreflightAsync();
            await spaced.UsePreinstalledRacketAsync("racket");
            Assert.NotEmpty(spaced.Installation);
            await using var session = await spaced.OpenSessionAsync("spaced");

            var wrote = await session.RunAsync(new GuestCommand("/bin/sh", "-c", "touch /usr/share/racket/pkgbuild-spaced && echo ok"), Slow);

            Assert.Equal("ok", wrote.Output.Trim());
            Assert.False(File.Exists("/usr/share/racket/pkgbuild-spaced"));
        }
    }

    [Fact]
    public async Task What_root_mounts_stays_roots_alone_on_this_machine()
    {
        // Root mounts the session's table before every command, and every session trusts the ownership layer:
        // a process of the sandbox user's outside a sandbox must not be able to change either.
        await _guest.UsePreinstalledRacketAsync("racket");
        await using var session = await _guest.OpenSessionAsync("owner");
        var overlay = Path.Combine(session.Root, InstallationOverlay.SessionDirectoryName);

        var nobody = await RunAsNobody($"cat {overlay}/fstab; ls {overlay}; ls {Path.GetDirectoryName(Path.GetDirectoryName(_guest.Installation[0].Lowers[0]))}");

        Assert.Contains("Permission denied", nobody);
        Assert.DoesNotContain("pkgbuild-racket", nobody);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, new DirectoryInfo(overlay).UnixFileMode);
    }

    [Fact]
    public async Task A_file_of_the_installation_changed_in_place_is_seen_as_it_is_now()
    {
        // The ownership layer holds metadata copies (sizes included): a change to the installation makes a new one.
        var raco = await _guest.InstallRacketAsync(StandInInstaller.Write(_dir.Combine("stand-in-installer.sh")));
        var links = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(raco))!, "share", "links.rktd");
        File.WriteAllText(links, "a longer content than before\n");

        await _guest.InstallRacketAsync(_dir.Combine("stand-in-installer.sh"));
        await using var session = await _guest.OpenSessionAsync("reader");
        var looked = await session.RunAsync(new GuestCommand("/bin/sh", "-c", $"wc -c < {links}; cat {links}"), Slow);

        Assert.Equal(["29", "a longer content than before"], looked.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
    }

    private static async Task<string> RunAsNobody(string script)
    {
        var result = await Pipeline.Processes.ChildProcess.RunAsync("setpriv", [$"--reuid={LocalIsolation.NobodyId}", $"--regid={LocalIsolation.NobodyId}", "--clear-groups", "--", "/bin/sh", "-c", script],
            new Pipeline.Processes.ChildProcessOptions { Timeout = TimeSpan.FromSeconds(30) });
        return result.Output;
    }

    [Fact]
    public async Task The_installations_layers_are_hidden_from_the_package()
    {
        await _guest.UsePreinstalledRacketAsync("racket");
        await using var session = await _guest.OpenSessionAsync("peek");
        var overlay = Path.Combine(session.Root, InstallationOverlay.SessionDirectoryName);
        var skeleton = _guest.Installation[0].Lowers[0];

        var looked = await session.RunAsync(new GuestCommand("/bin/sh", "-c", $"ls -A {overlay} | wc -l; ls -A {skeleton} 2>/dev/null | wc -l"), Slow);

        Assert.Equal(["0", "0"], looked.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
    }
}

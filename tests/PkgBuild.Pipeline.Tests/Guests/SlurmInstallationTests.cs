using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Tests.Execution;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;
using PkgBuild.Testing.Racket;
using PkgBuild.Testing.Slurm;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>
/// The installation as Slurm sessions see it, on a real cluster with the real Debian racket: extra packages
/// installed once into SharedDir for every node, and each session's writable layers on node-local storage.
/// </summary>
public sealed class SlurmInstallationTests(SlurmClusterFixture fixture) : IClassFixture<SlurmClusterFixture>, IDisposable
{
    private readonly TempDirectory _shared = new("pkgbuild-slurm-shared");
    private readonly TempDirectory _nodeLocal = new("pkgbuild-slurm-node-local");
    private readonly List<PkgBuildException> _warnings = [];

    private SlurmCluster Cluster => fixture.Cluster;

    public void Dispose()
    {
        _shared.Dispose();
        _nodeLocal.Dispose();
    }

    private static GuestRunOptions Slow => new() { Timeout = TimeSpan.FromMinutes(3) };

    private async Task<SlurmGuestMachine> StartedGuestAsync(params (string Key, string Value)[] metadata)
    {
        var items = new Dictionary<string, string> { ["Kind"] = "Slurm", ["SharedDir"] = _shared.Path, ["MemoryMb"] = "2048" };
        foreach (var (key, value) in metadata)
        {
            items[key] = value;
        }
        var guest = new SlurmGuestMachine(GuestSpec.Parse("cluster", items), _warnings.Add, Cluster.ClientEnvironment);
        try
        {
            await guest.PreflightAsync();
            // As root with overlayfs (CI): without a writable installation every test here would be vacuous.
            Assert.True(guest.WritableInstallation, string.Join("\n", _warnings.Select(w => w.Message)));
            await guest.StartAsync();
            await guest.UsePreinstalledRacketAsync("racket");
            return guest;
        }
        catch
        {
            await guest.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="command"/> in as many sessions at once as make both nodes needed (each session
    /// holds one CPU of its node, and each node has this machine's), and checks in sacct that they ran on both.
    /// </summary>
    private async Task<GuestRunResult[]> RunOnBothNodesAsync(SlurmGuestMachine guest, GuestCommand command)
    {
        var sessions = await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount + 1).Select(i => guest.OpenSessionAsync($"user-{i}")));
        GuestRunResult[] results;
        List<long> jobs;
        try
        {
            results = await Task.WhenAll(sessions.Select(s => s.RunAsync(command, Slow)));
            jobs = sessions.Select(s => ((SlurmGuestSession)s).Job!.Value).ToList();
        }
        finally
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
        var ids = jobs.Select(j => j.ToString()).ToHashSet();
        var done = await SlurmGuestTests.EventuallyAsync(() => Cluster.Completed().Where(j => ids.Contains(j.Id)).ToList(), l => l.Count == ids.Count);
        Assert.Equal(["n1", "n2"], done.Select(j => j.Nodes).Distinct().Order());
        return results;
    }

    [Fact]
    public async Task Racket_from_an_installer_is_installed_once_into_SharedDir_and_runs_on_both_nodes()
    {
        var installed = _shared.Combine("racket", RacketInstall.DirectoryName(MinimalRacket.Installer));
        var items = new Dictionary<string, string> { ["Kind"] = "Slurm", ["SharedDir"] = _shared.Path, ["MemoryMb"] = "2048" };
        DateTime marked;
        await using (var guest = new SlurmGuestMachine(GuestSpec.Parse("cluster", items), _warnings.Add, Cluster.ClientEnvironment))
        {
            await guest.PreflightAsync();
            await guest.StartAsync();
            var raco = await guest.InstallRacketAsync(MinimalRacket.Installer);
            Assert.Equal(Path.Combine(installed, "bin", "raco"), raco);
            marked = File.GetLastWriteTimeUtc(Path.Combine(installed, RacketInstall.CompleteMarker));

            // Each runs the installed racket, not the node's.
            var results = await RunOnBothNodesAsync(guest, new GuestCommand(Path.Combine(installed, "bin", "racket"), "-l", "racket/base", "-l", "setup/dirs", "-e",
                "(displayln (version)) (displayln (path->string (find-collects-dir)))"));
            Assert.All(results, r => Assert.True(r.Succeeded, r.Output));
            Assert.All(results, r => Assert.StartsWith(installed, r.Output.Split('\n')[1]));
        }

        // The next build's guest finds it installed.
        await using var again = new SlurmGuestMachine(GuestSpec.Parse("cluster", items), _warnings.Add, Cluster.ClientEnvironment);
        await again.PreflightAsync();
        await again.StartAsync();
        Assert.Equal(Path.Combine(installed, "bin", "raco"), await again.InstallRacketAsync(MinimalRacket.Installer));
        Assert.Equal(marked, File.GetLastWriteTimeUtc(Path.Combine(installed, RacketInstall.CompleteMarker)));
    }

    [Fact]
    public async Task Extra_packages_are_installed_once_into_SharedDir_and_seen_by_sessions_on_both_nodes()
    {
        var name = $"sx-extra-{Guid.NewGuid().ToString("N")[..8]}";
        var site = await TestSite.ArchiveAsync(_shared.Combine("packages"), new TestPackage(name, "(provide answer) (define answer 42)"));
        var catalog = new Uri(Path.Combine(site, "catalog") + "/");
        var extras = _shared.Combine("guests", "cluster", "extra-packages");

        await using (var guest = await StartedGuestAsync())
        {
            await guest.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/"));
            await guest.InstallExtraPackagesAsync("raco", [name], catalog, "key-1");
            Assert.Single(Directory.GetDirectories(extras)); // no staged copy left
            Assert.False(Directory.Exists($"/usr/share/racket/pkgs/{name}")); // the node's racket itself is untouched
            Assert.False(File.Exists("/usr/share/doc/racket/docindex.sqlite")); // nor its documentation directory, outside the installation's roots

            var results = await RunOnBothNodesAsync(guest, new GuestCommand("/bin/sh", "-c",
                $"racket -l racket/base -l {name} -e '(displayln answer)' && raco pkg show -i {name} | grep -c {name}"));
            Assert.All(results, r => Assert.Equal(["42", "1"], r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            Assert.Contains(Cluster.Completed(), j => j.Name == $"pkgbuild.{guest.BuildId}.extra-packages");
        }

        var layer = Directory.GetDirectories(extras).Single();
        var installed = File.GetLastWriteTimeUtc(Path.Combine(layer, "complete"));
        // What a build that died between its install and the rename left, and what one staging now has.
        var dead = Directory.CreateDirectory(layer + ".staged-dead0000").FullName;
        File.WriteAllText(Path.Combine(dead, "complete"), name + "\n");
        Directory.SetLastWriteTimeUtc(dead, DateTime.UtcNow - TimeSpan.FromHours(2));
        var live = Directory.CreateDirectory(layer + ".staged-live0000").FullName;
        await using var again = await StartedGuestAsync();
        await again.ShareSiteAsync(site, new Uri("http://127.0.0.1:9/"));
        await again.InstallExtraPackagesAsync("raco", [name], catalog, "key-1");
        await using var session = await again.OpenSessionAsync("user-again");
        var result = await session.RunAsync(new GuestCommand("racket", "-l", "racket/base", "-l", name, "-e", "(displayln answer)"), Slow);
        Assert.Equal("42", result.Output.Trim());
        Assert.DoesNotContain(Cluster.Completed(), j => j.Name == $"pkgbuild.{again.BuildId}.extra-packages"); // no second install job
        Assert.Equal(installed, File.GetLastWriteTimeUtc(Path.Combine(layer, "complete")));
        Assert.Equal([layer, live], Directory.GetDirectories(extras).Order(StringComparer.Ordinal)); // the dead build's staged layer is gone
    }

    [Fact]
    public async Task With_NodeLocalDir_a_sessions_writable_layers_live_on_the_node_and_go_with_the_session()
    {
        // What a session whose job was cancelled left: removed at the next session's end on the node once older than a job may run.
        var stale = Directory.CreateDirectory(_nodeLocal.Combine(InstallationOverlay.NodeLayersPrefix + "stale")).FullName;
        Directory.SetLastWriteTimeUtc(stale, DateTime.UtcNow - TimeSpan.FromDays(3));
        var recent = Directory.CreateDirectory(_nodeLocal.Combine(InstallationOverlay.NodeLayersPrefix + "recent")).FullName;
        var unrelated = Directory.CreateDirectory(_nodeLocal.Combine("someone-elses")).FullName;
        Directory.SetLastWriteTimeUtc(unrelated, DateTime.UtcNow - TimeSpan.FromDays(3));

        await using var guest = await StartedGuestAsync(("NodeLocalDir", _nodeLocal.Path));
        var marker = $"pkgbuild-test-{Guid.NewGuid():N}";
        await using (var session = (SlurmGuestSession)await guest.OpenSessionAsync("writer"))
        {
            Assert.NotNull(session.NodeLayers);
            Assert.StartsWith(_nodeLocal.Path + "/", session.NodeLayers);
            var wrote = await session.RunAsync(new GuestCommand("/bin/sh", "-c", $"echo x > /usr/share/racket/{marker} && cat /usr/share/racket/{marker}"), Slow);
            Assert.Equal("x", wrote.Output.Trim());

            // The write is in an upper layer in NodeLocalDir (the nodes are this machine), none in the session in SharedDir.
            var uppers = Directory.GetDirectories(session.NodeLayers, "upper", SearchOption.AllDirectories);
            Assert.Single(uppers, u => File.Exists(Path.Combine(u, marker)));
            Assert.Empty(Directory.GetDirectories(Path.Combine(session.Root, InstallationOverlay.SessionDirectoryName), "upper", SearchOption.AllDirectories));
            Assert.False(File.Exists($"/usr/share/racket/{marker}"));

            var again = await session.RunAsync(new GuestCommand("cat", $"/usr/share/racket/{marker}"), Slow);
            Assert.Equal("x", again.Output.Trim()); // kept across the session's commands
        }
        Assert.Equal([recent, unrelated], Directory.GetDirectories(_nodeLocal.Path).Order(StringComparer.Ordinal));

        await using var next = await guest.OpenSessionAsync("reader");
        var looked = await next.RunAsync(new GuestCommand("/bin/sh", "-c", $"test ! -e /usr/share/racket/{marker} && echo pristine"), Slow);
        Assert.Equal("pristine", looked.Output.Trim());
    }

    [Fact]
    public async Task A_NodeLocalDir_the_nodes_cannot_write_is_PKB0646()
    {
        var missing = _nodeLocal.Combine("missing");
        await using var guest = new SlurmGuestMachine(GuestSpec.Parse("cluster", new Dictionary<string, string>
        {
            ["Kind"] = "Slurm", ["SharedDir"] = _shared.Path, ["NodeLocalDir"] = missing,
        }), _warnings.Add, Cluster.ClientEnvironment);
        var error = await Assert.ThrowsAsync<GuestException>(() => guest.PreflightAsync());
        Assert.Equal(ErrorCodes.SlurmNodeLocalDirUnusable, error.Code);
        Assert.Contains(missing, error.Message);
        Assert.Contains("n1", error.Message);
    }

    [Theory]
    [InlineData("relative/dir", "absolute")]
    [InlineData("/scratch/a:b", "absolute")]
    [InlineData("/shared/layers", "apart from SharedDir")]
    [InlineData("/shared", "apart from SharedDir")]
    [InlineData("/", "absolute")]
    public void NodeLocalDir_is_an_absolute_path_apart_from_SharedDir(string value, string expected)
    {
        var error = Assert.Throws<GuestException>(() => GuestSpec.Parse("g", new Dictionary<string, string> { ["Kind"] = "Slurm", ["SharedDir"] = "/shared", ["NodeLocalDir"] = value }));
        Assert.Equal(ErrorCodes.GuestInvalid, error.Code);
        Assert.Contains(expected, error.Message);
        Assert.Equal("/tmp", GuestSpec.Parse("g", new Dictionary<string, string> { ["Kind"] = "Slurm", ["SharedDir"] = "/shared", ["NodeLocalDir"] = "/tmp" }).NodeLocalDir);
    }
}

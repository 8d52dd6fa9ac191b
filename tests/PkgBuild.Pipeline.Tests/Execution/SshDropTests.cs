using System.Globalization;
using System.Net;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Site;
using PkgBuild.Pipeline.State;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Testing;
using PkgBuild.Testing.Ssh;
using Xunit;

namespace PkgBuild.Pipeline.Tests.Execution;

/// <summary>
/// A guest whose SSH connection drops in the middle of a package (the real sshd's connections killed while
/// the package's tests run): that package is an infrastructure failure, retried once the guest is reached
/// again, or, with no retries left, reported apart and never journaled; the packages after it are built.
/// </summary>
public sealed class SshDropTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly SshServer _server = SshServer.Start();
    private readonly GuestDirectories _guestDirs = new();

    public void Dispose()
    {
        _guestDirs.Dispose();
        _server.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(1, PackageOutcome.Success)]
    [InlineData(0, PackageOutcome.InfrastructureFailure)]
    public async Task A_connection_dropped_mid_package_is_an_infrastructure_failure_retried_and_the_run_goes_on(int retries, PackageOutcome expected)
    {
        var site = await TestSite.ArchiveAsync(_dir.Path,
            new TestPackage("slow", "(module+ test (sleep 6))"),
            new TestPackage("after", "(module+ test (void))"));
        using var server = SiteServer.Start(site, IPAddress.Loopback, 0);
        var spec = GuestSpec.Parse("ssh", new Dictionary<string, string>
        {
            ["Kind"] = "Ssh", ["Host"] = _server.Host, ["Port"] = _server.Port.ToString(CultureInfo.InvariantCulture), ["User"] = _server.User,
            ["IdentityFile"] = _server.ClientKeyPath, ["KnownHostsFile"] = _server.KnownHostsPath, ["Dir"] = _guestDirs.Next(),
        });
        await using var guest = new SshGuestMachine(spec);
        await guest.StartAsync();
        var settings = TestRunSettings.Base with
        {
            Results = new ResultsLayout(_dir.Combine($"results-{retries}")),
            StateDirectory = _dir.Combine($"runs-{retries}"),
            SiteDirectory = site,
            RacketIdentity = "test",
            InfrastructureRetries = retries,
        };
        var run = new PkgBuildRun(settings, [new RunGuest(guest, await guest.ShareSiteAsync(site, server.Url), "raco")], _ => { });

        var running = run.RunAsync(new RunSelection { Scope = RunScope.All }, CancellationToken.None);
        // Drop every connection once slow's tests are under way.
        var testLog = Path.Combine(settings.Results.Root, "logs", "slow", "test.txt.partial");
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(testLog) && !running.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.True(File.Exists(testLog), "slow's tests never started");
        await Task.Delay(1500);
        _server.KillConnections();
        var summary = await running;

        var slow = summary.Results.Single(r => r.Package == "slow");
        Assert.Equal(expected, slow.Outcome);
        Assert.Equal(PackageOutcome.Success, summary.Results.Single(r => r.Package == "after").Outcome);
        using var journal = RunJournal.Open(settings.StateDirectory);
        Assert.Equal(expected != PackageOutcome.InfrastructureFailure, journal.Entries.ContainsKey("slow")); // infrastructure is never journaled
        if (expected == PackageOutcome.InfrastructureFailure)
        {
            Assert.StartsWith("PKB0611", slow.Message);
        }
    }
}

using System.Text;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Guests;

public sealed class KnownHostsTests
{
    private static byte[] Blob(string type, byte fill)
    {
        var name = Encoding.ASCII.GetBytes(type);
        return [0, 0, 0, (byte)name.Length, .. name, 0, 0, 0, 4, fill, fill, fill, fill];
    }

    [Fact]
    public void The_key_type_comes_from_the_blob_not_from_the_signature_algorithm()
    {
        // SSH.NET calls an RSA host key rsa-sha2-512; known_hosts calls it ssh-rsa, as the blob does.
        Assert.Equal("ssh-rsa", KnownHosts.KeyType(Blob("ssh-rsa", 1)));
        Assert.Null(KnownHosts.KeyType([0, 0]));
    }

    [Fact]
    public void A_host_on_record_with_any_other_key_is_a_change_never_an_unknown()
    {
        using var dir = new TempDirectory();
        var rsa = Blob("ssh-rsa", 1);
        File.WriteAllText(dir.Combine("known_hosts"),
            $"# comment\n[guest.example]:2222 ssh-ed25519 {Convert.ToBase64String(Blob("ssh-ed25519", 2))}\n*.other,!bad.other ssh-rsa {Convert.ToBase64String(rsa)}\n");
        var known = KnownHosts.Load(dir.Combine("known_hosts"));

        Assert.Equal(HostKeyVerdict.Changed, known.Check("guest.example", 2222, "ssh-rsa", rsa));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("guest.example", 22, "ssh-rsa", rsa));
        Assert.Equal(HostKeyVerdict.Trusted, known.Check("a.other", 22, "ssh-rsa", rsa));
        Assert.Equal(HostKeyVerdict.Unknown, known.Check("bad.other", 22, "ssh-rsa", rsa));
        Assert.Equal(HostKeyVerdict.Changed, known.Check("a.other", 22, "ssh-rsa", Blob("ssh-rsa", 3)));
    }

    [Fact]
    public async Task Every_guest_failure_is_reported_even_an_unexpected_one_and_cancellation_is_not_success()
    {
        var broken = new FailingGuest("broken", new InvalidOperationException("surprise"));
        var refused = new FailingGuest("refused", new GuestException(ErrorCodes.GuestConnectionRefused, "refused"));

        var failures = await GuestPool.PreflightAsync([broken, refused]);

        Assert.Equal([ErrorCodes.GuestNotReady, ErrorCodes.GuestConnectionRefused], failures.Select(f => f.Code));
        Assert.Contains("PkgBuildGuest 'broken': InvalidOperationException: surprise", failures[0].Message);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GuestPool.PreflightAsync([new FailingGuest("cancelled", new OperationCanceledException())]));
    }

    /// <summary>A guest whose preflight fails as told: only to test how failures are gathered.</summary>
    private sealed class FailingGuest(string name, Exception failure) : IGuestMachine
    {
        public GuestSpec Spec { get; } = GuestSpec.Parse(name, new Dictionary<string, string>());

        public Task PreflightAsync(CancellationToken cancellationToken = default) => Task.FromException(failure);

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

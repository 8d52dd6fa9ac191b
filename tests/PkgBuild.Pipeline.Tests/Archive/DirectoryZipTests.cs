using System.IO.Compression;
using PkgBuild.Pipeline.Archive;
using PkgBuild.Testing;
using Xunit;

namespace PkgBuild.Pipeline.Tests.Archive;

/// <summary>A package directory as a zip: by content only, without compiled/ and .git, refusing what is not a plain file.</summary>
public sealed class DirectoryZipTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Package()
    {
        var package = _dir.Combine("pkg");
        Directory.CreateDirectory(Path.Combine(package, "compiled"));
        Directory.CreateDirectory(Path.Combine(package, ".git"));
        Directory.CreateDirectory(Path.Combine(package, "private"));
        File.WriteAllText(Path.Combine(package, "info.rkt"), "#lang info\n");
        File.WriteAllText(Path.Combine(package, "private", "x.rkt"), "#lang racket/base\n");
        File.WriteAllText(Path.Combine(package, "compiled", "x_rkt.zo"), "stale");
        File.WriteAllText(Path.Combine(package, ".git", "HEAD"), "ref");
        return package;
    }

    [Fact]
    public void The_zip_depends_only_on_content_and_leaves_out_compiled_and_git()
    {
        var package = Package();
        DirectoryZip.Create(package, _dir.Combine("a.zip"));
        var before = DirectoryZip.Fingerprint(package);
        File.SetLastWriteTimeUtc(Path.Combine(package, "info.rkt"), DateTime.UtcNow.AddDays(-3)); // touched, not changed

        DirectoryZip.Create(package, _dir.Combine("b.zip"));

        Assert.Equal(File.ReadAllBytes(_dir.Combine("a.zip")), File.ReadAllBytes(_dir.Combine("b.zip")));
        Assert.Equal(before, DirectoryZip.Fingerprint(package));
        using var zip = ZipFile.OpenRead(_dir.Combine("a.zip"));
        Assert.Equal(["info.rkt", "private/x.rkt"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));

        File.AppendAllText(Path.Combine(package, "private", "x.rkt"), "(define x 1)\n");
        Assert.NotEqual(before, DirectoryZip.Fingerprint(package));
    }

    [Fact]
    public void A_link_is_refused_rather_than_followed()
    {
        var package = Package();
        File.CreateSymbolicLink(Path.Combine(package, "keys"), "/etc/ssh");

        var error = Assert.Throws<IOException>(() => DirectoryZip.Create(package, _dir.Combine("a.zip")));
        Assert.Contains("symbolic link", error.Message);
    }

    [Fact]
    public async Task A_fifo_is_refused_at_once_instead_of_blocking_the_archive()
    {
        var package = Package();
        var made = ProcessRunner.Run("mkfifo", [Path.Combine(package, "pipe")]);
        Assert.Equal(0, made.ExitCode);

        var fingerprint = Task.Run(() => DirectoryZip.Fingerprint(package));
        Assert.True(await Task.WhenAny(fingerprint, Task.Delay(TimeSpan.FromSeconds(20))) == fingerprint, "reading the package directory blocked on a FIFO");
        var error = await Assert.ThrowsAsync<IOException>(() => fingerprint);
        Assert.Contains("not a regular file", error.Message);
    }
}

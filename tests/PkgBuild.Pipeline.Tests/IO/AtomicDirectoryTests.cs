using PkgBuild.Pipeline.IO;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.IO;

public sealed class AtomicDirectoryTests
{
    [Fact]
    public void Replaces_the_directory_with_what_fill_wrote()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("catalog");
        Directory.CreateDirectory(Path.Combine(target, "pkg"));
        File.WriteAllText(Path.Combine(target, "pkg", "stale"), "old");

        AtomicDirectory.Replace(target, staging =>
        {
            Directory.CreateDirectory(Path.Combine(staging, "pkg"));
            File.WriteAllText(Path.Combine(staging, "pkg", "fresh"), "new");
        });

        Assert.Equal([Path.Combine(target, "pkg", "fresh")], Directory.GetFiles(target, "*", SearchOption.AllDirectories));
        Assert.Equal([target], Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public void A_failed_fill_keeps_the_previous_good_copy_and_leaves_nothing_behind()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("catalog");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "pkgs"), "(\"good\")");

        Assert.Throws<IOException>(() => AtomicDirectory.Replace(target, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "pkgs"), "(\"half");
            throw new IOException("connection reset");
        }));

        Assert.Equal("(\"good\")", File.ReadAllText(Path.Combine(target, "pkgs")));
        Assert.Equal([target], Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public void Creates_the_directory_when_there_was_none()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("work", "site");

        AtomicDirectory.Replace(target, staging => File.WriteAllText(Path.Combine(staging, "index.html"), "x"));

        Assert.True(File.Exists(Path.Combine(target, "index.html")));
    }
}

using PkgBuild.Pipeline.IO;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.IO;

public sealed class AtomicFileTests
{
    [Fact]
    public void Writes_the_whole_content_and_leaves_no_temporary_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("sub", "pkgs");

        AtomicFile.WriteAllText(path, "(\"a\" \"λ\")");

        Assert.Equal("(\"a\" \"λ\")", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Combine("sub")));
    }

    [Fact]
    public void A_writer_that_fails_leaves_the_previous_content_and_no_temporary_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("pkgs");
        File.WriteAllText(path, "old");

        var error = Assert.Throws<InvalidDataException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new, half"u8);
            throw new InvalidDataException("catalog entry is malformed");
        }));

        Assert.Equal("catalog entry is malformed", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Writes_no_byte_order_mark()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("pkg");

        AtomicFile.WriteAllText(path, "#hash()");

        Assert.Equal("#hash()"u8.ToArray(), File.ReadAllBytes(path));
    }
}

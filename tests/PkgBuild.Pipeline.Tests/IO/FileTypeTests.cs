using System.Diagnostics;
using PkgBuild.Pipeline.IO;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.IO;

/// <summary>statx tells plain files from FIFOs, sockets, devices, directories and links, which .NET's file APIs do not.</summary>
public sealed class FileTypeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Only_a_plain_file_is_a_regular_file()
    {
        Assert.True(FileType.Available); // Linux with glibc: this machine and CI
        var file = _dir.Combine("file");
        File.WriteAllText(file, "x");
        var fifo = _dir.Combine("fifo");
        Process.Start("mkfifo", [fifo]).WaitForExit();
        File.CreateSymbolicLink(_dir.Combine("link"), file);

        Assert.True(FileType.IsRegularFile(file));
        Assert.False(FileType.IsRegularFile(fifo));
        Assert.False(FileType.IsRegularFile(_dir.Combine("link"))); // not followed
        Assert.False(FileType.IsRegularFile(_dir.Path));
        Assert.False(FileType.IsRegularFile("/dev/null"));
        Assert.Throws<IOException>(() => FileType.IsRegularFile(_dir.Combine("absent")));
    }
}

using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace PkgBuild.Pipeline.Archive;

/// <summary>
/// A package directory (a local directory source) as a zip that depends only on its content: entries in
/// ordinal order with one fixed time stamp, so an unchanged directory gives the same bytes, the same
/// SHA-1 and so the same package key. Left out: <c>compiled/</c> (built by some other Racket, as
/// <c>raco pkg create</c> leaves it out of source packages) and <c>.git</c>. A symbolic link is refused
/// rather than followed: it could point anywhere on this machine.
/// </summary>
public static class DirectoryZip
{
    private static readonly DateTimeOffset Stamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The files that go in the zip, relative with '/' separators; throws for a link, or for anything that is
    /// neither a plain file nor a directory (a FIFO, whose reading would wait forever, a socket, a device).
    /// </summary>
    public static IReadOnlyList<string> Files(string directory)
    {
        var askFind = OperatingSystem.IsLinux() && !IO.FileType.Available;
        if (askFind && SpecialFile(directory) is { } special)
        {
            throw NotPlain(special);
        }
        var files = new List<string>();
        var pending = new Stack<string>([directory]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            foreach (var entry in new DirectoryInfo(current).EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget != null)
                {
                    throw new IOException($"{entry.FullName} is a symbolic link; a package directory is archived only with plain files and directories");
                }
                if (entry is DirectoryInfo sub)
                {
                    if (sub.Name is not ("compiled" or ".git"))
                    {
                        pending.Push(sub.FullName);
                    }
                }
                else
                {
                    if (IO.FileType.IsRegularFile(entry.FullName) == false)
                    {
                        throw NotPlain(entry.FullName);
                    }
                    files.Add(Path.GetRelativePath(directory, entry.FullName).Replace(Path.DirectorySeparatorChar, '/'));
                }
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static IOException NotPlain(string path) =>
        new($"{path} is not a regular file (a FIFO, socket or device); a package directory is archived only with plain files and directories");

    /// <summary>What the zip would hold, as a SHA-256: names and contents.</summary>
    public static string Fingerprint(string directory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Files(directory))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\0"));
            using var stream = File.OpenRead(Path.Combine(directory, file));
            hash.AppendData(SHA256.HashData(stream));
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>
    /// Where statx cannot be asked: the first entry that is neither a regular file nor a directory, or null,
    /// as find(1) sees it.
    /// </summary>
    private static string? SpecialFile(string directory)
    {
        var info = new System.Diagnostics.ProcessStartInfo("find") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.GetFullPath(directory), "(", "-name", "compiled", "-o", "-name", ".git", ")", "-prune", "-o", "!", "-type", "f", "!", "-type", "d", "!", "-type", "l", "-print", "-quit" })
        {
            info.ArgumentList.Add(argument);
        }
        using var find = System.Diagnostics.Process.Start(info) ?? throw new IOException("find did not start");
        var first = find.StandardOutput.ReadLine();
        find.WaitForExit();
        return string.IsNullOrEmpty(first) ? null : first;
    }

    public static void Create(string directory, string zip)
    {
        using var stream = File.Create(zip);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var file in Files(directory))
        {
            var entry = archive.CreateEntry(file, CompressionLevel.Optimal);
            entry.LastWriteTime = Stamp;
            using var input = File.OpenRead(Path.Combine(directory, file));
            using var output = entry.Open();
            input.CopyTo(output);
        }
    }
}

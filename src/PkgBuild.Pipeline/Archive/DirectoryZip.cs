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
    /// The files that go in the zip, relative with '/' separators; throws for a link or a special file
    /// (unless <paramref name="specialFilesChecked"/>: <see cref="CheckNoSpecialFiles"/> already looked).
    /// </summary>
    public static IReadOnlyList<string> Files(string directory, bool specialFilesChecked = false)
    {
        if (!specialFilesChecked)
        {
            CheckNoSpecialFiles([directory]);
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
                    files.Add(Path.GetRelativePath(directory, entry.FullName).Replace(Path.DirectorySeparatorChar, '/'));
                }
            }
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>What the zip would hold, as a SHA-256: names and contents.</summary>
    public static string Fingerprint(string directory, bool specialFilesChecked = false)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Files(directory, specialFilesChecked))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(file + "\0"));
            using var stream = File.OpenRead(Path.Combine(directory, file));
            hash.AppendData(SHA256.HashData(stream));
        }
        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>
    /// Throws for the first entry of <paramref name="directories"/> that is neither a regular file nor a
    /// directory (a FIFO, whose reading would wait forever, a socket, a device). .NET does not tell these
    /// from files, so find(1) is asked, once for all the directories (a process costs more than the walk).
    /// </summary>
    public static void CheckNoSpecialFiles(IReadOnlyCollection<string> directories)
    {
        if (OperatingSystem.IsLinux() && directories.Count > 0 && SpecialFile(directories) is { } special)
        {
            throw new IOException($"{special} is not a regular file (a FIFO, socket or device); a package directory is archived only with plain files and directories");
        }
    }

    private static string? SpecialFile(IEnumerable<string> directories)
    {
        var info = new System.Diagnostics.ProcessStartInfo("find") { RedirectStandardOutput = true, UseShellExecute = false };
        // "--" is not find's: a start point beginning with '-' would be taken for an option, so every one is absolute.
        foreach (var argument in directories.Select(Path.GetFullPath).Concat(["(", "-name", "compiled", "-o", "-name", ".git", ")", "-prune", "-o", "!", "-type", "f", "!", "-type", "d", "!", "-type", "l", "-print", "-quit"]))
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

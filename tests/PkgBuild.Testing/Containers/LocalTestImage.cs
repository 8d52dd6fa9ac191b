using System.Diagnostics;

namespace PkgBuild.Testing.Containers;

/// <summary>
/// A real container image, built locally for the tests because no registry is reachable here: a root file
/// system of this machine's own <c>/bin/sh</c> and coreutils plus the shared libraries <c>ldd</c> names for
/// them, imported with <c>tar -C root -c . | podman import - localhost/pkgbuild-test-…:test</c> into a podman
/// store in a temp directory. The real podman runs it; it is not a stand-in. Disposing removes every
/// container and the image, then the store.
/// </summary>
public sealed class LocalTestImage : IDisposable
{
    /// <summary>What the image holds: a shell and the commands the tests run (env for the guest's <c>env -i</c>, sleep for its keep-alive, mkdir and cp for a guest that copies an installed Racket, ln and mv for a guest racing the copy out).</summary>
    public static IReadOnlyList<string> Programs { get; } =
        ["sh", "env", "cat", "printf", "echo", "sleep", "id", "ls", "ln", "tr", "head", "tail", "dd", "mkdir", "touch", "rm", "cp", "mv"];

    private readonly TempDirectory _dir;
    private readonly Dictionary<string, string?> _environment;

    private LocalTestImage(TempDirectory dir, string name, IReadOnlyDictionary<string, string?> environment)
    {
        _dir = dir;
        Name = name;
        _environment = environment.Where(e => e.Value != null).ToDictionary(e => e.Key, e => e.Value);
    }

    /// <summary>The image's full name (<c>localhost/…:test</c>: a name with its registry is looked up without podman's short-name alias file).</summary>
    public string Name { get; }

    public string StorageDirectory => _dir.Combine("storage");

    /// <summary>How long making the root file system and importing it took.</summary>
    public TimeSpan BuildTime { get; private set; }

    /// <param name="configure">
    /// Writes podman's configuration into the config directory (first argument) for a store in the storage
    /// directory (second) and returns the environment to run podman with: pass the SDK's own, so that the
    /// image lands in the store the guests under test use.
    /// </param>
    public static LocalTestImage Build(Func<string, string, IReadOnlyDictionary<string, string?>> configure)
    {
        var clock = Stopwatch.StartNew();
        var dir = new TempDirectory("pkgbuild-image");
        try
        {
            var environment = configure(dir.Combine("config"), dir.Combine("storage"));
            var image = new LocalTestImage(dir, $"localhost/pkgbuild-test-{Guid.NewGuid().ToString("N")[..8]}:test", environment);
            var root = dir.Combine("root");
            MakeRoot(root);
            var imported = ProcessRunner.Run("/bin/sh", ["-c", "tar -C \"$1\" -c . | podman import -q - \"$2\"", "sh", root, image.Name],
                dir.Path, image._environment, TimeSpan.FromSeconds(60));
            if (imported.ExitCode != 0)
            {
                throw new InvalidOperationException($"podman import failed:\n{imported.Output}");
            }
            Directory.Delete(root, recursive: true);
            image.BuildTime = clock.Elapsed;
            return image;
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Runs the real podman with the store's configuration.</summary>
    public ProcessResult Podman(params string[] arguments) =>
        ProcessRunner.Run("podman", arguments, _dir.Path, _environment, TimeSpan.FromSeconds(60));

    /// <summary>The names of every container in the store, running or not.</summary>
    public IReadOnlyList<string> Containers()
    {
        var listed = Podman("ps", "-a", "--format", "{{.Names}}");
        if (listed.ExitCode != 0)
        {
            throw new InvalidOperationException($"podman ps failed:\n{listed.Output}");
        }
        return listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public void Dispose()
    {
        Podman("rm", "-a", "-f");
        Podman("rmi", "-a", "-f");
        // podman keeps graphroot/overlay bind-mounted on itself while a layer is in use; after the removals
        // its last command unmounts it. Anything still mounted (a failed removal) is unmounted here, or
        // deleting the store would fail half way.
        foreach (var mount in MountsUnder(_dir.Path).Reverse())
        {
            ProcessRunner.Run("umount", ["-l", mount], timeout: TimeSpan.FromSeconds(30));
        }
        _dir.Dispose();
    }

    private static void MakeRoot(string root)
    {
        foreach (var directory in new[] { "bin", "etc", "proc", "sys", "dev", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(root, directory));
        }
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Path.Combine(root, "tmp"), (UnixFileMode)0x1FF /* rwxrwxrwx */ | UnixFileMode.StickyBit);
        }
        var libraries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var program in Programs)
        {
            var source = RealPath(new[] { "/usr/bin", "/bin" }.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"{program} is not on this machine."));
            File.Copy(source, Path.Combine(root, "bin", program));
            libraries.UnionWith(SharedLibraries(source));
        }
        foreach (var library in libraries)
        {
            var target = root + library; // the same absolute path inside the image: the loader looks there
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(RealPath(library), target, overwrite: true);
        }
    }

    /// <summary>The absolute paths <c>ldd</c> prints: <c>libc.so.6 =&gt; /lib/…/libc.so.6 (0x…)</c> and the loader <c>/lib64/ld-linux….so.2 (0x…)</c>.</summary>
    private static IEnumerable<string> SharedLibraries(string program)
    {
        var ldd = ProcessRunner.Run("ldd", [program], timeout: TimeSpan.FromSeconds(30));
        foreach (var line in ldd.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var path = line.Contains("=>", StringComparison.Ordinal) ? line[(line.IndexOf("=>", StringComparison.Ordinal) + 2)..].Trim() : line;
            path = path.Split(' ')[0];
            if (path.StartsWith('/'))
            {
                yield return path;
            }
        }
    }

    private static string RealPath(string path) => File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;

    private static IEnumerable<string> MountsUnder(string directory) =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(directory + "/", StringComparison.Ordinal));
}

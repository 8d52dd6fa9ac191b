namespace PkgBuild.Testing.Ssh;

/// <summary>
/// A machine-wide lock between test processes (test assemblies run in parallel, each in its own
/// process), held as an exclusive flock on a file under the temp folder.
/// </summary>
internal static class MachineLock
{
    public static IDisposable Acquire(string name, TimeSpan? timeout = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pkgbuild-{name}.lock");
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                // On Unix, FileShare.None takes a non-blocking exclusive flock; a holder makes this throw.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }
}

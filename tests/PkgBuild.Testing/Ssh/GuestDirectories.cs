namespace PkgBuild.Testing.Ssh;

/// <summary>
/// Work directories for SSH guests on this machine: made by the test user on the guest side (so not inside
/// a root-owned temp directory), removed when disposed as the tests' own leftovers.
/// </summary>
public sealed class GuestDirectories : IDisposable
{
    private readonly List<string> _made = [];

    /// <summary>A new, not yet existing path for a guest's <c>Dir</c>.</summary>
    public string Next()
    {
        var dir = $"/tmp/pkgbuild-guest-{Guid.NewGuid():N}";
        lock (_made)
        {
            _made.Add(dir);
        }
        return dir;
    }

    public void Dispose()
    {
        lock (_made)
        {
            foreach (var dir in _made.Where(Directory.Exists))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}

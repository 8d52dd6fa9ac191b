namespace PkgBuild.Testing;

/// <summary>A directory under the system temp folder that is deleted when disposed.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "pkgbuild-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public override string ToString() => Path;
}

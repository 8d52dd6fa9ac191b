namespace PkgBuild.Testing;

/// <summary>Finds the checkout the tests run from, so fixtures can reach sdk/, samples/ and global.json.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string Sdk => Path.Combine(Root, "sdk");

    public static string Samples => Path.Combine(Root, "samples");

    /// <summary>tests/&lt;project&gt;/TestData: data files kept in the repository, read in place.</summary>
    public static string TestData(string project) => Path.Combine(Root, "tests", project, "TestData");

    public static string GlobalJson => Path.Combine(Root, "global.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PkgBuild.Sdk.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No PkgBuild.Sdk.sln above {AppContext.BaseDirectory}.");
    }
}

namespace PkgBuild.Testing.Git;

/// <summary>A work-tree repository a test writes files into and commits, with a fixed identity.</summary>
public sealed class GitRepository
{
    private GitRepository(string path) => Path = path;

    public string Path { get; }

    public static GitRepository Init(string path)
    {
        Directory.CreateDirectory(path);
        var repo = new GitRepository(path);
        repo.Git("init", "-q", "-b", "master");
        return repo;
    }

    public void WriteFile(string relativePath, string contents)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, contents);
    }

    /// <summary>Commits everything and returns the full commit id.</summary>
    public string Commit(string message)
    {
        Git("add", "-A");
        Git("commit", "-q", "--allow-empty", "-m", message);
        return Head();
    }

    public string Head() => Git("rev-parse", "HEAD").Trim();

    public string Git(params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["GIT_AUTHOR_NAME"] = "PkgBuild Test",
            ["GIT_AUTHOR_EMAIL"] = "test@pkgbuild.invalid",
            ["GIT_COMMITTER_NAME"] = "PkgBuild Test",
            ["GIT_COMMITTER_EMAIL"] = "test@pkgbuild.invalid",
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["HOME"] = Path,
        };
        var result = ProcessRunner.Run("git", arguments, Path, environment, TimeSpan.FromMinutes(1));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {Path}:\n{result.Output}");
        }
        return result.Output;
    }
}

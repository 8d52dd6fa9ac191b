namespace PkgBuild.Pipeline.Git;

/// <summary>The environment every git command here runs with.</summary>
internal static class GitEnvironment
{
    /// <summary>Never wait on a password prompt: a private repository is an error, not a hang.</summary>
    public static IReadOnlyDictionary<string, string?> NoPrompt { get; } =
        new Dictionary<string, string?> { ["GIT_TERMINAL_PROMPT"] = "0", ["GIT_ASKPASS"] = "true" };
}

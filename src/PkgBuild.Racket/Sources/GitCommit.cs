namespace PkgBuild.Racket.Sources;

/// <summary>Git commit ids as Racket compares them with a git package's checksum: 40 lower-case hex digits.</summary>
public static class GitCommit
{
    public static bool IsFull(string text) =>
        text.Length == 40 && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}

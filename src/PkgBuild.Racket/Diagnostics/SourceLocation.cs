namespace PkgBuild.Racket.Diagnostics;

/// <summary>
/// Where something is in a text file: a 1-based line and column (columns count UTF-16 code units,
/// as MSBuild and editors do) and the 0-based character offset. <see cref="File"/> may be a path or a URL.
/// </summary>
public readonly record struct SourceLocation(string? File, int Line, int Column, long Offset)
{
    public static SourceLocation None => default;

    /// <summary>A file or URL with no position in it (the problem is the whole resource).</summary>
    public static SourceLocation InFile(string file) => new(file, 0, 0, 0);

    public bool IsKnown => Line > 0;

    public override string ToString() =>
        !IsKnown ? File ?? "" : $"{File ?? "<input>"}:{Line}:{Column}";
}

namespace PkgBuild.Pipeline.Archive;

/// <summary>What archiving one package came to: its zip and checksum, or why not (with the log).</summary>
public sealed record ArchiveOutcome(string Package, string? Zip, string? Checksum, string? Failure, bool Reused)
{
    public bool Succeeded => Failure == null;
}

namespace PkgBuild.Pipeline.Archive;

/// <summary>
/// What archiving one package came to: its zip and checksum, or why not (with the log). <see cref="Refused"/>
/// is set when the source was never fetched because a remote catalog named a host of this machine.
/// </summary>
public sealed record ArchiveOutcome(string Package, string? Zip, string? Checksum, string? Failure, bool Reused, SourceHostRefusal? Refused = null)
{
    public bool Succeeded => Failure == null;
}

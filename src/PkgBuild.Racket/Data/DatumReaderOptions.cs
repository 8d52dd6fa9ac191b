namespace PkgBuild.Racket.Data;

/// <summary>Limits for reading untrusted data.</summary>
public sealed record DatumReaderOptions
{
    public static readonly DatumReaderOptions Default = new();

    /// <summary>
    /// The deepest nesting of lists, vectors, hashes, boxes, quotes and datum comments accepted
    /// (<see cref="Diagnostics.ErrorCodes.DataTooDeep"/> beyond). Real catalogs nest fewer than ten deep;
    /// the limit also bounds the one recursive walk (hash keys that are hashes) in equality.
    /// </summary>
    public int MaxDepth { get; init; } = 1000;
}

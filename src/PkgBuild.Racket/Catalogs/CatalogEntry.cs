using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;
using PkgBuild.Racket.Versions;

namespace PkgBuild.Racket.Catalogs;

/// <summary>
/// One package's entry in a catalog: the hash that <c>pkg/&lt;name&gt;</c> holds, with symbol keys
/// (<c>source</c>, <c>checksum</c>, <c>versions</c>, ...). Unknown keys are kept verbatim, in order.
/// Immutable: edits return a new entry.
/// </summary>
public sealed class CatalogEntry
{
    private static readonly RacketSymbol SourceKey = new("source");
    private static readonly RacketSymbol ChecksumKey = new("checksum");
    private static readonly RacketSymbol DefaultKey = new("default");

    private CatalogEntry(string name, RacketHash data)
    {
        Name = name;
        Data = data;
    }

    public string Name { get; }

    /// <summary>The entry as Racket data, ready to write.</summary>
    public RacketHash Data { get; }

    /// <summary>The <c>source</c> string; null when absent or not a string.</summary>
    public string? Source => (Data["source"] as RacketString)?.Value;

    /// <summary>The <c>checksum</c> string (for git sources, the commit); null when absent or not a string.</summary>
    public string? Checksum => (Data["checksum"] as RacketString)?.Value;

    /// <summary>The <c>author</c> string; null when absent or not a string.</summary>
    public string? Author => (Data["author"] as RacketString)?.Value;

    /// <summary>The <c>versions</c> hash, when the entry has one.</summary>
    public RacketHash? Versions => Data["versions"] as RacketHash;

    /// <summary>
    /// Checks that <paramref name="datum"/> is an entry: a hash whose <c>source</c> is a string. The
    /// error names the place in the file (<see cref="ErrorCodes.DataUnexpectedShape"/>).
    /// </summary>
    public static CatalogEntry FromDatum(string name, Datum datum)
    {
        if (datum is not RacketHash hash)
        {
            throw new PkgBuildException(ErrorCodes.DataUnexpectedShape,
                $"The catalog entry for '{name}' is not a hash of (key . value) pairs but {Describe(datum)}.", datum.Location);
        }
        if (hash.TryGetValue(SourceKey, out var source) && source is not RacketString)
        {
            throw new PkgBuildException(ErrorCodes.DataUnexpectedShape,
                $"The catalog entry for '{name}' has a source that is not a string: {Truncate(source.ToString())}.", source.Location);
        }
        if (hash.TryGetValue(ChecksumKey, out var checksum) && checksum is not RacketString)
        {
            throw new PkgBuildException(ErrorCodes.DataUnexpectedShape,
                $"The catalog entry for '{name}' has a checksum that is not a string: {Truncate(checksum.ToString())}.", checksum.Location);
        }
        return new CatalogEntry(name, hash);
    }

    /// <summary>A copy with <paramref name="key"/> set (in place when present, else added at the end).</summary>
    public CatalogEntry With(string key, Datum value) => new(Name, Data.SetItem(new RacketSymbol(key), value));

    public CatalogEntry WithSource(string source) => With("source", new RacketString(source));

    public CatalogEntry WithChecksum(string checksum) => With("checksum", new RacketString(checksum));

    /// <summary>
    /// A copy whose relative path sources (<c>../pkgs/p.zip</c>), at the top level and in every
    /// <c>versions</c> entry, are made absolute against the catalog's base URL, as
    /// <c>raco pkg catalog-copy</c> does (<c>file:///abs/pkgs/p.zip</c>); other sources are kept.
    /// </summary>
    public CatalogEntry WithRelativeSourceResolved(Uri catalogBase)
    {
        var result = this;
        if (Source is { } source && Resolve(source, catalogBase) is { } absolute)
        {
            result = result.WithSource(absolute);
        }
        if (Versions is { } versions)
        {
            var resolved = versions;
            foreach (var (key, value) in versions.Entries)
            {
                if (value is RacketHash hash && hash.TryGetValue(SourceKey, out var s) && s is RacketString { Value: var text }
                    && Resolve(text, catalogBase) is { } versionSource)
                {
                    resolved = resolved.SetItem(key, hash.SetItem(SourceKey, new RacketString(versionSource)));
                }
            }
            if (!ReferenceEquals(resolved, versions))
            {
                result = result.With("versions", resolved);
            }
        }
        return result;
    }

    /// <summary>The absolute form of a relative path source, or null when it is not one.</summary>
    private static string? Resolve(string source, Uri catalogBase) =>
        // Parse calls file:// URLs File or Directory too; only relative paths are resolved.
        Path.IsPathRooted(source) || source.Contains("://", StringComparison.Ordinal)
            || PackageSource.Parse(source).Kind is not (PackageSourceKind.File or PackageSourceKind.Directory)
            ? null
            : new Uri(catalogBase, source).AbsoluteUri;

    /// <summary>The top-level source and every <c>versions</c> entry's source.</summary>
    public IEnumerable<string> AllSources()
    {
        if (Source is { } source)
        {
            yield return source;
        }
        foreach (var (_, value) in Versions?.Entries ?? [])
        {
            if (value is RacketHash hash && hash.TryGetValue(SourceKey, out var s) && s is RacketString { Value: var text })
            {
                yield return text;
            }
        }
    }

    /// <summary>A copy without <paramref name="key"/>.</summary>
    public CatalogEntry Without(string key) => new(Name, Data.Remove(new RacketSymbol(key)));

    /// <summary>
    /// The entry as <c>raco pkg</c> sees it for Racket <paramref name="version"/>: the first of the
    /// <c>versions</c> keys that matches, the exact version string and then the symbol <c>default</c>,
    /// has its keys laid over the top-level ones. Other keys (a string "default", prefixes) never match.
    /// </summary>
    public CatalogEntry ForVersion(string version)
    {
        var versions = Versions;
        if (versions == null)
        {
            return this;
        }
        if (!versions.TryGetValue(new RacketString(version), out var chosen) && !versions.TryGetValue(DefaultKey, out chosen))
        {
            return this;
        }
        if (chosen is not RacketHash overrides)
        {
            return this;
        }
        var data = Data;
        foreach (var (key, value) in overrides.Entries)
        {
            data = data.SetItem(key, value);
        }
        return new CatalogEntry(Name, data);
    }

    /// <summary>
    /// <c>versions</c> keys that Racket silently ignores: strings that are not versions (<c>"default"</c>),
    /// which look like overrides and do nothing.
    /// </summary>
    public IEnumerable<Datum> IgnoredVersionKeys() =>
        Versions?.Keys.Where(key => key switch
        {
            RacketString s => !RacketVersion.TryParse(s.Value, out _),
            RacketSymbol { Name: "default" } => false,
            _ => true,
        }) ?? Enumerable.Empty<Datum>();

    private static string Describe(Datum datum) => datum.Kind switch
    {
        DatumKind.List => "a list",
        DatumKind.String => "a string",
        DatumKind.Symbol => "a symbol",
        DatumKind.Vector => "a vector",
        _ => $"a {datum.Kind.ToString().ToLowerInvariant()}",
    };

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..57] + "...";
}

namespace PkgBuild.Racket.Catalogs;

/// <summary>
/// A catalog's entries by package name (ordinal, as Racket compares names). Immutable. Several catalogs
/// combine as <c>raco pkg</c> combines them: the first that has a name supplies its whole entry.
/// </summary>
public sealed class PackageCatalog
{
    private readonly SortedDictionary<string, CatalogEntry> _entries;

    public PackageCatalog(IEnumerable<CatalogEntry> entries)
    {
        _entries = new SortedDictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            _entries[entry.Name] = entry;
        }
    }

    public static PackageCatalog Empty { get; } = new(Array.Empty<CatalogEntry>());

    public int Count => _entries.Count;

    /// <summary>Package names in ordinal order.</summary>
    public IEnumerable<string> Names => _entries.Keys;

    /// <summary>Entries in ordinal order of their names.</summary>
    public IEnumerable<CatalogEntry> Entries => _entries.Values;

    public CatalogEntry? this[string name] => _entries.TryGetValue(name, out var entry) ? entry : null;

    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>Catalogs in precedence order combined: for each name, the first catalog's whole entry.</summary>
    public static PackageCatalog Combine(IEnumerable<PackageCatalog> inPrecedenceOrder)
    {
        var combined = new Dictionary<string, CatalogEntry>(StringComparer.Ordinal);
        foreach (var catalog in inPrecedenceOrder)
        {
            foreach (var entry in catalog.Entries)
            {
                combined.TryAdd(entry.Name, entry);
            }
        }
        return new PackageCatalog(combined.Values);
    }

    /// <summary>A copy with <paramref name="entry"/> replacing the entry of the same name (or added).</summary>
    public PackageCatalog With(CatalogEntry entry) =>
        new(_entries.Values.Where(e => e.Name != entry.Name).Append(entry));
}

namespace PkgBuild.Racket.Catalogs;

/// <summary>"Did you mean": the candidates closest to a misspelt name, for errors about names that match nothing.</summary>
public static class NameSuggestions
{
    public static IReadOnlyList<string> Closest(string wanted, IEnumerable<string> candidates, int count = 5)
    {
        var limit = Math.Max(2, wanted.Length / 3);
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Distance: Distance(wanted, c)))
            .Where(c => c.Distance <= limit
                || c.Name.Contains(wanted, StringComparison.OrdinalIgnoreCase)
                || wanted.Contains(c.Name, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(c => c.Name)
            .ToList();
    }

    /// <summary>
    /// The repositories (<see cref="Sources.GitSource.RepositoryKey"/>s) nearest to <paramref name="wanted"/>, however far:
    /// a repository asked for is often another spelling of one in the catalog (a fork's owner, a mirror's host),
    /// too far for <see cref="Closest"/>. Those with the nearest repository name (the last path segment) come
    /// first, then those nearest as a whole.
    /// </summary>
    public static IReadOnlyList<string> NearestRepositories(string wanted, IEnumerable<string> repositories, int count = 3)
    {
        static string Name(string key) => key[(key.LastIndexOf('/') + 1)..];
        return repositories
            .Distinct(StringComparer.Ordinal)
            .OrderBy(r => Distance(Name(wanted), Name(r)))
            .ThenBy(r => Distance(wanted, r))
            .ThenBy(r => r, StringComparer.Ordinal)
            .Take(count)
            .ToList();
    }

    /// <summary>Levenshtein distance, ignoring case (names differ in case only by mistake).</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var same = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]);
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (same ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

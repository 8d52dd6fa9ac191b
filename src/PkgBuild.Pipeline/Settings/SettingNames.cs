using System.Text.RegularExpressions;

namespace PkgBuild.Pipeline.Settings;

/// <summary>
/// The PkgBuild* names the SDK reads, and the closest ones to a name it does not: a misspelt property
/// (<c>PkgBuildBasline</c>) is otherwise silently ignored, and the build runs without what the user asked for.
/// </summary>
public sealed partial class SettingNames
{
    private readonly HashSet<string> _known;

    public SettingNames(IEnumerable<string> known) => _known = new HashSet<string>(known, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every <c>PkgBuild*</c> name the SDK's own files mention (properties and item types alike): what it reads.</summary>
    public static SettingNames FromSdkFiles(IEnumerable<string> texts) =>
        new(texts.SelectMany(t => Name().Matches(t).Select(m => m.Value)));

    public bool IsKnown(string name) => _known.Contains(name);

    /// <summary>Up to three known names closest to <paramref name="name"/>, closest first; none when nothing is near.</summary>
    public IReadOnlyList<string> Closest(string name) => Closest(name, _known);

    /// <summary>Up to three of <paramref name="candidates"/> within a few edits of <paramref name="name"/>, closest first.</summary>
    public static IReadOnlyList<string> Closest(string name, IEnumerable<string> candidates)
    {
        var limit = Math.Max(2, name.Length / 5);
        return candidates.Select(c => (Name: c, Distance: Distance(name.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(x => x.Distance <= limit)
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(3).Select(x => x.Name).ToList();
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) from one name to the other.</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }

    [GeneratedRegex(@"(?<![A-Za-z_])PkgBuild[A-Za-z0-9]+")]
    private static partial Regex Name();
}

namespace PkgBuild.Pipeline.Guests;

/// <summary>Reads VBoxManage's listings: <c>list vms</c> and <c>snapshot … list --machinereadable</c>.</summary>
public static class VirtualBoxOutput
{
    /// <summary><c>"name" {uuid}</c> per line; an inaccessible VM is listed as <c>"&lt;inaccessible&gt;"</c> and skipped.</summary>
    public static IReadOnlyList<string> VmNames(string listVms)
    {
        var names = new List<string>();
        foreach (var line in listVms.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var brace = line.LastIndexOf(" {", StringComparison.Ordinal);
            if (line.StartsWith('"') && brace > 1 && line[brace - 1] == '"')
            {
                var name = line[1..(brace - 1)];
                if (name != "<inaccessible>")
                {
                    names.Add(name);
                }
            }
        }
        return names;
    }

    /// <summary>
    /// Every snapshot name in the tree, from <c>SnapshotName="…"</c>, <c>SnapshotName-1-2="…"</c> lines
    /// (names are printed unescaped, so the value is everything between the first and the last quote).
    /// </summary>
    public static IReadOnlyList<string> SnapshotNames(string snapshotList)
    {
        var names = new List<string>();
        foreach (var line in snapshotList.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf("=\"", StringComparison.Ordinal);
            if (eq < 0 || !line.EndsWith('"') || !line.StartsWith("SnapshotName", StringComparison.Ordinal))
            {
                continue;
            }
            var key = line[..eq];
            if (key == "SnapshotName" || key["SnapshotName".Length..].All(c => c == '-' || char.IsAsciiDigit(c)))
            {
                names.Add(line[(eq + 2)..^1]);
            }
        }
        return names;
    }
}

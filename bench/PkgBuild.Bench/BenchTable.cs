/// <summary>
/// The rows of the one table `bench -- all` prints: each benchmark adds its ratio (or its measure) against
/// its peer and goal when it finishes, as it prints its own lines.
/// </summary>
internal static class BenchTable
{
    private static readonly List<(string What, string Measured, string Goal, bool Met, string Detail)> Rows = [];

    public static void Add(string what, string measured, string goal, bool met, string detail) => Rows.Add((what, measured, goal, met, detail));

    public static bool AllMet => Rows.All(r => r.Met);

    public static void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| benchmark | measured | goal | met | detail |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var (what, measured, goal, met, detail) in Rows)
        {
            output.WriteLine($"| {what} | {measured} | {goal} | {(met ? "yes" : "**no**")} | {detail} |");
        }
    }
}

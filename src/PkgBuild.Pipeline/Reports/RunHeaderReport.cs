using System.Text;
using static PkgBuild.Pipeline.Reports.ReportText;

namespace PkgBuild.Pipeline.Reports;

/// <summary>
/// The <see cref="RunHeader"/> as the pages show it, first thing: the change under test, then the Racket,
/// the catalogs, the guests and the date. Every value is escaped.
/// </summary>
public static class RunHeaderReport
{
    /// <summary>Packages named per override in report.md; the rest are in results.json.</summary>
    private const int MarkdownPackages = 5;

    public static string Html(RunHeader? header)
    {
        if (header == null)
        {
            return "";
        }
        var html = new StringBuilder("<section id=\"tested\"><h2>What was tested</h2>\n<ul>\n");
        if (header.Overrides.Count == 0)
        {
            html.Append("<li>no override: the catalogs as they are</li>\n");
        }
        foreach (var o in header.Overrides)
        {
            html.Append($"<li class=\"override\">override <b>{E(o.Name)}</b>: <code>{E(o.Source)}</code>")
                .Append(o.Rev != null ? $" rev <code>{E(o.Rev)}</code>" : "")
                .Append($" at commit <code class=\"commit\">{E(o.Commit)}</code>").Append(o.ResolvedAs != null ? $" ({E(o.ResolvedAs)})" : "");
            if (o.Packages.Count > 0)
            {
                html.Append("<ul>");
                foreach (var p in o.Packages)
                {
                    html.Append($"<li>{E(p.Package)}: <code>{E(p.OldSource ?? "(not in the catalog)")}</code> → <code>{E(p.NewSource)}</code></li>");
                }
                html.Append("</ul>");
            }
            html.Append("</li>\n");
        }
        html.Append($"<li class=\"racket\">Racket: {E(Racket(header.Racket))}</li>\n")
            .Append($"<li>catalogs: {string.Join(", ", header.Catalogs.Select(c => $"<code>{E(c)}</code>"))}")
            .Append(header.CatalogsCopied is { } copied ? $" (copied {E(RunHeader.Time(copied))})" : "").Append("</li>\n")
            .Append($"<li>guests: {E(Guests(header))}</li>\n")
            .Append($"<li>date: {E(RunHeader.Time(header.Date))}</li>\n</ul></section>\n");
        return html.ToString();
    }

    /// <summary>A few lines, for the top of a pull-request comment.</summary>
    public static string Markdown(RunHeader? header)
    {
        if (header == null)
        {
            return "";
        }
        var md = new StringBuilder();
        if (header.Overrides.Count == 0)
        {
            md.Append("**Change:** none (no override)\n");
        }
        foreach (var o in header.Overrides)
        {
            var packages = o.Packages.Select(p => M(p.Package)).ToList();
            md.Append($"**Change:** override **{M(o.Name)}** → `{MarkdownCode(o.Source)}`")
                .Append(o.Rev != null ? $" rev `{MarkdownCode(o.Rev)}`" : "")
                .Append($" at commit `{MarkdownCode(o.Commit)}`")
                .Append(packages.Count > 0 ? $" ({string.Join(", ", packages.Take(MarkdownPackages))}{(packages.Count > MarkdownPackages ? $", … {packages.Count - MarkdownPackages} more" : "")})" : "")
                .Append("  \n");
        }
        md.Append($"**Racket:** {M(Racket(header.Racket))}  \n")
            .Append($"**Catalogs:** {string.Join(", ", header.Catalogs.Select(M))}")
            .Append(header.CatalogsCopied is { } copied ? $" (copied {RunHeader.Time(copied)})" : "").Append("  \n")
            .Append($"**Guests:** {M(Guests(header))} · {RunHeader.Time(header.Date)}\n");
        return md.ToString();
    }

    private static string Racket(TestedRacket racket) =>
        (racket.Installer != null ? $"installer {racket.Installer} (sha256 {racket.InstallerSha256})" : "Preinstalled")
        + (racket.Identity is { Length: > 0 } identity ? $": {identity}" : "");

    private static string Guests(RunHeader header) =>
        string.Join(", ", header.Guests.Select(g => $"{g.Name} ({g.Kind}{(g.Where != null ? $", {g.Where}" : "")})"));

    private static string E(string text) => ReportText.Html(text);

    private static string M(string text) => ReportText.Markdown(text);
}

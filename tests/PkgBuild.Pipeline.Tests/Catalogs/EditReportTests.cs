using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Catalogs;

public sealed class EditReportTests
{
    private static ResolvedOverride Resolved(string name, params (string Name, string Value)[] metadata) =>
        new(CatalogOverride.Parse(name, metadata.ToDictionary(m => m.Name, m => m.Value), default, w => Assert.Fail(w.Message)), new string('a', 40), "branch");

    [Fact]
    public void Catalog_text_cannot_break_out_of_its_table_cell()
    {
        using var dir = new TempDirectory();
        var hostile = "git://h/r?path=x\n| injected | row |\n<script>`";
        var edit = new CatalogEdit("p", "o", hostile, "c\r\nd", "git://h/s?path=x#m", new string('a', 40), ["default"]);

        EditReport.Write(dir.Combine("r.md"), dir.Combine("r.json"), "/cat", [Resolved("o", ("Source", "git://h/s?path=x"), ("Rev", "m"))], [edit]);

        var lines = File.ReadAllLines(dir.Combine("r.md"));
        var row = Assert.Single(lines, l => l.StartsWith("| p |", StringComparison.Ordinal));
        Assert.Contains("`git://h/r?path=x\\u000A\\| injected \\| row \\|\\u000A<script>'`", row);
        Assert.Contains("`c\\u000D\\u000Ad`", row);
        Assert.DoesNotContain(lines, l => l.StartsWith("| injected", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_override_is_shown_as_written()
    {
        using var dir = new TempDirectory();
        var repository = Resolved("tr", ("Repository", "git://h/tr"), ("With", "git://h/fork"), ("Rev", "opaque"), ("Source", ""));
        var single = Resolved("p", ("Source", "git://h/p?path=p#main"));

        EditReport.Write(dir.Combine("r.md"), dir.Combine("r.json"), "/cat", [repository, single], []);

        var md = File.ReadAllText(dir.Combine("r.md"));
        Assert.Contains($"- **tr**: every package of `git://h/tr` → `git://h/fork`; rev `opaque` is a branch → commit `{new string('a', 40)}`", md);
        Assert.Contains("- **p**: `git://h/p?path=p#main`; rev `(fragment of the source)` is a branch", md);
        Assert.Contains("\"source\": null", File.ReadAllText(dir.Combine("r.json")));
    }
}

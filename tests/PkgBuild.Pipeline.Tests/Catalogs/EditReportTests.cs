using PkgBuild.Pipeline.Catalogs;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Catalogs;

public sealed class EditReportTests
{
    [Fact]
    public void Catalog_text_cannot_break_out_of_its_table_cell()
    {
        using var dir = new TempDirectory();
        var hostile = "git://h/r?path=x\n| injected | row |\n<script>`";
        var edit = new CatalogEdit("p", "o", hostile, "c\r\nd", "git://h/s?path=x#m", new string('a', 40), ["default"]);
        var spec = new OverrideSpec { Name = "o", Source = "git://h/s?path=x", Rev = "m", ResolvedCommit = new string('a', 40), ResolvedAs = "branch" };

        EditReport.Write(dir.Combine("r.md"), dir.Combine("r.json"), "/cat", [spec], [edit]);

        var lines = File.ReadAllLines(dir.Combine("r.md"));
        var row = Assert.Single(lines, l => l.StartsWith("| p |", StringComparison.Ordinal));
        Assert.Contains("`git://h/r?path=x\\u000A\\| injected \\| row \\|\\u000A<script>'`", row);
        Assert.Contains("`c\\u000D\\u000Ad`", row);
        Assert.DoesNotContain(lines, l => l.StartsWith("| injected", StringComparison.Ordinal));
    }
}

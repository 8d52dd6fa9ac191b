using System.Collections;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PkgBuild.Testing;
using PkgBuild.Testing.MSBuild;

namespace PkgBuild.Tasks.Tests;

/// <summary>The catalog tasks in-process: what they report for settings a project got wrong.</summary>
public sealed class CatalogTasksTests
{
    [Fact]
    public void An_override_error_points_at_the_line_of_its_item_in_the_file_that_defines_it()
    {
        using var dir = new TempDirectory();
        var import = dir.Combine("overrides.props");
        File.WriteAllText(import, """
            <Project>
              <ItemGroup>
                <PkgBuildOverride Include="other" Source="git://h/other?path=x" Rev="main" />

                <PkgBuildOverride Include="tr-lib" Source="git://h/tr#opaque?path=tr-lib" />
              </ItemGroup>
            </Project>
            """);
        var item = new DefinedItem("tr-lib", import, new() { ["Source"] = "git://h/tr#opaque?path=tr-lib" });
        var engine = new FakeBuildEngine();
        var task = new ResolveCatalogOverrides { BuildEngine = engine, Overrides = [item], OutputFile = dir.Combine("overrides.json") };

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("PKB0304", import, 5, 6), (error.Code, error.File, error.LineNumber, error.ColumnNumber));
        Assert.False(File.Exists(dir.Combine("overrides.json")));
    }

    [Fact]
    public void The_resolve_step_warns_at_the_line_of_the_item_and_the_edit_step_checks_nothing_again_but_errs_there_too()
    {
        using var dir = new TempDirectory();
        var import = dir.Combine("overrides.props");
        var commit = "0123456789abcdef0123456789abcdef01234567";
        File.WriteAllText(import, $"""
            <Project>
              <ItemGroup>
                <PkgBuildOverride Include="tr-lob" Source="https://h/tr?path=tr-lib" Commit="{commit}" />
              </ItemGroup>
            </Project>
            """);
        var item = new DefinedItem("tr-lob", import, new() { ["Source"] = "https://h/tr?path=tr-lib", ["Commit"] = commit });
        var engine = new FakeBuildEngine();
        var resolve = new ResolveCatalogOverrides { BuildEngine = engine, Overrides = [item], OutputFile = dir.Combine("overrides.json"), RacketVersion = "8.7" };

        Assert.True(resolve.Execute());
        var warning = Assert.Single(engine.Warnings);
        Assert.Equal(("PKB0305", import, 3, 6), (warning.Code, warning.File, warning.LineNumber, warning.ColumnNumber));

        Directory.CreateDirectory(dir.Combine("catalog", "pkg"));
        File.WriteAllText(dir.Combine("catalog", "pkg", "tr-lib"), """#hash((source . "git://h/tr?path=tr-lib") (checksum . "old"))""");
        var edit = new EditCatalog
        {
            BuildEngine = engine, CatalogDirectory = dir.Combine("catalog"), OverridesFile = dir.Combine("overrides.json"), Overrides = [item],
            Destination = dir.Combine("edited"), HashFile = dir.Combine("edited.hash"), ReportMarkdown = dir.Combine("edits.md"), ReportJson = dir.Combine("edits.json"),
            RemoteEntriesFile = dir.Combine("remote.json"), EditedRemoteEntriesFile = dir.Combine("edited-remote.json"),
        };

        Assert.False(edit.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal(("PKB0307", import, 3, 6), (error.Code, error.File, error.LineNumber, error.ColumnNumber));
        Assert.Contains("Close names: tr-lib", error.Message);
        Assert.Single(engine.Warnings);
    }

    [Fact]
    public void Without_any_source_catalog_the_fetch_says_what_to_add()
    {
        using var dir = new TempDirectory();
        var engine = new FakeBuildEngine();
        var task = new FetchCatalogSources { ParallelRequests = 2, BuildEngine = engine, Sources = [], StateDirectory = dir.Path, ProjectDirectory = dir.Path, RacketVersion = "8.7" };

        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PKB0006", error.Code);
        Assert.Contains("add at least one catalog", error.Message);
    }

    [Fact]
    public void CopyCatalog_logs_each_malformed_entry_at_its_place_up_to_the_cap_and_then_how_many_more()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("catalog", "pkg"));
        for (var i = 0; i < 103; i++)
        {
            File.WriteAllText(dir.Combine("catalog", "pkg", $"p{i:D3}"), "#hash((checksum . \"\")\n (source . 1))");
        }
        var engine = new FakeBuildEngine();
        var fetch = new FetchCatalogSources
        {
            ParallelRequests = 2,
            BuildEngine = engine, Sources = [new TaskItem(dir.Combine("catalog"))], StateDirectory = dir.Combine("state"), ProjectDirectory = dir.Path, RacketVersion = "8.7",
        };
        Assert.True(fetch.Execute());
        var copy = new CopyCatalog { BuildEngine = engine, StateDirectory = dir.Combine("state"), Destination = dir.Combine("copy"), HashFile = dir.Combine("copy.hash") };

        Assert.False(copy.Execute());

        Assert.Equal(101, engine.Errors.Count);
        Assert.All(engine.Errors.Take(100), (error, i) =>
            Assert.Equal(("PKB0108", dir.Combine("catalog", "pkg", $"p{i:D3}"), 2, 12), (error.Code, error.File, error.LineNumber, error.ColumnNumber)));
        Assert.Equal("PKB0109", engine.Errors[100].Code);
        Assert.StartsWith("3 more errors were found", engine.Errors[100].Message);
        Assert.False(Directory.Exists(dir.Combine("copy")));
    }

    [Fact]
    public void A_racket_version_that_is_not_one_is_refused_before_any_request()
    {
        using var dir = new TempDirectory();
        var engine = new FakeBuildEngine();
        var task = new FetchCatalogSources
        {
            ParallelRequests = 2,
            BuildEngine = engine, Sources = [new TaskItem("http://127.0.0.1:9/")], StateDirectory = dir.Path, ProjectDirectory = dir.Path, RacketVersion = "eight",
        };

        Assert.False(task.Execute());
        var error = Assert.Single(engine.Errors);
        Assert.Equal("PKB0003", error.Code);
        Assert.Contains("'eight'", error.Message);
    }

    /// <summary>
    /// An item as MSBuild hands it to a task, with the file that defined it (TaskItem refuses to set that
    /// reserved metadata, so the in-process test brings its own; the SDK tests cover real evaluation).
    /// </summary>
    internal sealed class DefinedItem(string spec, string definingFile, Dictionary<string, string> metadata) : ITaskItem
    {
        public string ItemSpec { get; set; } = spec;

        public ICollection MetadataNames => metadata.Keys.Append("DefiningProjectFullPath").ToList();

        public int MetadataCount => metadata.Count + 1;

        public string GetMetadata(string metadataName) =>
            metadataName == "DefiningProjectFullPath" ? definingFile : metadata.GetValueOrDefault(metadataName, "");

        public void SetMetadata(string metadataName, string metadataValue) => metadata[metadataName] = metadataValue;

        public void RemoveMetadata(string metadataName) => metadata.Remove(metadataName);

        public void CopyMetadataTo(ITaskItem destinationItem)
        {
            foreach (var (name, value) in metadata)
            {
                destinationItem.SetMetadata(name, value);
            }
        }

        public IDictionary CloneCustomMetadata() => new Dictionary<string, string>(metadata);
    }
}

using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Data;

namespace PkgBuild.Pipeline.Tests.Planning;

public sealed class PackageInputsTests
{
    private const string Settings = "racket=8.14;tests=True;commands=1";

    private static CatalogEntry Entry(string name, string checksum, params string[] dependencies) =>
        CatalogEntry.FromDatum(name, DatumReader.ReadSingle(
            $"#hash((source . \"../pkgs/{name}.zip\") (checksum . \"{checksum}\") (author . \"ann@example.org\") "
            + $"(dependencies . ({string.Join(" ", dependencies.Select(d => $"\"{d}\""))})))"));

    // low <- mid <- app ; other alone ; "base" is not in the catalog.
    private static readonly CatalogEntry[] Entries =
    [
        Entry("low", "c1", "base"),
        Entry("mid", "c2", "low"),
        Entry("app", "c3", "mid", "base"),
        Entry("other", "c4"),
    ];

    private static string KeyOf(string package, IEnumerable<CatalogEntry> entries, string settings = Settings)
    {
        var catalog = new PackageCatalog(entries);
        return new PackageInputs(PackageGraph.FromCatalog(catalog), catalog, settings).KeyOf(package);
    }

    private static IEnumerable<CatalogEntry> Replacing(CatalogEntry entry) => Entries.Where(e => e.Name != entry.Name).Append(entry);

    [Fact]
    public void The_same_inputs_give_the_same_key_in_another_run()
    {
        var key = KeyOf("app", Entries);

        Assert.Equal(key, KeyOf("app", Entries.Reverse()));
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.NotEqual(key, KeyOf("mid", Entries));
    }

    [Fact]
    public void The_key_changes_when_the_packages_own_entry_changes()
    {
        Assert.NotEqual(KeyOf("app", Entries), KeyOf("app", Replacing(Entry("app", "c3-new", "mid", "base"))));
        Assert.NotEqual(KeyOf("app", Entries), KeyOf("app", Replacing(Entry("app", "c3", "mid", "base", "low"))));
    }

    [Fact]
    public void Fields_that_do_not_change_what_is_installed_do_not_change_the_key()
    {
        // The public catalog rewrites last-checked on every poll: that must not rebuild the world.
        Assert.Equal(KeyOf("app", Entries), KeyOf("app", Replacing(Entry("app", "c3", "mid", "base").With("author", new RacketString("bob@example.org")))));
        Assert.Equal(KeyOf("app", Entries), KeyOf("app", Replacing(Entry("mid", "c2", "low").With("last-checked", new RacketInteger(1700000000)))));
    }

    [Fact]
    public void The_key_changes_when_a_dependency_changes_directly_or_transitively()
    {
        Assert.NotEqual(KeyOf("app", Entries), KeyOf("app", Replacing(Entry("mid", "c2-new", "low"))));
        Assert.NotEqual(KeyOf("app", Entries), KeyOf("app", Replacing(Entry("low", "c1-new", "base"))));
        // A new dependency deep down is a change too.
        Assert.NotEqual(KeyOf("app", Entries), KeyOf("app", Replacing(Entry("low", "c1", "base", "other"))));
    }

    [Fact]
    public void The_key_changes_when_the_settings_change()
    {
        Assert.NotEqual(KeyOf("app", Entries), KeyOf("app", Entries, "racket=8.15;tests=True;commands=1"));
        Assert.NotEqual(KeyOf("low", Entries), KeyOf("low", Entries, Settings.Replace("tests=True", "tests=False", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_key_does_not_change_when_an_unrelated_package_or_a_dependent_changes()
    {
        var key = KeyOf("mid", Entries);

        Assert.Equal(key, KeyOf("mid", Replacing(Entry("other", "c4-new"))));
        Assert.Equal(key, KeyOf("mid", Replacing(Entry("app", "c3-new", "mid"))));
        Assert.Equal(key, KeyOf("mid", Entries.Append(Entry("newcomer", "c5", "mid"))));
    }

    [Fact]
    public void A_dependency_that_joins_the_catalog_changes_the_key()
    {
        // "base" was provided by the guests' Racket; now the catalog has it, and builds it.
        Assert.NotEqual(KeyOf("low", Entries), KeyOf("low", Entries.Append(Entry("base", "c0"))));
    }

    [Fact]
    public void A_cycle_gives_each_member_a_key_of_the_whole_cycle()
    {
        CatalogEntry[] cycle = [Entry("a", "ca", "b"), Entry("b", "cb", "a"), Entry("top", "ct", "a")];

        Assert.NotEqual(KeyOf("a", cycle), KeyOf("b", cycle));
        Assert.NotEqual(KeyOf("a", cycle), KeyOf("a", cycle.Where(e => e.Name != "b").Append(Entry("b", "cb-new", "a"))));
        Assert.Equal(KeyOf("a", cycle), KeyOf("a", cycle.Where(e => e.Name != "top").Append(Entry("top", "ct-new", "a"))));
    }
}

using System.Xml;
using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// Runs before the first step of the pipeline (not before Clean): refuses every setting a later step would
/// refuse, and a run that could not test what it was asked to, before the catalog steps and the installer
/// build spend their time; warns about PkgBuild* names the SDK does not read. Each problem is located
/// at its line in the project where the project sets it.
/// </summary>
public sealed class CheckRunSettings : PkgBuildTask
{
    /// <summary>The run's properties (<c>_PkgBuildRunSetting</c>: the name, and its value as <c>Value</c>), parsed as RunPkgBuild parses them.</summary>
    public ITaskItem[] Settings { get; set; } = [];

    /// <summary><c>PkgBuildRacketRepo</c>: the guests' Racket is built from it, with the edited catalog.</summary>
    public string RacketRepo { get; set; } = "";

    /// <summary><c>PkgBuildInstaller</c> and <c>PkgBuildSnapshotUrl</c>: the other two ways to give the guests Racket.</summary>
    public string Installer { get; set; } = "";

    public string SnapshotUrl { get; set; } = "";

    public ITaskItem[] Guests { get; set; } = [];

    public ITaskItem[] Overrides { get; set; } = [];

    /// <summary>Sdk.props and Sdk.targets: every PkgBuild* name they mention is one the SDK reads.</summary>
    public string[] SdkFiles { get; set; } = [];

    protected override void ExecuteCore()
    {
        var project = ProjectSettings.Read(ProjectFile);
        var options = RunOptions.Parse(TaskItems.RunSettingValues(Settings), project.Locate);
        if (!options.UsesPreinstalled && string.IsNullOrWhiteSpace(RacketRepo + Installer + SnapshotUrl))
        {
            throw RunOptions.RacketNotChosen(project.Locate(RunOptions.RacketProperty));
        }
        if (!string.IsNullOrWhiteSpace(RacketRepo) && options.Baseline.IsRun)
        {
            // Both sides would run on installers that hold the change: every package would compare equal.
            throw new PkgBuildException(ErrorCodes.BaselineRacketNeeded,
                "PkgBuildBaseline=Run with PkgBuildRacketRepo would build the baseline on the Racket built from the edited catalog (the change itself), so no package could "
                + "differ. Set PkgBuildBaseline to a pkg-build summary.rktd (a path or URL) of a run on the unmodified Racket, or leave PkgBuildBaseline empty.",
                project.Locate(RunOptions.BaselineProperty));
        }
        var errors = new ErrorCollector();
        // Every build runs this: an item's line is looked up (the project read again) only for an item that is wrong.
        foreach (var guest in Guests)
        {
            Collect(errors, () => GuestSpec.Parse(guest.ItemSpec, TaskItems.CustomMetadata(guest)), () => ItemLocation.Of(guest, "PkgBuildGuest"));
        }
        var warnings = new List<PkgBuildException>();
        foreach (var item in Overrides)
        {
            SourceLocation Where() => ItemLocation.Of(item, "PkgBuildOverride");
            Collect(errors, () => TaskItems.Override(item, SourceLocation.None, w => warnings.Add(At(w, Where))), Where);
        }
        if (errors.Count > 0)
        {
            // An override's warnings are the resolve step's to give, and a build stopped here does not get that far.
            warnings.ForEach(LogWarning);
        }
        errors.ThrowIfAny();
        WarnUnknownNames(project);
    }

    private static void Collect(ErrorCollector errors, Action check, Func<SourceLocation> where)
    {
        try
        {
            check();
        }
        catch (PkgBuildException e)
        {
            errors.Add(At(e, where));
        }
    }

    /// <summary><paramref name="e"/>, at <paramref name="where"/> when it says no file.</summary>
    private static PkgBuildException At(PkgBuildException e, Func<SourceLocation> where) =>
        e.Location.File == null ? new PkgBuildException(e.Code, e.Message, where(), e) : e;

    /// <summary>PKB0007 for each PkgBuild* property, item type or metadata name that the SDK would never read.</summary>
    private void WarnUnknownNames(ProjectSettings project)
    {
        var sdk = SettingNames.FromSdkFiles(SdkFiles.Where(File.Exists).Select(File.ReadAllText));
        var global = (BuildEngine as IBuildEngine6)?.GetGlobalProperties() ?? new Dictionary<string, string>();
        var names = project.Names.Concat(global.Keys.Where(k => k.StartsWith("PkgBuild", StringComparison.OrdinalIgnoreCase))
            .Select(k => new ProjectSettings.Name(k, "property", SourceLocation.InFile(ProjectFile))));
        foreach (var name in names.Where(n => !sdk.IsKnown(n.Text)))
        {
            LogWarning(Unknown(name, sdk.Closest(name.Text)));
        }
        var metadata = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["PkgBuildGuest"] = GuestSpec.MetadataNames,
            ["PkgBuildOverride"] = CatalogOverride.MetadataNames,
        };
        foreach (var name in project.Metadata)
        {
            if (metadata.TryGetValue(name.ItemType, out var known) && !known.Contains(name.Text, StringComparer.OrdinalIgnoreCase))
            {
                LogWarning(Unknown(new ProjectSettings.Name(name.Text, $"metadata of {name.ItemType}", name.Where), SettingNames.Closest(name.Text, known)));
            }
        }
    }

    private static PkgBuildException Unknown(ProjectSettings.Name name, IReadOnlyList<string> closest) =>
        new(ErrorCodes.UnknownSetting,
            $"{name.Text} is not a {name.Kind} the SDK reads, so it has no effect"
            + (closest.Count > 0 ? $"; did you mean {string.Join(" or ", closest)}?" : "."),
            name.Where);

}

/// <summary>
/// The PkgBuild* settings as the project file writes them, with their places: MSBuild tells a task a
/// property's value but not where it was set, so the file is read again (as <see cref="ItemLocation"/> does
/// for items). Only the project file itself: a setting from an import or the command line is located at the
/// project.
/// </summary>
internal sealed class ProjectSettings
{
    public sealed record Name(string Text, string Kind, SourceLocation Where);

    public sealed record MetadataName(string ItemType, string Text, SourceLocation Where);

    private readonly string _file;
    private readonly Dictionary<string, SourceLocation> _properties = new(StringComparer.OrdinalIgnoreCase);

    private ProjectSettings(string file) => _file = file;

    public List<Name> Names { get; } = [];

    public List<MetadataName> Metadata { get; } = [];

    /// <summary>Where the project sets <paramref name="property"/> (its last setting), or the project itself.</summary>
    public SourceLocation Locate(string property) => _properties.TryGetValue(property, out var at) ? at : SourceLocation.InFile(_file);

    public static ProjectSettings Read(string file)
    {
        var settings = new ProjectSettings(file);
        if (!File.Exists(file))
        {
            return settings;
        }
        try
        {
            using var reader = XmlReader.Create(file, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var lines = (IXmlLineInfo)reader;
            var parents = new Stack<string>();
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement)
                {
                    parents.Pop();
                    continue;
                }
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }
                var name = reader.LocalName;
                var at = new SourceLocation(file, lines.LineNumber, lines.LinePosition, 0);
                var parent = parents.Count > 0 ? parents.Peek() : "";
                if (parent == "PropertyGroup" && name.StartsWith("PkgBuild", StringComparison.Ordinal))
                {
                    settings._properties[name] = at;
                    settings.Names.Add(new Name(name, "property", at));
                }
                else if (parent == "ItemGroup" && name.StartsWith("PkgBuild", StringComparison.Ordinal))
                {
                    settings.Names.Add(new Name(name, "item type", at));
                    for (var more = reader.MoveToFirstAttribute(); more; more = reader.MoveToNextAttribute())
                    {
                        if (reader.LocalName is not ("Include" or "Exclude" or "Remove" or "Update" or "Condition" or "KeepMetadata" or "RemoveMetadata" or "KeepDuplicates" or "MatchOnMetadata" or "MatchOnMetadataOptions"))
                        {
                            settings.Metadata.Add(new MetadataName(name, reader.LocalName, new SourceLocation(file, lines.LineNumber, lines.LinePosition, 0)));
                        }
                    }
                    reader.MoveToElement();
                }
                else if (parents.Count > 1 && parents.ElementAt(1) == "ItemGroup" && parent.StartsWith("PkgBuild", StringComparison.Ordinal))
                {
                    settings.Metadata.Add(new MetadataName(parent, name, at)); // metadata as a child element
                }
                if (!reader.IsEmptyElement)
                {
                    parents.Push(name);
                }
            }
        }
        catch (XmlException)
        {
            // MSBuild read the project already; an unreadable one only loses the places.
        }
        return settings;
    }
}

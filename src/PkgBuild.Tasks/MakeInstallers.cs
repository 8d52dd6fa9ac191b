using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace PkgBuild.Tasks;

/// <summary>
/// <c>make installers site-from-installers</c> in the racket/racket checkout, with the edited catalog as
/// <c>SRC_CATALOG</c>: a ToolTask, so its output streams into the build log as it comes and Ctrl+C stops
/// the whole process tree.
/// </summary>
public sealed class MakeInstallers : ToolTask
{
    [Required]
    public string Repository { get; set; } = "";

    [Required]
    public string SourceCatalog { get; set; } = "";

    /// <summary>PKGS: the packages the installers include.</summary>
    public string Packages { get; set; } = "";

    protected override string ToolName => "make";

    /// <summary>make's lines are progress worth seeing at normal verbosity.</summary>
    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;

    protected override string GenerateFullPathToTool() => ToolName; // found on PATH

    protected override string GenerateCommandLineCommands()
    {
        var line = new CommandLineBuilder();
        line.AppendSwitchIfNotNull("-C ", Path.GetFullPath(Repository));
        line.AppendTextUnquoted(" installers site-from-installers");
        line.AppendSwitchIfNotNull("SRC_CATALOG=", Path.GetFullPath(SourceCatalog));
        if (!string.IsNullOrWhiteSpace(Packages))
        {
            line.AppendSwitchIfNotNull("PKGS=", Packages.Trim());
        }
        return line.ToString();
    }
}

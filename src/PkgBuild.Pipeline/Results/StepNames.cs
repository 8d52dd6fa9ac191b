namespace PkgBuild.Pipeline.Results;

/// <summary>The names of a package's steps, as logs, results (<see cref="PackageResult.Step"/>) and the journal spell them.</summary>
public static class StepNames
{
    /// <summary>Fetching the source into the archive (before any guest).</summary>
    public const string Archive = "archive";

    /// <summary><c>raco pkg install</c>: decides install failures, and timeouts that leave the package uninstalled.</summary>
    public const string Install = "install";

    /// <summary>Packing the installed package compiled for its dependents: decides only an install failure whose packed zip was refused.</summary>
    public const string Pack = "pack";

    /// <summary><c>raco setup --check-pkg-deps</c>: decides dependency problems, failed checks, and a success whose tests did not run.</summary>
    public const string CheckDeps = "check-deps";

    /// <summary><c>raco test</c>: decides test failures, and a success whose tests ran.</summary>
    public const string Test = "test";
}

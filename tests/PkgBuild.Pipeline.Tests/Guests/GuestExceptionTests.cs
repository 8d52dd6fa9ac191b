using System.Reflection;
using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Execution;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Layout;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Tests.Planning;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>
/// Guest errors (PKB06xx) have their own type, <see cref="GuestException"/>: raised as one wherever they are
/// raised, and what a package run counts as an infrastructure failure by its type, not by its code.
/// </summary>
public sealed partial class GuestExceptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Only_a_guest_code_makes_a_guest_exception_code_and_message_kept()
    {
        var e = new GuestException(ErrorCodes.GuestConnectionLost, "gone", new SourceLocation("pkgbuild.proj", 3, 5, 0));

        Assert.IsAssignableFrom<PkgBuildException>(e);
        Assert.Equal("PKB0611", e.Code);
        Assert.Equal("pkgbuild.proj:3:5: PKB0611: gone", e.ToString());
        Assert.Throws<ArgumentException>(() => new GuestException(ErrorCodes.GuestRacketUnusable, "not a 06xx code"));
    }

    [Fact]
    public async Task A_guest_exception_in_a_package_run_is_an_infrastructure_failure()
    {
        var result = await Run(new GuestException(ErrorCodes.GuestConnectionLost, "The connection to the guest was lost: reset"));

        Assert.Equal(PackageOutcome.InfrastructureFailure, result.Outcome);
        Assert.Equal("PKB0611: The connection to the guest was lost: reset", result.Message);
        Assert.Null(result.Step);
    }

    [Fact]
    public async Task Another_error_is_not_taken_for_the_guests_even_with_a_guest_code()
    {
        // The type decides, not a code prefix: an error that is not a guest's goes up as it is.
        await Assert.ThrowsAsync<PkgBuildException>(() => Run(new PkgBuildException(ErrorCodes.GuestCannotReachSite, "no site")));
        await Assert.ThrowsAsync<PkgBuildException>(() => Run(new PkgBuildException(ErrorCodes.GuestConnectionLost, "not raised as a guest's")));
    }

    /// <summary>
    /// Every <c>new PkgBuildException(ErrorCodes.X</c> in src/ whose code is PKB06xx: there should be none,
    /// but for RunPkgBuild.cs's checks that guests were started at all, outside any package run (another
    /// change restructures that file; they stop the build either way).
    /// </summary>
    [Fact]
    public void No_guest_code_is_raised_as_a_plain_PkgBuildException()
    {
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral)
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!, StringComparer.Ordinal);
        var src = Path.Combine(RepositoryPaths.Root, "src");
        var plain = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && Path.GetFileName(f) != "RunPkgBuild.cs")
            .SelectMany(f => PlainThrow().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(src, f), Code: m.Groups[1].Value)))
            .Where(t => codes[t.Code].StartsWith(GuestException.CodePrefix, StringComparison.Ordinal))
            .ToList();

        Assert.Empty(plain);
        Assert.Contains(nameof(ErrorCodes.GuestConnectionLost), codes.Keys); // the scan reads what it means to
    }

    [GeneratedRegex(@"new PkgBuildException\(\s*ErrorCodes\.(\w+)")]
    private static partial Regex PlainThrow();

    private async Task<PackageResult> Run(Exception failure)
    {
        var settings = TestRunSettings.Base with { Results = new ResultsLayout(_dir.Combine("results")), StateDirectory = _dir.Combine("runs"), SiteDirectory = _dir.Combine("site"), RacketIdentity = "test" };
        var side = new RunSide { Name = RunSide.ModifiedName, Archive = new PackageCatalog([]), BuiltDirectory = "built", JournalDirectory = _dir.Combine("runs"), LogsDirectory = "logs" };
        var runner = new PackageJob(settings, side, new BuiltCatalog(settings.SiteDirectory), _ => false);
        return await runner.RunAsync("qs-a", new RunGuest(new FailingGuest(failure), new Uri("http://127.0.0.1:9/"), "raco"), CancellationToken.None);
    }

    /// <summary>A guest whose sessions cannot be opened, as told.</summary>
    private sealed class FailingGuest(Exception failure) : IGuestMachine
    {
        public GuestSpec Spec { get; } = GuestSpec.Parse("failing", new Dictionary<string, string>());

        public Task PreflightAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IGuestSession> OpenSessionAsync(string label, CancellationToken cancellationToken = default) => Task.FromException<IGuestSession>(failure);

        public Task<Uri> ShareSiteAsync(string siteDirectory, Uri siteUrl, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<string> InstallRacketAsync(string installerFile, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Settings;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Planning;

public sealed class RunStampTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private RunStampInputs Inputs(string baseline = "", string kind = "Ssh") => new(
        "code", TestRunSettings.Base with { SiteDirectory = _dir.Combine("site") }, BaselineChoice.Parse(baseline), new RunSelection { Scope = RunScope.All },
        Installer: null, Preinstalled: false, ExtraPackages: [], Guests: [("g", new Dictionary<string, string> { ["Kind"] = kind, ["Host"] = "h" })],
        EditsFile: null, Report: "fail-on-regression=True");

    [Fact]
    public void The_same_inputs_give_the_same_stamp_and_any_change_another()
    {
        var stamp = RunStamp.Of(Inputs());

        Assert.NotNull(stamp);
        Assert.Equal(stamp, RunStamp.Of(Inputs()));
        Assert.NotEqual(stamp, RunStamp.Of(Inputs() with { Selection = new RunSelection { Scope = RunScope.All, Skip = ["x"] } }));
        Assert.NotEqual(stamp, RunStamp.Of(Inputs() with { Settings = Inputs().Settings with { RunTests = false } }));
        Assert.NotEqual(stamp, RunStamp.Of(Inputs() with { Report = "fail-on-regression=False" }));
        Assert.NotEqual(stamp, RunStamp.Of(Inputs(kind: "VirtualBox")));
    }

    [Fact]
    public void A_file_an_earlier_step_wrote_is_part_of_the_stamp()
    {
        var before = RunStamp.Of(Inputs());
        Directory.CreateDirectory(_dir.Combine("site", "catalog"));
        File.WriteAllText(_dir.Combine("site", "catalog", "pkgs-all"), "#hash()");

        Assert.NotEqual(before, RunStamp.Of(Inputs()));
    }

    [Fact]
    public void What_only_asking_would_tell_gives_no_stamp()
    {
        Assert.Null(RunStamp.Of(Inputs(baseline: "https://example.org/summary.rktd")));
        Assert.Null(RunStamp.Of(Inputs() with { Preinstalled = true })); // an Ssh guest's own Racket
        Assert.NotNull(RunStamp.Of(Inputs(kind: "Local") with { Preinstalled = true }));
    }
}

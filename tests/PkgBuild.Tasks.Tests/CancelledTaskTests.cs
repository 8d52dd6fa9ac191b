using PkgBuild.Testing.MSBuild;

namespace PkgBuild.Tasks.Tests;

public sealed class CancelledTaskTests
{
    /// <summary>A task that is cancelled while it works, as Ctrl+C does.</summary>
    private sealed class Interrupted : PkgBuildTask
    {
        protected override void ExecuteCore()
        {
            Cancel();
            CancellationToken.ThrowIfCancellationRequested();
        }
    }

    [Fact]
    public void A_cancelled_step_fails_and_says_that_finished_work_is_kept_and_a_rerun_resumes()
    {
        var engine = new FakeBuildEngine();

        Assert.False(new Interrupted { BuildEngine = engine }.Execute());

        var warning = Assert.Single(engine.Warnings);
        Assert.Equal("PKB0004", warning.Code);
        Assert.Equal("Interrupted was cancelled. Finished work is kept: build again and it resumes where it stopped.", warning.Message);
    }
}

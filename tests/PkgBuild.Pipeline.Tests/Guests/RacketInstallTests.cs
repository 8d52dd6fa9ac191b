using PkgBuild.Pipeline.Guests;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>Racket installed from an installer once per installer, also by builds that share the directory at the same moment.</summary>
public sealed class RacketInstallTests
{
    private static readonly GuestSpec Guest = GuestSpec.Parse("local", new Dictionary<string, string>());

    /// <summary>An installer that takes a while and counts its runs in <paramref name="runs"/>.</summary>
    private static string SlowInstaller(TempDirectory dir, string runs)
    {
        var installer = dir.Combine("installer.sh");
        File.WriteAllText(installer, $"""
            #!/bin/sh
            [ "$1" = --in-place ] && [ "$2" = --dest ] || exit 2
            echo run >> '{runs}'
            sleep 2
            mkdir -p "$3/bin" && printf '#!/bin/sh\necho raco\n' > "$3/bin/raco" && chmod +x "$3/bin/raco"
            """);
        return installer;
    }

    [Fact]
    public async Task Builds_installing_the_same_installer_into_one_directory_at_once_install_it_once()
    {
        using var dir = new TempDirectory();
        var runs = dir.Combine("runs");
        var installer = SlowInstaller(dir, runs);

        var directories = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => RacketInstall.OnThisMachineAsync(installer, dir.Combine("shared"), Guest, CancellationToken.None))));

        Assert.Single(directories.Distinct());
        Assert.Single(File.ReadAllLines(runs));
        Assert.True(File.Exists(Path.Combine(directories[0], "bin", "raco")));
        Assert.True(File.Exists(Path.Combine(directories[0], RacketInstall.CompleteMarker)));
    }

    [Fact]
    public async Task An_install_that_did_not_finish_is_done_again()
    {
        using var dir = new TempDirectory();
        var runs = dir.Combine("runs");
        var installer = SlowInstaller(dir, runs);
        var parent = dir.Combine("shared");
        var unfinished = Directory.CreateDirectory(Path.Combine(parent, RacketInstall.DirectoryName(installer), "bin")).FullName;
        File.WriteAllText(Path.Combine(unfinished, "half-written"), "");

        var directory = await RacketInstall.OnThisMachineAsync(installer, parent, Guest, CancellationToken.None);

        Assert.Single(File.ReadAllLines(runs));
        Assert.False(File.Exists(Path.Combine(directory, "bin", "half-written")));
        Assert.True(File.Exists(Path.Combine(directory, RacketInstall.CompleteMarker)));
    }
}

using PkgBuild.Pipeline.Guests;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Guests;

/// <summary>
/// A guest that races the build's copy out: a process in the session keeps renaming a symbolic link to a
/// root-only canary and a fresh copy of the real file over <c>work/race.zip</c> (rename(2), as <c>mv -T</c>
/// does it), while the build copies that path out again and again. What each attempt got is counted.
/// </summary>
public static class CopyOutRace
{
    public sealed record Tally(int Attempts, int Wins, int Refused, int Real, int Missed, IReadOnlyList<string> Messages, string RacerOutput);

    /// <summary>A file only root may read, to link to; its content is what a win would copy out.</summary>
    public static string WriteCanary(TempDirectory dir)
    {
        var canary = dir.Combine("root-only", "canary");
        Directory.CreateDirectory(Path.GetDirectoryName(canary)!);
        File.WriteAllText(canary, "CANARY-" + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(canary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        return canary;
    }

    /// <summary>
    /// What every racing test asserts of a tally: the canary never came out, the race did happen (attempts met
    /// both the link and the real file), and each refusal says why in words matching <paramref name="refusal"/>.
    /// </summary>
    public static void AssertNeverWon(Tally tally, string refusal = "work/race.zip.*(symbolic link|not a regular file).*refused")
    {
        Assert.Equal(0, tally.Wins);
        Assert.True(tally.Refused > 0 && tally.Real > 0, $"the race did not happen: {tally}");
        Assert.All(tally.Messages, m => Assert.Matches(refusal, m));
    }

    public static async Task<Tally> RunAsync(IGuestSession session, string canary, string localDirectory, int attempts)
    {
        const string Real = "REAL-ZIP-CONTENT";
        // The link stays in place for a while and the real file for a moment, so attempts meet both.
        var script = $"printf {Real} > real && cp real race.zip && echo started && "
            + $"while :; do ln -sfn {ShellQuote.Quote(canary)} l && mv -fT l race.zip; sleep 0.002; cp real r && mv -fT r race.zip; done";
        using var stop = new CancellationTokenSource();
        var racer = session.RunAsync(new GuestCommand("/bin/sh", "-c", script), new GuestRunOptions { Timeout = TimeSpan.FromMinutes(5) }, stop.Token);
        var secret = File.ReadAllText(canary);
        localDirectory = Path.Combine(localDirectory, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(localDirectory);
        var random = new Random(17);
        int wins = 0, refused = 0, real = 0, missed = 0;
        var messages = new List<string>();
        try
        {
            await WaitForAsync(() => Started(session), racer);
            for (var i = 0; i < attempts; i++)
            {
                var local = Path.Combine(localDirectory, $"attempt-{i}");
                try
                {
                    await session.CopyOutAsync("work/race.zip", local);
                    var got = File.ReadAllText(local);
                    if (got == secret)
                    {
                        wins++;
                    }
                    else if (got == Real)
                    {
                        real++;
                    }
                    else
                    {
                        throw new InvalidOperationException($"attempt {i} copied neither file: '{got}'");
                    }
                }
                catch (UnsafeGuestFileException e)
                {
                    refused++;
                    messages.Add(e.Message);
                    Assert.False(File.Exists(local), $"attempt {i} was refused ({e.Message}) but left {local}: {(File.Exists(local) ? File.ReadAllText(local) : "")}");
                }
                catch (FileNotFoundException)
                {
                    // Over SFTP, a name renamed at the instant it is opened can read as missing (on a loaded
                    // machine): nothing came out, which is what matters; the package counts as not packed.
                    missed++;
                    Assert.False(File.Exists(local), $"attempt {i} found no file but left {local}");
                }
                await Task.Delay(random.Next(0, 4));
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
        var output = "";
        try
        {
            output = (await racer).Output;
        }
        catch (OperationCanceledException)
        {
            // The racer is stopped by cancelling its command.
        }
        return new Tally(attempts, wins, refused, real, missed, messages, output);
    }

    /// <summary>Whether the racer has made the first copy of the real file (the guest's own view of work/race.zip).</summary>
    private static bool Started(IGuestSession session)
    {
        try
        {
            var probe = Path.Combine(Path.GetTempPath(), $"race-probe-{Guid.NewGuid():N}");
            session.CopyOutAsync("work/real", probe).GetAwaiter().GetResult();
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or IOException or UnsafeGuestFileException)
        {
            return false;
        }
    }

    private static async Task WaitForAsync(Func<bool> ready, Task<GuestRunResult> racer)
    {
        for (var i = 0; i < 200 && !ready(); i++)
        {
            if (racer.IsCompleted)
            {
                throw new InvalidOperationException("the racer ended before it started: " + (await racer).Output);
            }
            await Task.Delay(50);
        }
    }
}

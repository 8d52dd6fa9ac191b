using System.Runtime.InteropServices;

namespace PkgBuild.Testing.Ssh;

/// <summary>
/// The throwaway local account SSH tests log in as. Created once and then reused by every server,
/// in this process and others, so creation tolerates a concurrent creator.
/// </summary>
internal sealed record TestUser(string Name, int Uid, int Gid, string Home)
{
    private static readonly Lock Gate = new();

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int SysChown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);

    /// <summary>Makes sure <paramref name="name"/> exists, can log in by key, and has a ~/.ssh.</summary>
    public static TestUser Ensure(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Test users are Linux accounts.");
        }
        // Two useradds racing for one name both succeed, the second rewriting the first's entry under a new
        // UID while the home stays the first's: serialise across test processes, not only threads.
        lock (Gate)
        {
            using var machineLock = MachineLock.Acquire("users");
            var user = Find(name) ?? Create(name);
            Unlock(name);
            if (!Directory.Exists(user.Home))
            {
                // An account left without its home (useradd -m interrupted, home cleaned away).
                Directory.CreateDirectory(user.Home);
                user.Own(user.Home);
            }
            var ssh = Path.Combine(user.Home, ".ssh");
            Directory.CreateDirectory(ssh);
            File.SetUnixFileMode(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            user.Own(ssh);
            return user;
        }
    }

    /// <summary>Gives <paramref name="path"/> to this user (sshd reads key files with the user's rights).</summary>
    public void Own(string path)
    {
        if (SysChown(path, Uid, Gid) != 0)
        {
            throw new IOException($"chown {Name} {path} failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    private static TestUser Create(string name)
    {
        // Something outside the test processes (adduser, a package) may hold the passwd lock: retry.
        ProcessResult? last = null;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            last = ProcessRunner.Run("useradd", ["-m", "-s", "/bin/sh", name], timeout: TimeSpan.FromSeconds(30));
            if (Find(name) is { } user)
            {
                // useradd -m keeps a home left by an earlier account of that name, and its old owner.
                user.Own(user.Home);
                return user;
            }
            Thread.Sleep(250);
        }
        throw new InvalidOperationException($"useradd {name} failed (exit {last!.ExitCode}):\n{last.Output}");
    }

    // useradd leaves the password field "!", and with UsePAM no sshd refuses a locked account even for
    // key logins ("User ... not allowed because account is locked"). "*" means no password, not locked.
    private static void Unlock(string name)
    {
        if (!File.Exists("/etc/shadow"))
        {
            return;
        }
        var entry = File.ReadLines("/etc/shadow").Select(line => line.Split(':')).FirstOrDefault(f => f[0] == name);
        if (entry is null || entry.Length < 2 || !entry[1].StartsWith('!'))
        {
            return;
        }
        ProcessResult? last = null;
        for (var attempt = 0; attempt < 40; attempt++)
        {
            last = ProcessRunner.Run("usermod", ["-p", "*", name], timeout: TimeSpan.FromSeconds(30));
            if (last.ExitCode == 0)
            {
                return;
            }
            Thread.Sleep(250); // /etc/shadow locked by a concurrent useradd/usermod
        }
        throw new InvalidOperationException($"usermod -p '*' {name} failed (exit {last!.ExitCode}):\n{last.Output}");
    }

    private static TestUser? Find(string name)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            // name:password:uid:gid:gecos:home:shell
            var f = line.Split(':');
            if (f.Length >= 7 && f[0] == name)
            {
                return new TestUser(name, int.Parse(f[2]), int.Parse(f[3]), f[5]);
            }
        }
        return null;
    }
}

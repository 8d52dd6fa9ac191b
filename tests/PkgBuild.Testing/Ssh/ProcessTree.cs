using System.Runtime.InteropServices;

namespace PkgBuild.Testing.Ssh;

/// <summary>
/// Signals and the parent/child tree of Linux processes, read from /proc. sshd forks a child per
/// connection and those outlive the listener, so the fixtures have to find and end them by PID.
/// </summary>
internal static class ProcessTree
{
    // Linux signal numbers (the same on x86-64 and arm64).
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    /// <summary>Sends <paramref name="signal"/>; false when the process is gone.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && SysKill(pid, signal) == 0;

    /// <summary>True while <paramref name="pid"/> exists and is not a zombie (a zombie holds nothing but its PID).</summary>
    public static bool IsAlive(int pid) =>
        ReadStat(pid) is { } stat && stat.State is not ('Z' or 'X' or 'x');

    /// <summary>Every process below <paramref name="root"/>, parents before children.</summary>
    public static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || ReadStat(pid) is not { } stat)
            {
                continue;
            }
            if (!children.TryGetValue(stat.Parent, out var list))
            {
                children[stat.Parent] = list = [];
            }
            list.Add(pid);
        }

        var result = new List<int>();
        var queue = new Queue<int>([root]);
        while (queue.TryDequeue(out var parent))
        {
            foreach (var child in children.GetValueOrDefault(parent) ?? [])
            {
                result.Add(child);
                queue.Enqueue(child);
            }
        }
        return result;
    }

    /// <summary>
    /// SIGKILLs every descendant of <paramref name="root"/> and waits (bounded) until they are gone.
    /// Each one is stopped first, until a scan finds no new ones: a stopped process cannot fork, and
    /// a child whose parent dies is re-parented away from the tree, so killing while scanning could
    /// miss processes.
    /// </summary>
    public static void KillDescendants(int root, TimeSpan wait)
    {
        var seen = new HashSet<int>();
        for (var round = 0; round < 100; round++)
        {
            var fresh = Descendants(root).Where(seen.Add).ToList();
            if (fresh.Count == 0)
            {
                break;
            }
            foreach (var pid in fresh)
            {
                Signal(pid, SigStop);
            }
        }
        foreach (var pid in seen)
        {
            Signal(pid, SigKill);
        }
        WaitUntilGone(seen, wait);
    }

    /// <summary>Polls until none of <paramref name="pids"/> is alive; false on timeout.</summary>
    public static bool WaitUntilGone(IEnumerable<int> pids, TimeSpan wait)
    {
        var pending = pids.ToList();
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            pending.RemoveAll(pid => !IsAlive(pid));
            if (pending.Count == 0)
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            Thread.Sleep(10);
        }
    }

    private readonly record struct Stat(char State, int Parent);

    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // exited while we looked
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        return fields.Length > 1 && int.TryParse(fields[1], out var parent) ? new Stat(fields[0][0], parent) : null;
    }
}

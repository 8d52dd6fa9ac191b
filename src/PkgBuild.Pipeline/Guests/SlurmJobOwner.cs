using System.Globalization;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// The process that owns a Slurm guest's jobs, as written in each job's comment:
/// <c>host/boot/pid/start</c>, with the machine's boot id and the process's start time (so neither a
/// restarted machine nor a pid used again passes for the same process). Only this machine's owners can be
/// told dead; one of another host is never.
/// </summary>
internal static class SlurmJobOwner
{
    /// <summary>This process, as a job's owner.</summary>
    public static string Current { get; } = Of(Environment.ProcessId) ?? $"{SafeWord(Environment.MachineName)}/-/{Environment.ProcessId}/-";

    /// <summary>The owner token of a running process of this machine; null when there is none with that pid.</summary>
    public static string? Of(int pid) =>
        StartTime(pid) is { } start ? $"{SafeWord(Environment.MachineName)}/{BootId()}/{pid.ToString(CultureInfo.InvariantCulture)}/{start}" : null;

    /// <summary>Whether <paramref name="owner"/> names a process of this machine that no longer runs.</summary>
    public static bool IsDead(string owner)
    {
        if (owner.Split('/') is not [var host, var boot, var pid, var start] || host != SafeWord(Environment.MachineName) || boot == "-" || start == "-"
            || !int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return false;
        }
        return boot != BootId() || StartTime(id) != start;
    }

    /// <summary>Build, guest and owner from a comment the guest wrote (<c>pkgbuild build=… guest=… owner=…</c>); null for any other job's.</summary>
    public static (string Build, string Guest, string Owner)? Parse(string comment)
    {
        var words = comment.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is not ["pkgbuild", ..])
        {
            return null;
        }
        string? Value(string key) => words.FirstOrDefault(w => w.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
        return Value("build") is { } build && Value("guest") is { } guest && Value("owner") is { } owner ? (build, guest, owner) : null;
    }

    /// <summary>A name as one word of a comment: letters, digits, '-', '_' and '.', nothing else.</summary>
    public static string SafeWord(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').Take(64).ToArray());

    private static string BootId()
    {
        try
        {
            return File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim().Replace("-", "", StringComparison.Ordinal)[..12];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return "-";
        }
    }

    /// <summary>The process's start time in clock ticks after boot (<c>/proc/PID/stat</c>, field 22); null when it does not run.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) is in parentheses and may hold blanks: count from after it.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

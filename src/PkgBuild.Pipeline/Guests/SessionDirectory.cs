using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// Paths inside a session directory that a guest writes and this machine then reads or writes (copy in,
/// copy out): a path that climbs out is refused, and so is one through a symbolic link, because a link
/// the guest made (<c>work/out → /etc/shadow</c>) would have the build read or write its target with the
/// build's rights. <see cref="CopyOut"/> and <see cref="CopyIn"/> hold while the guest's processes run.
/// </summary>
public static class SessionDirectory
{
    /// <summary>The parts of <paramref name="relativePath"/> under <paramref name="root"/>; a path that climbs out is refused.</summary>
    private static string[] PartsInside(string root, string relativePath)
    {
        var full = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{relativePath}' is not inside the session.", nameof(relativePath));
        }
        return full[(root.Length + 1)..].Split(Path.DirectorySeparatorChar);
    }

    /// <summary>
    /// Copies the file at <paramref name="relativePath"/> under <paramref name="root"/> out to
    /// <paramref name="localFile"/>, refusing (<see cref="UnsafeGuestFileException"/>) a link anywhere on the
    /// way, anything but a regular file, and a file with other hard links.
    /// </summary>
    /// <remarks>
    /// The guest's processes may still be running while we copy (a package's dependents get its zip while
    /// its tests run), so no check made before the copy holds during it: a process can rename a link over
    /// the file between the two. Hence every component is opened with <c>O_NOFOLLOW</c> from the one
    /// before, the file is checked on the opened descriptor and copied from that descriptor, so whatever is
    /// at the path later does not matter. A hard link needs no race: Linux's <c>fs.protected_hardlinks</c>
    /// keeps the sandbox's user from linking a file it cannot read, and a file with several names is refused
    /// in case a machine lacks that setting.
    /// </remarks>
    public static void CopyOut(string root, string relativePath, string localFile)
    {
        using var source = Open(root, relativePath, write: false);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localFile))!);
        using var target = new FileStream(localFile, FileMode.Create, FileAccess.Write);
        source.CopyTo(target);
    }

    /// <summary>
    /// Copies <paramref name="localFile"/> to <paramref name="relativePath"/> under <paramref name="root"/>,
    /// creating its directories, through no link the guest made (the way <see cref="CopyOut"/> reads).
    /// </summary>
    public static void CopyIn(string localFile, string root, string relativePath)
    {
        using var source = File.OpenRead(localFile);
        using var target = Open(root, relativePath, write: true);
        source.CopyTo(target);
    }

    private static FileStream Open(string root, string relativePath, bool write)
    {
        // Links are refused by the walk below, component by component, not by a look beforehand.
        var parts = PartsInside(root, relativePath);
        var directory = Native.Open(Native.AtFdCwd, root, Native.ReadOnly | Native.Directory);
        if (directory < 0)
        {
            throw new IOException($"Cannot open the session directory {root} (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            foreach (var part in parts[..^1])
            {
                if (write && Native.MakeDirectory(directory, part, 0x1ed /* 0755 */) != 0 && Marshal.GetLastPInvokeError() != Native.Exists)
                {
                    throw new IOException($"Cannot create {part} in the session (errno {Marshal.GetLastPInvokeError()}).");
                }
                var next = Native.Open(directory, part, Native.ReadOnly | Native.Directory | Native.NoFollow);
                var error = Marshal.GetLastPInvokeError();
                Native.Close(directory);
                directory = next;
                if (next < 0)
                {
                    throw Failed(relativePath, error);
                }
            }
            // Non-blocking: opening a FIFO the guest put there must not wait for a writer.
            var flags = Native.NoFollow | Native.NonBlocking | Native.NoControllingTerminal
                | (write ? Native.WriteOnly | Native.Create : Native.ReadOnly); // truncated once checked: a hard link's other name is not ours to empty
            var fd = Native.Open(directory, parts[^1], flags, 0x1a4 /* 0644 */);
            if (fd < 0)
            {
                throw Failed(relativePath, Marshal.GetLastPInvokeError());
            }
            var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
            try
            {
                var (mode, links) = Native.Describe(fd);
                if ((mode & Native.TypeMask) != Native.RegularFile)
                {
                    throw new UnsafeGuestFileException($"'{relativePath}' in the guest's session is not a regular file (a FIFO, device, socket or directory); refused.");
                }
                // No name at all is a file renamed over since it was opened: what this descriptor holds is
                // still the regular file that was there, safe to read; written, it would be lost.
                if (links == 0 && write)
                {
                    throw new UnsafeGuestFileException($"'{relativePath}' in the guest's session was removed while it was being written; refused.");
                }
                if (links > 1)
                {
                    throw new UnsafeGuestFileException($"'{relativePath}' in the guest's session has {links} hard links; a file the guest linked there is refused.");
                }
                var stream = new FileStream(handle, write ? FileAccess.Write : FileAccess.Read);
                if (write)
                {
                    stream.SetLength(0);
                }
                return stream;
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        finally
        {
            if (directory >= 0)
            {
                Native.Close(directory);
            }
        }
    }

    private static Exception Failed(string relativePath, int errno) => errno switch
    {
        Native.Loop or Native.NotADirectory =>
            new UnsafeGuestFileException($"'{relativePath}' in the guest's session is, or passes through, a symbolic link the guest made; refused."),
        Native.NoEntry => new FileNotFoundException($"'{relativePath}' is not in the guest's session."),
        _ => new IOException($"Cannot open '{relativePath}' in the guest's session (errno {errno})."),
    };

    /// <summary>openat(2), mkdirat(2) and statx(2) on a descriptor: what .NET's file APIs, which follow links, do not offer.</summary>
    private static class Native
    {
        public const int AtFdCwd = -100;
        public const int ReadOnly = 0x0;
        public const int WriteOnly = 0x1;
        public const int Create = 0x40;
        public const int NoControllingTerminal = 0x100;
        public const int NonBlocking = 0x800;
        public const int Directory = 0x10000;
        public const int NoFollow = 0x20000;
        public const int CloseOnExec = 0x80000;
        public const int NoEntry = 2;
        public const int Exists = 17;
        public const int NotADirectory = 20;
        public const int Loop = 40;
        public const int TypeMask = 0xF000;
        public const int RegularFile = 0x8000;
        private const int EmptyPath = 0x1000;
        private const uint TypeAndLinks = 0x1 | 0x4; // STATX_TYPE | STATX_NLINK
        private const int LinksOffset = 16; // struct statx: stx_mask, stx_blksize, stx_attributes, then stx_nlink
        private const int ModeOffset = 28; // ... stx_uid, stx_gid, then stx_mode

        public static int Open(int directory, string path, int flags, int mode = 0) => OpenAt(directory, path, flags | CloseOnExec, mode);

        public static (int Mode, uint Links) Describe(int fd)
        {
            var buffer = new byte[256];
            if (Statx(fd, "", EmptyPath, TypeAndLinks, buffer) != 0)
            {
                throw new IOException($"Cannot examine a file in the guest's session (statx: errno {Marshal.GetLastPInvokeError()}).");
            }
            return (MemoryMarshal.Read<ushort>(buffer.AsSpan(ModeOffset)), MemoryMarshal.Read<uint>(buffer.AsSpan(LinksOffset)));
        }

        [DllImport("libc.so.6", EntryPoint = "openat", SetLastError = true)]
        private static extern int OpenAt(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        [DllImport("libc.so.6", EntryPoint = "mkdirat", SetLastError = true)]
        public static extern int MakeDirectory(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int mode);

        [DllImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
        public static extern int Close(int fd);

        [DllImport("libc.so.6", EntryPoint = "statx", SetLastError = true)]
        private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
    }

    /// <summary>
    /// Deletes a tree the guest wrote, which .NET's recursive delete can fail on (names that are not UTF-8,
    /// very deep trees): <c>rm -rf --one-file-system</c>, which never follows links out of it.
    /// </summary>
    public static async Task DeleteAsync(string directory, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }
        var result = await Processes.ChildProcess.RunAsync("rm", ["-rf", "--one-file-system", "--", directory],
            new Processes.ChildProcessOptions { Timeout = TimeSpan.FromMinutes(5) }, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new IOException($"Cannot delete {directory}: {result.Output.Trim()}");
        }
    }
}

/// <summary>
/// A file in a guest's session that the build will not read or write: a link, a FIFO or device, a file with
/// other hard links. The guest's doing, so it is the package's failure, never the machine's.
/// </summary>
public sealed class UnsafeGuestFileException(string message) : Exception(message);

using System.Runtime.InteropServices;

namespace PkgBuild.Pipeline.IO;

/// <summary>
/// Whether a path is a plain file, asked of Linux's <c>statx(2)</c> without following links: .NET's file
/// APIs do not tell a FIFO (whose reading waits forever), a socket or a device from a file. statx's record
/// has the same layout on every Linux architecture, unlike stat's. Null where it cannot be asked (not
/// Linux, no glibc): the caller then asks find(1).
/// </summary>
public static class FileType
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode
    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    private static readonly Lazy<bool> Works = new(() =>
    {
        try
        {
            return OperatingSystem.IsLinux() && Query("/") != null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    });

    /// <summary>Whether statx can be asked here.</summary>
    public static bool Available => Works.Value;

    /// <summary>Whether <paramref name="path"/> is a regular file (a link is not); null when statx is not available here.</summary>
    public static bool? IsRegularFile(string path)
    {
        if (!Works.Value)
        {
            return null;
        }
        var mode = Query(path) ?? throw new IOException($"{path} could not be examined (statx: errno {Marshal.GetLastPInvokeError()})");
        return (mode & TypeMask) == RegularFile;
    }

    private static int? Query(string path)
    {
        var buffer = new byte[256];
        return Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) == 0 ? System.Runtime.InteropServices.MemoryMarshal.Read<ushort>(buffer.AsSpan(ModeOffset)) : null;
    }

    [DllImport("libc.so.6", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
}

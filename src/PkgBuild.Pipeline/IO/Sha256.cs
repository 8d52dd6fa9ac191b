using System.Security.Cryptography;
using System.Text;

namespace PkgBuild.Pipeline.IO;

/// <summary>Lower-case hex SHA-256, the one content hash used for fingerprints and stamps.</summary>
public static class Sha256
{
    public static string Of(ReadOnlySpan<byte> data) => Hex(SHA256.HashData(data));

    public static string Of(string text) => Of(Encoding.UTF8.GetBytes(text));

    /// <summary>A file's hash, read as a stream (an installer is hundreds of MiB).</summary>
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Hex(SHA256.HashData(stream));
    }

    public static string Hex(ReadOnlySpan<byte> hash) => Convert.ToHexString(hash).ToLowerInvariant();
}

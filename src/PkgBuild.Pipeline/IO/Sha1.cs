using System.Security.Cryptography;

namespace PkgBuild.Pipeline.IO;

/// <summary>A file's lower-case hex SHA-1: the checksum Racket checks a package archive against.</summary>
public static class Sha1
{
    public static string OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA1.HashData(stream)).ToLowerInvariant();
    }
}

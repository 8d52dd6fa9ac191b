using System.Security.Cryptography;
using System.Text;

namespace PkgBuild.Pipeline.Guests;

/// <summary>What a known_hosts file says about a presented host key.</summary>
public enum HostKeyVerdict
{
    Trusted,
    Unknown,
    Changed,
    Revoked,
}

/// <summary>
/// OpenSSH's known_hosts, read the way ssh reads it: plain, <c>[host]:port</c>, wildcard and negated
/// patterns, hashed (<c>|1|salt|hash</c>) names, and <c>@revoked</c> lines (<c>@cert-authority</c> lines
/// are skipped: certificates are not used here). Never written: the user adds lines, with the text our
/// error gives them.
/// </summary>
public sealed class KnownHosts
{
    private readonly List<(string? Marker, string Hosts, string KeyType, string Key)> _lines = [];

    public static KnownHosts Load(string path)
    {
        var known = new KnownHosts();
        if (!File.Exists(path))
        {
            return known;
        }
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            string? marker = null;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0];
                fields = fields[1..];
            }
            if (fields.Length >= 3)
            {
                known._lines.Add((marker, fields[0], fields[1], fields[2]));
            }
        }
        return known;
    }

    /// <summary>How OpenSSH names a host in known_hosts: the bare host on port 22, else <c>[host]:port</c>.</summary>
    public static string HostEntryName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>The line that makes ssh (and us) trust this key for this host.</summary>
    public static string LineFor(string host, int port, string keyType, byte[] key) =>
        $"{HostEntryName(host, port)} {keyType} {Convert.ToBase64String(key)}";

    /// <summary>OpenSSH's fingerprint: <c>SHA256:</c> and the unpadded base64 of the key blob's SHA-256.</summary>
    public static string Fingerprint(byte[] key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');

    public HostKeyVerdict Check(string host, int port, string keyType, byte[] key)
    {
        var name = HostEntryName(host, port);
        var presented = Convert.ToBase64String(key);
        var sameTypeOther = false;
        var trusted = false;
        foreach (var (marker, hosts, type, value) in _lines)
        {
            if (!Matches(hosts, name))
            {
                continue;
            }
            if (marker == "@revoked" && value == presented)
            {
                return HostKeyVerdict.Revoked;
            }
            if (marker != null)
            {
                continue;
            }
            if (type == keyType && value == presented)
            {
                trusted = true;
            }
            else
            {
                // Any other key on record for this host: the presented one is not the one known, so it is
                // reported as a change, never as "unknown, add it" (which would invite accepting an impostor).
                sameTypeOther = true;
            }
        }
        return trusted ? HostKeyVerdict.Trusted : sameTypeOther ? HostKeyVerdict.Changed : HostKeyVerdict.Unknown;
    }

    /// <summary>
    /// The key type written inside a public key blob (its first SSH string: <c>ssh-rsa</c>, <c>ssh-ed25519</c>...),
    /// which is what known_hosts records; SSH.NET names the signature algorithm instead (<c>rsa-sha2-512</c>).
    /// </summary>
    public static string? KeyType(byte[] blob)
    {
        if (blob.Length < 4)
        {
            return null;
        }
        var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
        return length > 0 && length <= 64 && 4 + length <= blob.Length ? Encoding.ASCII.GetString(blob, 4, length) : null;
    }

    /// <summary>A comma-separated pattern list: any positive match and no negated one.</summary>
    private static bool Matches(string patterns, string name)
    {
        if (patterns.StartsWith("|1|", StringComparison.Ordinal))
        {
            return MatchesHashed(patterns, name);
        }
        var matched = false;
        foreach (var pattern in patterns.Split(','))
        {
            var negated = pattern.StartsWith('!');
            if (Glob(negated ? pattern[1..] : pattern, name))
            {
                if (negated)
                {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    /// <summary><c>|1|base64(salt)|base64(HMAC-SHA1(salt, name))</c>, as <c>ssh-keygen -H</c> writes.</summary>
    private static bool MatchesHashed(string entry, string name)
    {
        var parts = entry.Split('|');
        if (parts.Length != 4)
        {
            return false;
        }
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(name)), expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>OpenSSH's pattern language: <c>*</c> any run, <c>?</c> one character, case-insensitive.</summary>
    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }
}

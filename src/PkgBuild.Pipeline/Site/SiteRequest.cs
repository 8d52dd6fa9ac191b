namespace PkgBuild.Pipeline.Site;

/// <summary>One request's head: the request line and the headers that matter to a static server.</summary>
public sealed record SiteRequest(string Method, string Target, bool KeepAlive, bool HasBody)
{
    /// <summary>Null when the head is not an HTTP/1.x request.</summary>
    public static SiteRequest? Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[0].All(char.IsAsciiLetterUpper)
            || parts[2] is not ("HTTP/1.1" or "HTTP/1.0") || parts[1].Length == 0)
        {
            return null;
        }
        var http11 = parts[2] == "HTTP/1.1";
        string? connection = null;
        var hasBody = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(char.IsWhiteSpace))
            {
                return null;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connection = value.ToLowerInvariant();
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && value != "0")
            {
                hasBody = true;
            }
        }
        var keepAlive = http11 ? connection != "close" : connection == "keep-alive";
        return new SiteRequest(parts[0], parts[1], keepAlive, hasBody);
    }
}

using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Archive;

/// <summary>Why a source's host was refused: the host as the source names it, and the address it stands for.</summary>
public sealed record SourceHostRefusal(string Host, string Address, string Reason)
{
    public override string ToString() => Address == Host ? $"{Host}, {Reason}" : $"{Host} at {Address}, {Reason}";
}

/// <summary>Thrown where a connection to a refused host would have been made; nothing was sent.</summary>
public sealed class SourceHostRefusedException(SourceHostRefusal refusal)
    : IOException($"{refusal.Host} is {refusal.Address} ({refusal.Reason}); a remote catalog's source may not reach this machine")
{
    public SourceHostRefusal Refusal { get; } = refusal;
}

/// <summary>
/// Which hosts a source named by a remote catalog may reach: none of this machine's own (loopback,
/// unspecified, link-local, where cloud metadata services live, and every address of every local
/// interface), IPv4-mapped IPv6 forms included, unless the project allows the host by name or address
/// (<c>PkgBuildAllowedSourceHosts</c>). The same rules serve the early text check of a copied entry and
/// the check after name resolution when a connection is made.
/// </summary>
public sealed class SourceHostPolicy
{
    private readonly HashSet<string> _allowedNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<IPAddress> _allowedAddresses = [];
    private readonly HashSet<string> _catalogEndpoints = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;
    private readonly Func<IEnumerable<IPAddress>> _localAddresses;

    /// <param name="allowedHosts">Host names and addresses the project allows on purpose, any port.</param>
    /// <param name="catalogEndpoints">
    /// <c>host:port</c> of remote catalogs the project named at one of this machine's addresses: their own
    /// server is the project's choice, not the catalog's (a served catalog's relative sources point there).
    /// </param>
    /// <param name="resolve">Name resolution, for tests; the system resolver by default.</param>
    /// <param name="localAddresses">This machine's interface addresses, for tests; asked at each check by default.</param>
    public SourceHostPolicy(IEnumerable<string> allowedHosts, IEnumerable<string>? catalogEndpoints = null,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null, Func<IEnumerable<IPAddress>>? localAddresses = null)
    {
        foreach (var host in allowedHosts.Select(Normalize).Where(h => h.Length > 0))
        {
            if (IPAddress.TryParse(host, out var address))
            {
                _allowedAddresses.Add(Canonical(address));
            }
            else
            {
                _allowedNames.Add(host);
            }
        }
        foreach (var endpoint in catalogEndpoints ?? [])
        {
            _catalogEndpoints.Add(endpoint);
        }
        _resolve = resolve ?? Dns.GetHostAddressesAsync;
        _localAddresses = localAddresses ?? InterfaceAddresses;
    }

    /// <summary>The policy for <c>PkgBuildAllowedSourceHosts</c>, a semicolon-separated list.</summary>
    public static SourceHostPolicy FromProperty(string allowedHosts, IEnumerable<string>? catalogEndpoints = null) =>
        new(allowedHosts.Split(';'), catalogEndpoints);

    /// <summary>What the policy allows, for the archive's keys: a change of it archives remote entries again.</summary>
    public string Fingerprint =>
        string.Join(";", _allowedNames.Select(n => n.ToLowerInvariant()).Concat(_allowedAddresses.Select(a => a.ToString()))
            .Concat(_catalogEndpoints.Select(e => "catalog " + e.ToLowerInvariant())).Order(StringComparer.Ordinal));

    /// <summary><c>host:port</c> as the policy compares endpoints.</summary>
    public static string Endpoint(string host, int port) => $"{Normalize(host)}:{port}";

    /// <summary>
    /// The refusal the source URL's text alone shows (<c>localhost</c>, a literal address of this
    /// machine), or null. Resolution is left to <see cref="CheckAsync"/> at connect time: a name can
    /// resolve differently then.
    /// </summary>
    public SourceHostRefusal? RefusalByText(Uri url)
    {
        var host = Normalize(url.Host);
        if (host.Length == 0 || IsAllowedWithoutCheck(host, DefaultPort(url)))
        {
            return null;
        }
        if (IsLocalhostName(host))
        {
            return new SourceHostRefusal(host, host, "loopback");
        }
        if (!IPAddress.TryParse(host, out var address))
        {
            return null;
        }
        var canonical = Canonical(address);
        return Refused(canonical) is { } reason && !_allowedAddresses.Contains(canonical) ? new SourceHostRefusal(host, canonical.ToString(), reason) : null;
    }

    /// <summary>
    /// Resolves <paramref name="host"/> and returns its addresses when every one is allowed; throws
    /// <see cref="SourceHostRefusedException"/> when any is not (a name with one address on this machine is
    /// refused whatever its others are, so no order of trying them reaches it).
    /// </summary>
    public async Task<IPAddress[]> CheckAsync(string host, int port, CancellationToken cancellationToken)
    {
        host = Normalize(host);
        var allowed = IsAllowedWithoutCheck(host, port);
        if (!allowed && IsLocalhostName(host))
        {
            // Loopback by definition (RFC 6761), whatever a resolver answers.
            throw new SourceHostRefusedException(new SourceHostRefusal(host, host, "loopback"));
        }
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await _resolve(host, cancellationToken).ConfigureAwait(false);
        if (allowed)
        {
            return addresses;
        }
        foreach (var address in addresses)
        {
            var canonical = Canonical(address);
            if (Refused(canonical) is { } reason && !_allowedAddresses.Contains(canonical))
            {
                throw new SourceHostRefusedException(new SourceHostRefusal(host, canonical.ToString(), reason));
            }
        }
        return addresses;
    }

    /// <summary>
    /// An HTTP handler that connects only where <see cref="CheckAsync"/> allows, resolving once and
    /// connecting to exactly the addresses it checked, for the first request and every redirect (each new
    /// connection passes here). No proxy: a proxy would resolve and connect out of reach of the check.
    /// </summary>
    public SocketsHttpHandler CreateHttpHandler() => new()
    {
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = await CheckAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>The one warning for a refused source, at copy time or when archiving.</summary>
    public static PkgBuildException Warning(string entry, string source, SourceHostRefusal refusal, SourceLocation where) =>
        new(ErrorCodes.RemoteCatalogPrivateSource,
            $"The remote catalog entry '{entry}' has a source on this machine or its link-local network ({Printable(source)}: {refusal}); "
            + $"a remote catalog may not make the build fetch from there, so the entry is left out. To fetch it on purpose, add '{refusal.Host}' to PkgBuildAllowedSourceHosts.",
            where);

    /// <summary>The port a URL reaches, with the default of each source scheme Racket knows.</summary>
    public static int DefaultPort(Uri url) => url.Port >= 0 ? url.Port : url.Scheme.ToLowerInvariant() switch
    {
        "http" or "git+http" => 80,
        "https" or "git+https" or "github" => 443,
        "git" => 9418,
        _ => -1,
    };

    private bool IsAllowedWithoutCheck(string host, int port) =>
        _allowedNames.Contains(host) || _catalogEndpoints.Contains(Endpoint(host, port));

    /// <summary>Why <paramref name="address"/> (canonical) is one of this machine's, or null.</summary>
    private string? Refused(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }
        var bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            if (bytes[0] == 0)
            {
                return "unspecified"; // 0.0.0.0/8: Linux connects 0.0.0.0 to this machine
            }
            if (bytes[0] == 169 && bytes[1] == 254)
            {
                return "link-local";
            }
        }
        else
        {
            if (address.Equals(IPAddress.IPv6Any))
            {
                return "unspecified";
            }
            if (address.IsIPv6LinkLocal)
            {
                return "link-local";
            }
        }
        return _localAddresses().Select(Canonical).Contains(address) ? "an address of this machine" : null;
    }

    /// <summary>IPv4-mapped IPv6 as IPv4, without an IPv6 scope, so equal addresses compare equal.</summary>
    private static IPAddress Canonical(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
    }

    private static bool IsLocalhostName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>A host as written (brackets of an IPv6 literal, a final dot, surrounding blanks) in the form compared.</summary>
    private static string Normalize(string host)
    {
        host = host.Trim();
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        return host.TrimEnd('.').ToLowerInvariant();
    }

    private static IEnumerable<IPAddress> InterfaceAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(u => u.Address).ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).Take(300).ToArray());
}

using System.Net.Sockets;
using PkgBuild.Racket.Diagnostics;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// Opens SSH.NET connections to one guest with the host key checked against known_hosts or a pinned
/// fingerprint, never a prompt and never a blind accept, and turns each way a connection fails into its
/// own PKB error with the fix.
/// </summary>
public sealed class SshConnector(GuestSpec spec)
{
    /// <summary>How long connecting and the SSH handshake may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public string KnownHostsFile => spec.KnownHostsFile ?? Path.Combine(HomeDirectory, ".ssh", "known_hosts");

    private static string HomeDirectory => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The private key: IdentityFile, else the first of OpenSSH's default key files that exists.</summary>
    public string IdentityFile =>
        spec.IdentityFile
        ?? new[] { "id_ed25519", "id_ecdsa", "id_rsa" }.Select(n => Path.Combine(HomeDirectory, ".ssh", n)).FirstOrDefault(File.Exists)
        ?? throw Error(ErrorCodes.GuestAuthenticationFailed,
            $"there is no SSH key to log in as '{spec.User}' with: set IdentityFile, or create ~/.ssh/id_ed25519 (ssh-keygen -t ed25519) and add its .pub to the guest's authorized_keys.");

    public ConnectionInfo ConnectionInfo()
    {
        var keyPath = IdentityFile;
        PrivateKeyFile key;
        try
        {
            key = new PrivateKeyFile(keyPath);
        }
        catch (Exception e) when (e is SshException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw Error(ErrorCodes.GuestAuthenticationFailed, $"the key {keyPath} cannot be read ({e.Message}); it must be an unencrypted OpenSSH or PEM private key.");
        }
        return new ConnectionInfo(spec.Host!, spec.Port, spec.User, new PrivateKeyAuthenticationMethod(spec.User, key))
        {
            Timeout = ConnectTimeout,
        };
    }

    /// <summary>Connects <paramref name="client"/>, checking the host key; every failure is a PKB06xx error.</summary>
    public async Task ConnectAsync(BaseClient client, CancellationToken cancellationToken)
    {
        GuestException? refusal = null;
        client.HostKeyReceived += (_, e) =>
        {
            refusal = CheckHostKey(KnownHosts.KeyType(e.HostKey) ?? e.HostKeyName, e.HostKey);
            e.CanTrust = refusal == null;
        };
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (refusal != null)
        {
            throw refusal;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
        {
            throw Error(ErrorCodes.GuestHostNotFound, $"the host name '{spec.Host}' does not resolve ({e.Message}); check Host, or use the guest's IP address.");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            throw Error(ErrorCodes.GuestConnectionRefused, $"{spec.Host} port {spec.Port} refused the connection: no SSH server listens there. Start sshd in the guest, or fix Port.");
        }
        catch (Exception e) when (e is SshOperationTimeoutException or TimeoutException
            || e is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable })
        {
            throw Error(ErrorCodes.GuestTimeout, $"{spec.Host} port {spec.Port} did not answer within {ConnectTimeout.TotalSeconds:0} s ({e.Message}); check that the guest is running and reachable from here.");
        }
        catch (SshAuthenticationException e)
        {
            throw Error(ErrorCodes.GuestAuthenticationFailed,
                $"{spec.Host} refused user '{spec.User}' with the key {IdentityFile} ({e.Message}); add the key's .pub to ~{spec.User}/.ssh/authorized_keys in the guest, or fix User/IdentityFile.");
        }
        catch (SshConnectionException e)
        {
            throw Error(ErrorCodes.GuestConnectionLost, $"the SSH connection to {spec.Host} port {spec.Port} failed: {e.Message}");
        }
    }

    private GuestException? CheckHostKey(string keyType, byte[] key)
    {
        var fingerprint = KnownHosts.Fingerprint(key);
        if (spec.HostKeyFingerprint != null)
        {
            return fingerprint == spec.HostKeyFingerprint ? null
                : Error(ErrorCodes.GuestHostKeyChanged,
                    $"THE HOST KEY DOES NOT MATCH: {spec.Host} port {spec.Port} presented {keyType} {fingerprint}, but HostKeyFingerprint pins {spec.HostKeyFingerprint}. Someone may be intercepting the connection, or the guest was reinstalled; refused.");
        }
        var line = KnownHosts.LineFor(spec.Host!, spec.Port, keyType, key);
        return KnownHosts.Load(KnownHostsFile).Check(spec.Host!, spec.Port, keyType, key) switch
        {
            HostKeyVerdict.Trusted => null,
            HostKeyVerdict.Changed => Error(ErrorCodes.GuestHostKeyChanged,
                $"THE HOST KEY HAS CHANGED: {spec.Host} port {spec.Port} presented {keyType} {fingerprint}, which differs from the key {KnownHostsFile} has for it. Someone may be intercepting the connection, or the guest was reinstalled; refused. If the change is expected, replace that host's line with: {line}"),
            HostKeyVerdict.Revoked => Error(ErrorCodes.GuestHostKeyChanged,
                $"{spec.Host} port {spec.Port} presented {keyType} {fingerprint}, which {KnownHostsFile} marks @revoked; refused."),
            _ => Error(ErrorCodes.GuestHostKeyUnknown,
                $"the host key of {spec.Host} port {spec.Port} is not known, so it was refused (never accepted blindly): {keyType} {fingerprint}. If that is the guest's key (on the guest: ssh-keygen -lf /etc/ssh/ssh_host_{keyType.Replace("ssh-", "", StringComparison.Ordinal)}_key.pub), add this line to {KnownHostsFile}: {line}  (or set HostKeyFingerprint=\"{fingerprint}\")."),
        };
    }

    private GuestException Error(string code, string message) => new(code, $"PkgBuildGuest '{spec.Name}': {message}", spec.Location);
}

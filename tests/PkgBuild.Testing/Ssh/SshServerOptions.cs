namespace PkgBuild.Testing.Ssh;

/// <summary>Where and as whom an <see cref="SshServer"/> listens.</summary>
public sealed record SshServerOptions
{
    /// <summary>The address sshd listens on (and clients connect to).</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>A network namespace (by name) to run sshd in, through <c>ip netns exec</c>; null: the host's.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>The local account clients log in as; created if missing and reused afterwards.</summary>
    public string User { get; init; } = "pkgbuildtest";

    /// <summary>Options for a server inside <paramref name="ns"/>, listening on its guest address.</summary>
    public static SshServerOptions In(global::PkgBuild.Testing.Ssh.NetworkNamespace ns) =>
        new() { Address = ns.GuestAddress, NetworkNamespace = ns.Name };
}

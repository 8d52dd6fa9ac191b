namespace PkgBuild.Pipeline.Guests;

/// <summary>Where a package is built: this machine, a machine over SSH, a container, or a VirtualBox VM.</summary>
public enum GuestKind
{
    Local,
    Ssh,
    Container,
    VirtualBox,
}

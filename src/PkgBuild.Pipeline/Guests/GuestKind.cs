namespace PkgBuild.Pipeline.Guests;

/// <summary>Where a package is built: this machine, a machine over SSH, a container, a VirtualBox VM, or a Slurm cluster's nodes.</summary>
public enum GuestKind
{
    Local,
    Ssh,
    Container,
    VirtualBox,
    Slurm,
}

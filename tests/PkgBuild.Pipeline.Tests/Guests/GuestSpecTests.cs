using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Tests.Guests;

public sealed class GuestSpecTests
{
    private static GuestSpec Parse(string name, params (string Key, string Value)[] metadata) =>
        GuestSpec.Parse(name, metadata.ToDictionary(m => m.Key, m => m.Value), new SourceLocation("p.proj", 4, 5, 0));

    [Fact]
    public void A_guest_without_metadata_is_Local()
    {
        var spec = Parse("here");
        Assert.Equal((GuestKind.Local, 1, "init"), (spec.Kind, spec.Parallelism, spec.Snapshot));
    }

    [Fact]
    public void Ssh_metadata_is_read_and_checked()
    {
        var spec = Parse("vm1", ("Kind", "ssh"), ("Host", "10.0.0.5"), ("Port", "2222"), ("User", "racket"),
            ("HostKeyFingerprint", "SHA256:" + new string('A', 43)), ("Dir", "/home/racket/build"), ("Env", "PLT_CS_COMPILE_LIMIT=100; A_B=x=y"), ("Parallelism", "2"));

        Assert.Equal((GuestKind.Ssh, "10.0.0.5", 2222, 2), (spec.Kind, spec.Host, spec.Port, spec.Parallelism));
        Assert.Equal("x=y", spec.Env["A_B"]);
        Assert.Equal("100", spec.Env["PLT_CS_COMPILE_LIMIT"]);
    }

    [Theory]
    [InlineData("Kind", "Vagrant", "is not one of Local, Ssh, Container, VirtualBox")]
    [InlineData("Kind", "7", "is not one of")]
    [InlineData("Port", "70000", "from 1 to 65535")]
    [InlineData("Host", "bad host;rm -rf /", "is not a host name")]
    [InlineData("User", "$(id)", "is not a user name")]
    [InlineData("HostKeyFingerprint", "MD5:aa:bb", "SHA256:<base64>")]
    [InlineData("Dir", "relative/dir", "absolute path")]
    [InlineData("Dir", "/home/../etc", "without '..'")]
    [InlineData("Env", "1BAD=x", "is not NAME=value")]
    [InlineData("ContainerTool", "lxc", "neither docker nor podman")]
    [InlineData("Parallelism", "0", "from 1 to 256")]
    public void Unusable_metadata_is_refused_with_what_is_wrong(string key, string value, string fragment)
    {
        var metadata = new List<(string, string)> { ("Kind", "Ssh"), ("Host", "h") };
        metadata.RemoveAll(m => m.Item1 == key);
        metadata.Add((key, value));

        var error = Assert.Throws<GuestException>(() => Parse("g", metadata.ToArray()));

        Assert.Equal(ErrorCodes.GuestInvalid, error.Code);
        Assert.Contains(fragment, error.Message);
        Assert.Equal(("p.proj", 4), (error.Location.File, error.Location.Line));
    }

    [Fact]
    public void Slurm_metadata_is_read_and_checked()
    {
        var spec = Parse("cluster", ("Kind", "slurm"), ("SharedDir", "/scratch/me/pkgbuild"), ("Partition", "short"), ("Account", "racket-lab"),
            ("TimeLimitMinutes", "90"), ("SlurmArgs", " --qos=short  --constraint=avx2 "), ("MemoryMb", "2048"));

        Assert.Equal((GuestKind.Slurm, "/scratch/me/pkgbuild", "short", "racket-lab", 90, 2048), (spec.Kind, spec.SharedDir, spec.Partition, spec.Account, spec.TimeLimitMinutes, spec.MemoryMb));
        Assert.Equal(["--qos=short", "--constraint=avx2"], spec.SlurmArgs);
        Assert.Contains("needs SharedDir", Assert.Throws<GuestException>(() => Parse("g", ("Kind", "Slurm"))).Message);
        Assert.Contains("absolute path", Assert.Throws<GuestException>(() => Parse("g", ("Kind", "Slurm"), ("SharedDir", "/a/../b"))).Message);
        Assert.Contains("not a Slurm name", Assert.Throws<GuestException>(() => Parse("g", ("Kind", "Slurm"), ("SharedDir", "/s"), ("Partition", "a;b"))).Message);
        Assert.Contains("must start with '-'", Assert.Throws<GuestException>(() => Parse("g", ("Kind", "Slurm"), ("SharedDir", "/s"), ("SlurmArgs", "--qos short"))).Message);
        Assert.Contains("from 1 to", Assert.Throws<GuestException>(() => Parse("g", ("Kind", "Slurm"), ("SharedDir", "/s"), ("TimeLimitMinutes", "0"))).Message);
    }

    [Theory]
    [InlineData("--comment=mine")]
    [InlineData("--comm=mine")]
    [InlineData("--exclude=n1")]
    [InlineData("-xn1")]
    [InlineData("-Jname")]
    [InlineData("--time=5")]
    [InlineData("--qos=short --mem=1")]
    public void SlurmArgs_may_not_override_what_the_guest_sets(string args)
    {
        var error = Assert.Throws<GuestException>(() => Parse("g", ("Kind", "Slurm"), ("SharedDir", "/s"), ("SlurmArgs", args)));

        Assert.Equal("PKB0601", error.Code);
        Assert.Contains("sets what the guest sets itself", error.Message);
    }

    [Theory]
    [InlineData("--qos=short --constraint=avx2 --reservation=racket")]
    [InlineData("--mem-per-cpu=512 -qshort")]
    public void SlurmArgs_the_guest_leaves_alone_are_kept(string args)
    {
        Assert.Equal(args.Split(' '), Parse("g", ("Kind", "Slurm"), ("SharedDir", "/s"), ("SlurmArgs", args)).SlurmArgs);
    }

    [Fact]
    public void Kinds_that_need_a_host_or_image_say_so()
    {
        Assert.Contains("needs Host", Assert.Throws<GuestException>(() => Parse("g", ("Kind", "Ssh"))).Message);
        Assert.Contains("needs Image", Assert.Throws<GuestException>(() => Parse("g", ("Kind", "Container"))).Message);
        Assert.Contains("the name must be", Assert.Throws<GuestException>(() => Parse("../x")).Message);
    }
}

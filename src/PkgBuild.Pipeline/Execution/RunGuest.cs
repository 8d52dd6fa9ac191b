using PkgBuild.Pipeline.Guests;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Execution;

/// <summary>A started guest as the run uses it: where its packages find the site, and which raco they run.</summary>
public sealed record RunGuest(IGuestMachine Machine, Uri Site, string Raco)
{
    public string Name => Machine.Spec.Name;

    /// <summary>The <c>racket</c> beside <see cref="Raco"/> (on the guest's PATH when raco is).</summary>
    public string Racket => Raco == "raco" ? "racket" : Raco[..^"raco".Length] + "racket";

    /// <summary>One entry per package the guests build at once: each guest as often as its <c>Parallelism</c>.</summary>
    public static IReadOnlyList<RunGuest> Slots(IEnumerable<RunGuest> guests) =>
        guests.SelectMany(g => Enumerable.Repeat(g, g.Machine.Spec.Parallelism)).ToList();
}

using PkgBuild.Pipeline.Git;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// Turns each override's rev into the full commit that becomes the catalog checksum, with
/// <c>git ls-remote</c> against the new repository (always asked, so a moved branch head is noticed),
/// unless the override gives <c>Commit</c> itself. Overrides are resolved concurrently.
/// </summary>
public sealed class OverrideResolver(GitRevResolver git, Action<PkgBuildException> warn)
{
    public async Task<IReadOnlyList<OverrideSpec>> ResolveAsync(IReadOnlyList<OverrideSpec> specs, CancellationToken cancellationToken = default)
    {
        var parsed = specs.Select(spec => spec.Parse(warn)).ToList();
        var duplicate = parsed.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
        {
            throw new PkgBuildException(ErrorCodes.OverrideConflict,
                $"There are {duplicate.Count()} PkgBuildOverride items named '{duplicate.Key}'; keep one.", duplicate.Last().Location);
        }
        var resolved = await Task.WhenAll(parsed.Select((p, i) => ResolveOneAsync(specs[i], p, cancellationToken))).ConfigureAwait(false);
        return resolved;
    }

    private async Task<OverrideSpec> ResolveOneAsync(OverrideSpec spec, CatalogOverride parsed, CancellationToken cancellationToken)
    {
        if (parsed.Commit != null)
        {
            return spec with { ResolvedCommit = parsed.Commit, ResolvedAs = "Commit attribute" };
        }
        try
        {
            var rev = await git.ResolveAsync(parsed.Target.CloneUrl, parsed.Rev, cancellationToken).ConfigureAwait(false);
            return spec with { ResolvedCommit = rev.Commit, ResolvedAs = rev.Kind.ToString().ToLowerInvariant() };
        }
        catch (PkgBuildException e) when (!e.Location.IsKnown)
        {
            // Point at the override that asked for it.
            throw new PkgBuildException(e.Code, $"PkgBuildOverride '{spec.Name}': {e.Message}", spec.Location, e);
        }
    }
}

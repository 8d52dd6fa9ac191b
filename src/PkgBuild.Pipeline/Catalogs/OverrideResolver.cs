using PkgBuild.Pipeline.Git;
using PkgBuild.Racket.Catalogs;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// Turns each override's rev into the full commit that becomes the catalog checksum, with
/// <c>git ls-remote</c> against the new repository (always asked, so a moved branch head is noticed),
/// unless the override gives <c>Commit</c> itself. Overrides are resolved concurrently.
/// </summary>
public sealed class OverrideResolver(GitRevResolver git)
{
    public async Task<IReadOnlyList<ResolvedOverride>> ResolveAsync(IReadOnlyList<CatalogOverride> overrides, CancellationToken cancellationToken = default)
    {
        var duplicate = overrides.GroupBy(o => o.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null)
        {
            throw new PkgBuildException(ErrorCodes.OverrideConflict,
                $"There are {duplicate.Count()} PkgBuildOverride items named '{duplicate.Key}'; keep one.", duplicate.Last().Location);
        }
        return await Task.WhenAll(overrides.Select(o => ResolveOneAsync(o, cancellationToken))).ConfigureAwait(false);
    }

    private async Task<ResolvedOverride> ResolveOneAsync(CatalogOverride o, CancellationToken cancellationToken)
    {
        if (o.Commit != null)
        {
            return new ResolvedOverride(o, o.Commit, "Commit attribute");
        }
        try
        {
            var rev = await git.ResolveAsync(o.Target.CloneUrl, o.Rev, cancellationToken).ConfigureAwait(false);
            return new ResolvedOverride(o, rev.Commit, rev.Kind.ToString().ToLowerInvariant());
        }
        catch (PkgBuildException e) when (!e.Location.IsKnown)
        {
            // Point at the override that asked for it.
            throw new PkgBuildException(e.Code, $"PkgBuildOverride '{o.Name}': {e.Message}", o.Location, e);
        }
    }
}

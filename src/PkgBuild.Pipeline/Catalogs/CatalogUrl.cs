using PkgBuild.Racket.Diagnostics;
using PkgBuild.Racket.Sources;

namespace PkgBuild.Pipeline.Catalogs;

/// <summary>
/// The URLs of Racket's HTTP catalog protocol. Racket combines them relatively with the base, so a base
/// without a trailing '/' loses its last segment and the client reports "cannot find package"; we add
/// the '/' and say so instead.
/// </summary>
public static class CatalogUrl
{
    /// <summary>Parses a catalog base URL; <paramref name="slashAdded"/> tells the caller to warn that it fixed it.</summary>
    public static Uri ParseBase(string text, out bool slashAdded)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new PkgBuildException(ErrorCodes.InvalidProperty, $"'{text}' is not an http:// or https:// catalog URL.");
        }
        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new PkgBuildException(ErrorCodes.InvalidProperty, $"The catalog URL '{text}' has a query or fragment; a catalog base URL has neither.");
        }
        slashAdded = !uri.AbsolutePath.EndsWith('/');
        return slashAdded ? new Uri(uri.GetLeftPart(UriPartial.Path) + "/") : uri;
    }

    public static Uri Pkgs(Uri catalogBase, string? racketVersion) => Resource(catalogBase, "pkgs", racketVersion);

    public static Uri PkgsAll(Uri catalogBase, string? racketVersion) => Resource(catalogBase, "pkgs-all", racketVersion);

    public static Uri Pkg(Uri catalogBase, string name, string? racketVersion)
    {
        // Names go into the path: only valid names, which need no escaping, get this far.
        if (!PackageName.IsValid(name))
        {
            throw new ArgumentException($"'{name}' is not a valid package name.", nameof(name));
        }
        return Resource(catalogBase, "pkg/" + name, racketVersion);
    }

    private static Uri Resource(Uri catalogBase, string relative, string? racketVersion)
    {
        var query = string.IsNullOrEmpty(racketVersion) ? "" : "?version=" + Uri.EscapeDataString(racketVersion);
        return new Uri(catalogBase, relative + query);
    }
}

namespace PkgBuild.Racket.Sources;

/// <summary>How <c>raco pkg</c> reads a package source string (its <c>package-source-&gt;name+type</c>).</summary>
public enum PackageSourceKind
{
    /// <summary>Not a source Racket recognises.</summary>
    Unknown,

    /// <summary>A bare package name, looked up in the catalogs.</summary>
    Name,

    /// <summary>A local archive: <c>../pkgs/p.zip</c>.</summary>
    File,

    /// <summary>A local directory.</summary>
    Directory,

    /// <summary>An archive over HTTP(S): <c>https://host/p.zip</c>.</summary>
    FileUrl,

    /// <summary>An HTTP(S) URL of a directory, served file by file; an https git URL missing <c>.git</c> lands here.</summary>
    DirectoryUrl,

    /// <summary>A git repository: <c>git://</c>, <c>http(s)://…/repo.git</c> or <c>git+http(s)://</c>.</summary>
    Git,

    /// <summary>A GitHub repository in one of Racket's GitHub forms: <c>git://github.com/u/r</c> or <c>github://github.com/u/r/rev/path</c>.</summary>
    GitHub,
}

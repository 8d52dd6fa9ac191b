namespace PkgBuild.Racket.Data;

/// <summary>Which regexp syntax a literal uses: <c>#rx</c> (<c>regexp</c>) or <c>#px</c> (<c>pregexp</c>).</summary>
public enum RegexpKind
{
    Rx,
    Px,
}

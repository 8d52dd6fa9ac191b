using NuGet.Versioning;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Versions;

/// <summary>
/// A Racket version such as <c>8.7</c>, <c>8.10</c> or <c>8.11.1.3</c>. <see cref="Text"/> is kept exactly,
/// because catalogs match <c>versions</c> keys and <c>?version=</c> by the exact string; ordering
/// (8.10 after 8.9) goes through NuGet.Versioning, which compares the numeric parts as numbers.
/// </summary>
public sealed class RacketVersion : IComparable<RacketVersion>, IEquatable<RacketVersion>
{
    private readonly NuGetVersion _order;

    private RacketVersion(string text, NuGetVersion order)
    {
        Text = text;
        _order = order;
    }

    public string Text { get; }

    public static bool TryParse(string? text, out RacketVersion? version)
    {
        version = null;
        if (string.IsNullOrEmpty(text) || text.Split('.') is not { Length: >= 2 and <= 4 } parts || !parts.All(IsNumber))
        {
            return false;
        }
        if (!NuGetVersion.TryParse(text, out var order))
        {
            return false;
        }
        version = new RacketVersion(text, order);
        return true;
    }

    public static RacketVersion Parse(string text) =>
        TryParse(text, out var version)
            ? version!
            : throw new PkgBuildException(ErrorCodes.InvalidProperty,
                $"'{text}' is not a Racket version; Racket versions look like 8.7, 8.10 or 8.11.1.3.");

    public int CompareTo(RacketVersion? other) => other == null ? 1 : _order.CompareTo(other._order);

    public bool Equals(RacketVersion? other) => other != null && Text == other.Text;

    public override bool Equals(object? obj) => obj is RacketVersion other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    public override string ToString() => Text;

    public static bool operator <(RacketVersion a, RacketVersion b) => a.CompareTo(b) < 0;

    public static bool operator >(RacketVersion a, RacketVersion b) => a.CompareTo(b) > 0;

    public static bool operator <=(RacketVersion a, RacketVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >=(RacketVersion a, RacketVersion b) => a.CompareTo(b) >= 0;

    private static bool IsNumber(string part) => part.Length is > 0 and <= 9 && part.All(char.IsAsciiDigit);
}

using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// A guest error (<see cref="ErrorCodes"/> PKB06xx): the guest, its tool or its connection failed, not the
/// package. A package run that meets one counts it as an infrastructure failure (retried, reported apart),
/// by this type, not by its code.
/// </summary>
public sealed class GuestException : PkgBuildException
{
    /// <summary>Code prefix of the guest errors: what this type holds, and only this type.</summary>
    public const string CodePrefix = "PKB06";

    public GuestException(string code, string message, SourceLocation location = default, Exception? inner = null)
        : base(code, message, location, inner)
    {
        if (!code.StartsWith(CodePrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{code} is not a guest error (PKB06xx).", nameof(code));
        }
    }
}

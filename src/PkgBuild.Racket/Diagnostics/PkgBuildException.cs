namespace PkgBuild.Racket.Diagnostics;

/// <summary>
/// An error the user can act on: a stable <c>PKB####</c> code (see <see cref="ErrorCodes"/> and the
/// table in docs/errors.md) and, where the input is a file or URL, the place in it. The tasks turn these into
/// MSBuild errors with the same code, file, line and column.
/// </summary>
public class PkgBuildException : Exception
{
    public PkgBuildException(string code, string message, SourceLocation location = default, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Location = location;
    }

    public string Code { get; }

    public SourceLocation Location { get; }

    /// <summary>The message as a compiler would print it: <c>file:line:col: PKB0101: text</c>.</summary>
    public override string ToString()
    {
        var where = Location.IsKnown || Location.File != null ? Location + ": " : "";
        return $"{where}{Code}: {Message}";
    }
}

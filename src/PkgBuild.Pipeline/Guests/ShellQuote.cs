using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// The one place a command line for a POSIX shell is made: every argument single-quoted unless it is
/// made only of characters no shell treats specially. Package names, sources and paths reach a guest's
/// shell only through here.
/// </summary>
public static class ShellQuote
{
    public static string Quote(string argument)
    {
        if (argument.Contains('\0', StringComparison.Ordinal))
        {
            throw new GuestException(ErrorCodes.GuestArgumentInvalid,
                "A command argument contains a NUL character, which no process can receive.");
        }
        if (argument.Length > 0 && argument.All(IsPlain))
        {
            return argument;
        }
        // Inside single quotes nothing is special except the quote itself, which is closed, escaped, reopened.
        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static string Join(IEnumerable<string> arguments) => string.Join(' ', arguments.Select(Quote));

    private static bool IsPlain(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '.' or '/' or ',' or ':' or '@' or '%' or '+' or '=';
}

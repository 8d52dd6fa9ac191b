using System.Text;
using System.Text.RegularExpressions;
using PkgBuild.Pipeline.Results;

namespace PkgBuild.Pipeline.Verdicts;

/// <summary>
/// A failed package's first error: the first line of the log of the step that decided its outcome that
/// reads as an error, with the fields Racket prints under it (<c>in: g</c>, <c>package: name</c>), and its
/// normal form, with what differs between any two runs blanked out (absolute paths cut to their last two
/// parts, times, durations, session ids and other long numbers), which decides whether a package failing
/// on both sides failed the same way (<see cref="Verdict.ChangedFailure"/>) and which failures are grouped.
/// </summary>
public static partial class FirstError
{
    /// <summary>How much of the error is kept: enough for the message after a long path, which the normal form cuts short.</summary>
    private const int MaxChars = 1000;

    /// <summary>How long a normal form is at most: a line of a report.</summary>
    private const int MaxNormalChars = 200;

    /// <summary>
    /// The first error of <paramref name="result"/> from its logs (<paramref name="resolve"/> finds a log's
    /// file, null when it cannot be read), else its message; null for a result that passed, has no step, or
    /// whose log is not there.
    /// </summary>
    public static string? Of(PackageResult result, Func<string, string?> resolve)
    {
        if (VerdictRules.Passed(result.Outcome) || result.Step == null)
        {
            return null;
        }
        var log = result.Step switch
        {
            StepNames.Test => result.TestLog,
            StepNames.CheckDeps => result.DependencyLog,
            _ => result.InstallLog,
        };
        string? found = null;
        if (log != null && resolve(log) is { } file && File.Exists(file))
        {
            found = Find(File.ReadLines(file).Take(100_000), archive: result.Step == StepNames.Archive);
        }
        return found ?? (result.Message is { } message ? Cut(message.Trim()) : null);
    }

    /// <summary>
    /// <paramref name="result"/> with its <see cref="PackageResult.FirstError"/> found, when it lacks one
    /// and has a failure's log (a result kept from a build before first errors were kept, or a baseline's).
    /// </summary>
    public static PackageResult Fill(PackageResult result, Func<string, string?> resolve) =>
        result.FirstError != null || VerdictRules.Passed(result.Outcome) ? result : result with { FirstError = Of(result, resolve) };

    /// <summary>The first error in a log's lines; <paramref name="archive"/> for the archive step's log, whose first lines say what was fetched.</summary>
    public static string? Find(IEnumerable<string> lines, bool archive = false)
    {
        StringBuilder? error = null;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (error != null)
            {
                // The fields under the error (Racket's "  name: value", setup's "raco setup:   name: value"),
                // up to a context block or the next line of its own.
                var detail = line.StartsWith(Setup, StringComparison.Ordinal) ? line[Setup.Length..] : line;
                if (detail.Length == 0 || !char.IsWhiteSpace(detail[0]) || detail.TrimEnd().EndsWith("...:", StringComparison.Ordinal))
                {
                    break;
                }
                var field = detail.Trim();
                // Which package and which file are the package's own, not the error's: left out, so the same
                // problem in two packages reads the same.
                if (!field.StartsWith("for package:", StringComparison.Ordinal) && !field.StartsWith("dependent source:", StringComparison.Ordinal)
                    && !field.StartsWith("compiling:", StringComparison.Ordinal))
                {
                    error.Append(error[^1] == ':' ? " " : "; ").Append(field);
                }
                if (error.Length >= MaxChars)
                {
                    break;
                }
                continue;
            }
            if (line.Length == 0 || line.StartsWith("$ ", StringComparison.Ordinal) || line.StartsWith("[pkgbuild", StringComparison.Ordinal))
            {
                continue; // our own header and footer
            }
            if (!archive && NonEmptyStderr().Match(line) is { Success: true } stderr)
            {
                // raco test --drdr prints what a test file wrote to stderr as one byte string: its own first error.
                return Cut($"{stderr.Groups["file"].Value}: {Stderr(Unescape(stderr.Groups["bytes"].Value))}");
            }
            if (archive ? ArchiveFailure().IsMatch(line) : ErrorLine().IsMatch(line))
            {
                error = new StringBuilder(line);
            }
        }
        return error == null ? null : Cut(error.ToString());
    }

    /// <summary>
    /// A test file's stderr: its first error, or rackunit's report of a failed check (<c>FAILURE</c> and the
    /// fields under it), or else its first line.
    /// </summary>
    private static string Stderr(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
        var failure = lines.IndexOf("FAILURE");
        if (failure >= 0)
        {
            var fields = lines.Skip(failure + 1).TakeWhile(l => l.Length > 0 && !l.StartsWith("----", StringComparison.Ordinal))
                .Select(l => Space().Replace(l.Trim(), " "));
            return string.Join("; ", fields.Prepend("FAILURE"));
        }
        return Find(lines) ?? lines.FirstOrDefault(l => l.Length > 0) ?? "";
    }

    /// <summary>The text of a Racket byte string's literal (<c>\n</c>, <c>\"</c>, <c>\\</c>, octal escapes).</summary>
    private static string Unescape(string literal)
    {
        var text = new StringBuilder(literal.Length);
        for (var i = 0; i < literal.Length; i++)
        {
            if (literal[i] != '\\' || i + 1 == literal.Length)
            {
                text.Append(literal[i]);
                continue;
            }
            var c = literal[++i];
            if (c is >= '0' and <= '7')
            {
                var end = i;
                while (end < literal.Length && end < i + 3 && literal[end] is >= '0' and <= '7')
                {
                    end++;
                }
                text.Append((char)Convert.ToInt32(literal[i..end], 8));
                i = end - 1;
                continue;
            }
            text.Append(c switch { 'n' => '\n', 't' => '\t', 'r' => ' ', _ => c });
        }
        return text.ToString();
    }

    /// <summary>
    /// What two first errors are compared and grouped by: paths cut to their last two parts (the session's
    /// and the guest's directories differ from run to run), times, durations and ids blanked, escaped line
    /// breaks and runs of white space made one space.
    /// </summary>
    public static string Normal(string error)
    {
        var text = Noise().Replace(error, "…");
        text = AbsolutePath().Replace(text, m =>
        {
            var parts = m.Value.Split('/', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length <= 2 ? m.Value : "…/" + string.Join('/', parts[^2..]);
        });
        text = Space().Replace(text.Replace("\\n", " ", StringComparison.Ordinal), " ").Trim();
        return text.Length <= MaxNormalChars ? text : text[..(MaxNormalChars - 1)] + "…";
    }

    /// <summary>How the reports show a first error: its normal form (what was compared), or that it is not known.</summary>
    public static string Shown(string? error) => error == null ? "(not known)" : Normal(error);

    private const string Setup = "raco setup: ";

    private static string Cut(string text) => text.Length <= MaxChars ? text : text[..(MaxChars - 1)] + "…";

    /// <summary>
    /// A line as Racket's error display starts one (<c>who: message</c>, <c>file:line:col: message</c>, unindented),
    /// a raco command's own error (<c>raco pkg install: cannot find package</c>, not <c>raco test: 0 "file"</c>),
    /// setup's error report, or a problem the dependency checker reports. Setup's status lines never match.
    /// </summary>
    [GeneratedRegex(@"^(?:raco setup: (?:error|check failure): \S|raco setup: (?:found undeclared dependency|package depends on newer version|package not installed|module provided by multiple packages)|raco (?!setup:)[a-z][a-z -]*: (?!\d+ )\S|[^\s\[$]\S*: \S)")]
    private static partial Regex ErrorLine();

    [GeneratedRegex(@"^(?<file>\S+): raco test: non-empty stderr: #""(?<bytes>.*)""$")]
    private static partial Regex NonEmptyStderr();

    /// <summary>A line of the archive step's log after what PackageArchiver writes before the failure itself.</summary>
    [GeneratedRegex(@"^(?!archive-fail |source: |checksum: )\S")]
    private static partial Regex ArchiveFailure();

    /// <summary>
    /// Times of day (<c>[3:50:35]</c>), ISO dates, durations, Racket's <c>time</c> output, GUIDs, long hex
    /// runs (session ids, checksums) and long numbers (temporary names).
    /// </summary>
    [GeneratedRegex(@"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?|\b\d{1,2}:\d\d:\d\d\b|\b\d+(\.\d+)? ?(s|ms|seconds?)\b|cpu time: \d+ real time: \d+ gc time: \d+|\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b|[0-9a-f]{12,}|\d{6,}")]
    private static partial Regex Noise();

    [GeneratedRegex(@"(?<![\w.<>~-])/[^\s""'`,;:()<>\[\]{}\\]+")]
    private static partial Regex AbsolutePath();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}

using System.Globalization;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// Writes data as Racket's <c>write</c> does (checked byte for byte against Racket 8.7 CS for everything
/// but hash order, which keeps <see cref="RacketHash.Entries"/> order). No newline is added; callers that
/// want one (most tools but <c>raco pkg catalog-copy</c>) write it themselves. Nested data is walked with
/// an explicit stack, so any depth can be written.
/// </summary>
public static class DatumWriter
{
    public static string WriteToString(Datum datum)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        Write(datum, text);
        return text.ToString();
    }

    /// <exception cref="PkgBuildException"><see cref="ErrorCodes.DataNotWritable"/> for a string or symbol
    /// with a lone surrogate, which has no Racket form. Text already written stays written.</exception>
    public static void Write(Datum datum, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(datum);
        ArgumentNullException.ThrowIfNull(output);
        var work = new Stack<(Datum? Datum, string? Text)>();
        work.Push((datum, null));
        while (work.Count > 0)
        {
            var (next, text) = work.Pop();
            if (text != null)
            {
                output.Write(text);
                continue;
            }
            switch (next!)
            {
                case RacketBoolean b:
                    output.Write(b.Value ? "#t" : "#f");
                    break;
                case RacketInteger i:
                    output.Write(i.Value.ToString(CultureInfo.InvariantCulture));
                    break;
                case RacketRational r:
                    output.Write(r.Numerator.ToString(CultureInfo.InvariantCulture));
                    output.Write('/');
                    output.Write(r.Denominator.ToString(CultureInfo.InvariantCulture));
                    break;
                case RacketFlonum f:
                    output.Write(FlonumText.Format(f.Value));
                    break;
                case RacketChar c:
                    CharText.WriteChar(c.Value, output);
                    break;
                case RacketString s:
                    CharText.WriteString(s.Value, output);
                    break;
                case RacketBytes b:
                    CharText.WriteBytes(b.Value.AsSpan(), output);
                    break;
                case RacketSymbol s:
                    SymbolText.WriteSymbol(s.Name, output);
                    break;
                case RacketKeyword k:
                    SymbolText.WriteKeyword(k.Name, output);
                    break;
                case RacketList l:
                    output.Write('(');
                    work.Push((null, ")"));
                    if (l.Tail != null)
                    {
                        work.Push((l.Tail, null));
                        work.Push((null, " . "));
                    }
                    PushSeparated(work, l.Items);
                    break;
                case RacketVector v:
                    output.Write("#(");
                    work.Push((null, ")"));
                    PushSeparated(work, v.Items);
                    break;
                case RacketHash h:
                    output.Write(h.HashKind switch
                    {
                        HashKind.Equal => "#hash(",
                        HashKind.Eqv => "#hasheqv(",
                        HashKind.Eq => "#hasheq(",
                        _ => "#hashalw(",
                    });
                    work.Push((null, ")"));
                    for (var i = h.Entries.Length - 1; i >= 0; i--)
                    {
                        work.Push((null, ")"));
                        work.Push((h.Entries[i].Value, null));
                        work.Push((null, " . "));
                        work.Push((h.Entries[i].Key, null));
                        work.Push((null, i == 0 ? "(" : " ("));
                    }
                    break;
                case RacketBox b:
                    output.Write("#&");
                    work.Push((b.Content, null));
                    break;
                case RacketPrefab p:
                    output.Write("#s(");
                    work.Push((null, ")"));
                    PushSeparated(work, p.Fields);
                    if (p.Fields.Length > 0)
                    {
                        work.Push((null, " "));
                    }
                    work.Push((p.Key, null));
                    break;
                case RacketRegexp r:
                    output.Write(r.RegexpKind == RegexpKind.Rx ? "#rx" : "#px");
                    work.Push((r.Source, null));
                    break;
                default:
                    throw new PkgBuildException(ErrorCodes.DataNotWritable,
                        $"A {next!.GetType().Name} has no written form in Racket's data format.");
            }
        }
    }

    private static void PushSeparated(Stack<(Datum?, string?)> work, IReadOnlyList<Datum> items)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            work.Push((items[i], null));
            if (i > 0)
            {
                work.Push((null, " "));
            }
        }
    }
}

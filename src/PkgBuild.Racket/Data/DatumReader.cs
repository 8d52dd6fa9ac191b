using System.Collections.Immutable;
using System.Text;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Racket.Data;

/// <summary>
/// Reads Racket data as <c>read</c> does, from text or a UTF-8 stream, one datum at a time. Nesting is kept
/// on an explicit stack with a limit (<see cref="DatumReaderOptions.MaxDepth"/>), so no input can exhaust the
/// thread's stack. Every error is a <see cref="PkgBuildException"/> with a <c>PKB01xx</c> code and the file,
/// line and column. A large top-level hash (a catalog's <c>pkgs-all</c>) can be read entry by entry with
/// <see cref="ReadHashEntries"/>.
/// </summary>
public sealed partial class DatumReader : IDisposable
{
    private readonly CharSource _source;
    private readonly DatumReaderOptions _options;
    private readonly Stack<Frame> _stack = new();
    private readonly StringBuilder _text = new();
    private readonly Stack<Frame> _freeFrames = new();

    public DatumReader(TextReader reader, string? file = null, DatumReaderOptions? options = null, bool leaveOpen = false)
    {
        _source = new CharSource(reader ?? throw new ArgumentNullException(nameof(reader)), file, leaveOpen);
        _options = options ?? DatumReaderOptions.Default;
    }

    /// <summary>Reads UTF-8 (strictly: invalid bytes are <see cref="ErrorCodes.DataEncoding"/>).</summary>
    public DatumReader(Stream stream, string? file = null, DatumReaderOptions? options = null, bool leaveOpen = false)
    {
        _source = new CharSource(stream ?? throw new ArgumentNullException(nameof(stream)), file, leaveOpen);
        _options = options ?? DatumReaderOptions.Default;
    }

    /// <summary>Reads the one datum that <paramref name="text"/> holds.</summary>
    public static Datum ReadSingle(string text, string? file = null, DatumReaderOptions? options = null)
    {
        using var reader = new DatumReader(new StringReader(text), file, options);
        return reader.ReadSingle();
    }

    /// <summary>Reads the one datum the file at <paramref name="path"/> holds; errors name the path.</summary>
    public static Datum ReadSingleFile(string path, DatumReaderOptions? options = null)
    {
        using var reader = new DatumReader(File.OpenRead(path), path, options);
        return reader.ReadSingle();
    }

    /// <summary>Every datum in <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<Datum> ReadAll(string text, string? file = null, DatumReaderOptions? options = null)
    {
        using var reader = new DatumReader(new StringReader(text), file, options);
        var result = new List<Datum>();
        while (reader.Read() is { } datum)
        {
            result.Add(datum);
        }
        return result;
    }

    /// <summary>The next datum, or null at the end of the input.</summary>
    public Datum? Read()
    {
        if (_stack.Count != 0)
        {
            throw new InvalidOperationException("The reader is inside a hash being read entry by entry.");
        }
        return ReadDatum(baseDepth: 0, allowEnd: true);
    }

    /// <summary>Exactly one datum: an error if the input is empty or has more after it.</summary>
    public Datum ReadSingle()
    {
        var datum = Read() ?? throw Error(ErrorCodes.DataUnexpectedEnd, "expected a datum, but the input is empty", _source.Location);
        ExpectEnd("the datum");
        return datum;
    }

    /// <summary>
    /// Reads a top-level hash one entry at a time (a catalog's several-megabyte <c>pkgs-all</c> never sits in
    /// memory as one value), then checks that nothing but comments follows. Each pair's key and value carry
    /// their locations. The hash's kind is <see cref="StreamedHashKind"/> once the first entry is read.
    /// </summary>
    public IEnumerable<KeyValuePair<Datum, Datum>> ReadHashEntries()
    {
        if (_stack.Count != 0)
        {
            throw new InvalidOperationException("The reader is already inside a hash.");
        }
        var token = NextToken();
        if (token.Kind == TokenKind.End)
        {
            throw Error(ErrorCodes.DataUnexpectedEnd, "expected a hash, but the input is empty", token.Location);
        }
        if (token.Kind != TokenKind.HashOpen)
        {
            throw Error(ErrorCodes.DataUnexpectedShape, $"expected a hash such as #hash((key . value) ...), found {Describe(token)}", token.Location);
        }
        StreamedHashKind = token.HashKind;
        _stack.Push(RentFrame(FrameKind.Hash, token));
        while (true)
        {
            var entry = ReadDatum(baseDepth: 1, allowEnd: false, streamingHash: true);
            if (entry == null)
            {
                break;
            }
            var pair = (HashEntryDatum)entry;
            yield return new KeyValuePair<Datum, Datum>(pair.Key, pair.Value);
        }
        _stack.Clear();
        ExpectEnd("the hash");
    }

    /// <summary>The kind of the hash <see cref="ReadHashEntries"/> is reading.</summary>
    public HashKind? StreamedHashKind { get; private set; }

    public void Dispose() => _source.Dispose();

    private void ExpectEnd(string what)
    {
        var token = NextToken();
        if (token.Kind != TokenKind.End)
        {
            throw Error(ErrorCodes.DataSyntax, $"expected the end of the input after {what}, found {Describe(token)}", token.Location);
        }
    }

    /// <summary>
    /// Runs the reader until a datum completes at <paramref name="baseDepth"/>. With
    /// <paramref name="streamingHash"/>, the frame at the base is a hash whose entries are returned one by
    /// one (as pairs) and whose closing parenthesis returns null.
    /// </summary>
    private Datum? ReadDatum(int baseDepth, bool allowEnd, bool streamingHash = false)
    {
        while (true)
        {
            var token = NextToken();
            Datum? completed = null;
            switch (token.Kind)
            {
                case TokenKind.End:
                    if (_stack.Count == 0 && allowEnd)
                    {
                        return null;
                    }
                    var open = _stack.Count > 0 ? _stack.Peek() : null;
                    throw open == null
                        ? Error(ErrorCodes.DataUnexpectedEnd, "expected a datum before the end of the input", token.Location)
                        : Error(ErrorCodes.DataUnexpectedEnd, $"{open.Describe()} is not closed before the end of the input at {token.Location.Line}:{token.Location.Column}", open.Start);
                case TokenKind.Atom:
                    CheckHashElement(token);
                    completed = token.Datum;
                    break;
                case TokenKind.Open:
                case TokenKind.VectorOpen:
                case TokenKind.HashOpen:
                case TokenKind.PrefabOpen:
                    CheckHashElement(token);
                    Push(token, token.Kind switch
                    {
                        TokenKind.Open when _stack.Count > 0 && _stack.Peek().Kind == FrameKind.Hash => FrameKind.HashEntry,
                        TokenKind.Open => FrameKind.List,
                        TokenKind.VectorOpen => FrameKind.Vector,
                        TokenKind.HashOpen => FrameKind.Hash,
                        _ => FrameKind.Prefab,
                    });
                    continue;
                case TokenKind.Prefix:
                    CheckHashElement(token);
                    Push(token, token.PrefixFrame);
                    continue;
                case TokenKind.DatumComment:
                    Push(token, FrameKind.DatumComment);
                    continue;
                case TokenKind.Dot:
                    AcceptDot(token);
                    continue;
                case TokenKind.Close:
                    if (streamingHash && _stack.Count == baseDepth)
                    {
                        CloseMatches(_stack.Peek(), token);
                        return null;
                    }
                    completed = Close(token);
                    break;
            }
            // Deliver the datum to the frames above it; quote, box and comment frames complete at once.
            while (completed != null)
            {
                if (_stack.Count == baseDepth)
                {
                    return completed;
                }
                var top = _stack.Peek();
                switch (top.Kind)
                {
                    case FrameKind.Quote:
                        _stack.Pop();
                        completed = new RacketList(ImmutableArray.Create<Datum>(new RacketSymbol(top.QuoteSymbol!), completed)) { Location = top.Start };
                        _freeFrames.Push(top);
                        continue;
                    case FrameKind.Box:
                        _stack.Pop();
                        completed = new RacketBox(completed) { Location = top.Start };
                        _freeFrames.Push(top);
                        continue;
                    case FrameKind.DatumComment:
                        _freeFrames.Push(_stack.Pop());
                        completed = null;
                        continue;
                    default:
                        top.Add(completed, this);
                        completed = null;
                        break;
                }
            }
        }
    }

    private void Push(Token token, FrameKind kind)
    {
        if (_stack.Count >= _options.MaxDepth)
        {
            throw Error(ErrorCodes.DataTooDeep, $"the data nests more than {_options.MaxDepth} levels deep", token.Location);
        }
        _stack.Push(RentFrame(kind, token));
    }

    private Frame RentFrame(FrameKind kind, Token token) =>
        (_freeFrames.Count > 0 ? _freeFrames.Pop() : new Frame()).Reset(kind, token.Location, token.Close, token.HashKind, token.QuoteSymbol, token.Text);

    /// <summary>A hash holds only <c>(key . value)</c> pairs; anything else there is an error, as in Racket.</summary>
    private void CheckHashElement(Token token)
    {
        if (_stack.Count > 0 && _stack.Peek().Kind == FrameKind.Hash && token.Kind != TokenKind.Open)
        {
            throw Error(ErrorCodes.DataSyntax, $"expected a (key . value) pair in {_stack.Peek().Describe()}, found {Describe(token)}", token.Location);
        }
    }

    private void AcceptDot(Token token)
    {
        var top = _stack.Count > 0 ? _stack.Peek() : null;
        if (top?.Kind == FrameKind.List && top.Items.Count > 0 && top.DotState is DotState.None or DotState.TailRead)
        {
            top.DotState = top.DotState == DotState.None ? DotState.AwaitingTail : DotState.Infix;
            if (top.DotState == DotState.Infix)
            {
                // (a . op . b) reads as (op a b).
                top.InfixOperator = top.Tail;
                top.Tail = null;
            }
            return;
        }
        if (top?.Kind == FrameKind.HashEntry && top.Items.Count == 1 && top.DotState == DotState.None)
        {
            top.DotState = DotState.AwaitingTail;
            return;
        }
        throw Error(ErrorCodes.DataSyntax, "illegal use of `.`", token.Location);
    }

    private Datum Close(Token token)
    {
        if (_stack.Count == 0)
        {
            throw Error(ErrorCodes.DataUnbalanced, $"unexpected `{token.Close}` with no matching opener", token.Location);
        }
        var frame = _stack.Peek();
        if (frame.Kind is FrameKind.Quote or FrameKind.Box or FrameKind.DatumComment)
        {
            throw Error(ErrorCodes.DataSyntax, $"expected a datum after `{frame.Opener}`, found `{token.Close}`", token.Location);
        }
        CloseMatches(frame, token);
        _stack.Pop();
        var built = frame.Build(this, token); // copies what it keeps out of the frame's lists
        _freeFrames.Push(frame);
        return built;
    }

    private void CloseMatches(Frame frame, Token token)
    {
        if (frame.Close != token.Close)
        {
            throw Error(ErrorCodes.DataUnbalanced,
                $"expected `{frame.Close}` to close {frame.Describe()}, found `{token.Close}`", token.Location);
        }
    }

    internal PkgBuildException Error(string code, string message, SourceLocation location) =>
        new(code, $"read: {message}.", location);

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.Atom => $"`{Truncate(token.Datum!.ToString())}`",
        TokenKind.Dot => "`.`",
        TokenKind.Close => $"`{token.Close}`",
        _ => $"`{token.Text}`",
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..37] + "...";
}

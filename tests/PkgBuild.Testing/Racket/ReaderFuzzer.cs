using System.Text;
using PkgBuild.Racket.Data;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Testing.Racket;

/// <summary>
/// Feeds the reader seeded malformed input: random bytes, token soup, and valid data cut short or mutated.
/// Every input must end in data (whose written text reads back to the same text) or in a
/// <see cref="PkgBuildException"/> with a PKB01xx code and a line and column. Used by the test suite
/// (100,000 inputs) and by bench/ for long runs.
/// </summary>
public sealed class ReaderFuzzer(int seed)
{
    private const string Alphabet = "()[]{}#\"\\|;.'`,@ \n\t:&sxrpe0123456789abcdefhtuU+-/λ😀";
    private static readonly string[] Tokens =
    [
        "#hash(", "#hasheq(", "#hasheqv[", "#hashalw{", "#s(", "#(", "#&", "#;", "#|", "|#", "#rx\"", "#px#\"",
        "#\\", "#\\u", "#\\space", "#:", "#e", "#x", "#i", "1/0", "1e400", "+inf.0", "-nan.0", "#t", "#false",
        "\"\\u", "\"\\x", "\"\\U", "\"\\777", "( . )", "(a . b . c)", ". ", ",@", "#'", "#!/", "#! ", "#%",
        "\r\n", "\uFEFF", "1+2i", "1.0t0", "#<", "#0=", "|a b|", "\\",
        new string('(', 70), new string('[', 40) + "#&#&" + new string('{', 30),
    ];

    private static readonly DatumReaderOptions Options = new() { MaxDepth = 64 };

    private readonly Random _random = new(seed);
    private readonly RandomDatums _data = new(seed);

    public FuzzResult Run(int count)
    {
        var result = new FuzzResult();
        for (var i = 0; i < count; i++)
        {
            var input = Next(i);
            result.Inputs++;
            try
            {
                using var reader = new DatumReader(new MemoryStream(input), "fuzz.rktd", Options);
                var any = false;
                while (reader.Read() is { } datum)
                {
                    any = true;
                    // Compared as text: keys that #hasheq compares by identity make two reads unequal, as in Racket.
                    var text = datum.ToString();
                    var again = DatumReader.ReadSingle(text, options: Options).ToString();
                    if (again != text)
                    {
                        result.Failures.Add($"#{i}: {Show(input)} reads as {text} which reads back as {again}");
                    }
                }
                if (any)
                {
                    result.Successes++;
                }
            }
            catch (PkgBuildException e)
            {
                result.Errors++;
                result.CodesSeen.Add(e.Code);
                if (!e.Code.StartsWith("PKB01", StringComparison.Ordinal) || e.Location.Line < 1 || e.Location.Column < 1
                    || e.Location.File != "fuzz.rktd")
                {
                    result.Failures.Add($"#{i}: {Show(input)} gave {e} without a proper code or position");
                }
            }
            catch (Exception e)
            {
                result.Failures.Add($"#{i}: {Show(input)} threw {e.GetType().Name}: {e.Message}");
            }
            LoadAsCatalog(i, input, result);
        }
        return result;
    }

    /// <summary>
    /// The same input through the catalog loader, as a pkgs-all and as one entry of one: a catalog is read,
    /// or refused with a located data error; entries with bad names are skipped, never thrown.
    /// </summary>
    private static void LoadAsCatalog(int i, byte[] input, FuzzResult result)
    {
        var entry = System.Text.Encoding.UTF8.GetBytes("#hash((\"fuzz-pkg\" . ").Concat(input).Concat(System.Text.Encoding.UTF8.GetBytes("))")).ToArray();
        foreach (var candidate in new[] { input, entry })
        {
            try
            {
                PkgBuild.Racket.Catalogs.DirectoryCatalog.ReadPkgsAll(new MemoryStream(candidate), "fuzz.rktd", (_, _) => { });
                result.CatalogsRead++;
            }
            catch (PkgBuildException e) when (e.Code.StartsWith("PKB01", StringComparison.Ordinal) && e.Location.Line >= 1 && e.Location.File == "fuzz.rktd")
            {
                result.CatalogsRefused++;
            }
            catch (Exception e)
            {
                result.Failures.Add($"#{i}: the catalog loader on {Show(candidate)} threw {e.GetType().Name}: {e.Message}");
            }
        }
    }

    private byte[] Next(int i) => (i % 4) switch
    {
        0 => RandomBytes(),
        1 => Encoding.UTF8.GetBytes(TokenSoup()),
        _ => Mutate(Encoding.UTF8.GetBytes(_data.Next().ToString())),
    };

    private byte[] RandomBytes()
    {
        var bytes = new byte[_random.Next(1, 64)];
        _random.NextBytes(bytes);
        return bytes;
    }

    private string TokenSoup()
    {
        var text = new StringBuilder();
        for (var n = _random.Next(1, 24); n > 0; n--)
        {
            if (_random.Next(3) == 0)
            {
                text.Append(Tokens[_random.Next(Tokens.Length)]);
            }
            else
            {
                var at = _random.Next(Alphabet.Length);
                text.Append(char.IsSurrogate(Alphabet[at]) ? "😀" : Alphabet[at].ToString());
            }
        }
        return text.ToString();
    }

    /// <summary>Valid data cut short, with bytes flipped, inserted or deleted.</summary>
    private byte[] Mutate(byte[] valid)
    {
        var bytes = new List<byte>(valid);
        for (var n = _random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = _random.Next(bytes.Count);
            switch (_random.Next(4))
            {
                case 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 1:
                    bytes[at] = (byte)_random.Next(256);
                    break;
                case 2:
                    bytes.Insert(at, (byte)Alphabet[_random.Next(Alphabet.Length - 3)]);
                    break;
                default:
                    bytes.RemoveAt(at);
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static string Show(byte[] input) => Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 80)));
}

public sealed class FuzzResult
{
    public int Inputs { get; set; }
    public int Successes { get; set; }
    public int Errors { get; set; }
    public int CatalogsRead { get; set; }
    public int CatalogsRefused { get; set; }
    public HashSet<string> CodesSeen { get; } = new();
    public List<string> Failures { get; } = new();
}

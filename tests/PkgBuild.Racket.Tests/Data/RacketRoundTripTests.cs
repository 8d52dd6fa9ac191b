using System.Text;
using PkgBuild.Racket.Data;
using PkgBuild.Testing;
using PkgBuild.Testing.Racket;
using Xunit;

namespace PkgBuild.Racket.Tests.Data;

/// <summary>
/// Our reader and writer against the real Racket 8.7: data written by Racket (a corpus of traps, random
/// data, a catalog written by <c>raco pkg catalog-copy</c>) is read by us and written back, and Racket
/// reads the result <c>equal?</c> to what it wrote; since we keep hash order, the text is also the same
/// byte for byte. Each test runs Racket a few times over whole files, never once per datum.
/// </summary>
public class RacketRoundTripTests
{
    [Fact]
    public void A_corpus_of_traps_written_by_racket_round_trips()
    {
        using var dir = new TempDirectory();
        var racketFile = dir.Combine("corpus.rktd");
        RacketRunner.RunScript("data-corpus.rkt", racketFile);
        AssertRoundTrip(racketFile, dir.Combine("ours.rktd"), minimumCount: 100);
    }

    [Fact]
    public void Random_data_written_by_racket_round_trips()
    {
        using var dir = new TempDirectory();
        var racketFile = dir.Combine("random.rktd");
        RacketRunner.RunScript("data-generate.rkt", "20261124", "3000", racketFile);
        AssertRoundTrip(racketFile, dir.Combine("ours.rktd"), minimumCount: 3000);
    }

    [Fact]
    public void A_catalog_written_by_raco_pkg_catalog_copy_round_trips_byte_for_byte()
    {
        using var dir = new TempDirectory();
        var source = dir.Combine("source");
        var copy = dir.Combine("copy");
        RacketRunner.RunScript("make-catalog.rkt", source, "30");
        RacketRunner.Raco("pkg", "catalog-copy", source, copy);

        var files = Directory.GetFiles(copy, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(32, files.Count); // pkg/<30 names>, pkgs, pkgs-all
        var theirs = new StringBuilder();
        var ours = new StringBuilder();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            var datum = DatumReader.ReadSingleFile(file);
            var written = DatumWriter.WriteToString(datum);
            Assert.Equal(text, written); // catalog-copy writes no trailing newline, nor do we
            theirs.Append(text).Append('\n');
            ours.Append(written).Append('\n');
        }
        File.WriteAllText(dir.Combine("theirs.rktd"), theirs.ToString());
        File.WriteAllText(dir.Combine("ours.rktd"), ours.ToString());
        Assert.Null(RacketRunner.CompareData(dir.Combine("theirs.rktd"), dir.Combine("ours.rktd")));

        // Streaming pkgs-all gives the same entries as reading it whole.
        var whole = (RacketHash)DatumReader.ReadSingleFile(Path.Combine(copy, "pkgs-all"));
        using var reader = new DatumReader(File.OpenRead(Path.Combine(copy, "pkgs-all")), "pkgs-all");
        var streamed = new RacketHash(reader.StreamedHashKind ?? HashKind.Equal, reader.ReadHashEntries().ToList());
        Assert.Equal(30, streamed.Count);
        Assert.Equal(whole, streamed);
    }

    [Fact]
    public void Random_data_written_by_us_is_read_by_racket_as_written()
    {
        // The property test: 10,000 random datums, through Racket's read and write, and back through ours.
        const int count = 10_000;
        using var dir = new TempDirectory();
        var generator = new RandomDatums(seed: 1124);
        var originals = Enumerable.Range(0, count).Select(_ => generator.Next()).ToList();
        var ourFile = dir.Combine("ours.rktd");
        var texts = originals.Select(DatumWriter.WriteToString).ToList();
        File.WriteAllText(ourFile, string.Join("\n", texts) + "\n");

        var racketFile = dir.Combine("racket.rktd");
        RacketRunner.Echo(ourFile, racketFile);

        var racketData = ReadAllFromFile(racketFile);
        var racketTexts = TextsOf(File.ReadAllText(racketFile), racketData);
        var failures = new List<string>();
        var identicalTexts = 0;
        for (var i = 0; i < count; i++)
        {
            var back = i < racketData.Count ? racketData[i] : null;
            if (back == null || !back.Equals(originals[i]))
            {
                failures.Add($"#{i}: wrote {texts[i]}\n      racket wrote {(back == null ? "nothing" : DatumWriter.WriteToString(back))}");
                continue;
            }
            // Racket CS may order hash keys its own way; other texts must match exactly.
            if (!ContainsHashWithSeveralEntries(originals[i]))
            {
                if (texts[i] != racketTexts[i])
                {
                    failures.Add($"#{i}: same value, different text:\n      ours   {texts[i]}\n      racket {racketTexts[i]}");
                }
                identicalTexts++;
            }
        }
        Assert.Equal(count, racketData.Count);
        Assert.True(failures.Count == 0, $"{failures.Count} of {count} differ:\n" + string.Join("\n", failures.Take(15)));
        Assert.True(identicalTexts > count / 2, $"only {identicalTexts} texts were comparable");
    }

    private static void AssertRoundTrip(string racketFile, string ourFile, int minimumCount)
    {
        var data = ReadAllFromFile(racketFile);
        Assert.True(data.Count >= minimumCount, $"read {data.Count} datums");
        using (var output = new StreamWriter(ourFile, false, new UTF8Encoding(false)))
        {
            foreach (var datum in data)
            {
                DatumWriter.Write(datum, output);
                output.Write('\n');
            }
        }
        Assert.Null(RacketRunner.CompareData(racketFile, ourFile));
        // Racket's text for each datum, against ours: the same byte for byte.
        var theirs = TextsOf(File.ReadAllText(racketFile), data);
        var differing = Enumerable.Range(0, data.Count).Where(i => theirs[i] != DatumWriter.WriteToString(data[i])).Take(10)
            .Select(i => $"datum {i}:\n  racket {theirs[i]}\n  ours   {DatumWriter.WriteToString(data[i])}").ToList();
        Assert.True(differing.Count == 0, string.Join("\n", differing));
    }

    private static List<Datum> ReadAllFromFile(string path)
    {
        var data = new List<Datum>();
        using var reader = new DatumReader(File.OpenRead(path), path);
        while (reader.Read() is { } datum)
        {
            data.Add(datum);
        }
        return data;
    }

    /// <summary>
    /// The text of each datum in a file that holds one datum per line. Split by the datums' start offsets,
    /// not by lines: a symbol such as <c>|a\nb|</c> holds a raw newline.
    /// </summary>
    private static List<string> TextsOf(string text, IReadOnlyList<Datum> data) =>
        data.Select((d, i) =>
        {
            var start = (int)d.Location.Offset;
            var end = i + 1 < data.Count ? (int)data[i + 1].Location.Offset : text.Length;
            return text[start..end].TrimEnd('\n');
        }).ToList();

    private static bool ContainsHashWithSeveralEntries(Datum datum)
    {
        var pending = new Stack<Datum>([datum]);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case RacketHash { Count: > 1 }:
                    return true;
                case RacketHash h:
                    foreach (var (k, v) in h.Entries) { pending.Push(k); pending.Push(v); }
                    break;
                case RacketList l:
                    foreach (var item in l.Items) { pending.Push(item); }
                    if (l.Tail != null) { pending.Push(l.Tail); }
                    break;
                case RacketVector v:
                    foreach (var item in v.Items) { pending.Push(item); }
                    break;
                case RacketBox b:
                    pending.Push(b.Content);
                    break;
                case RacketPrefab p:
                    foreach (var item in p.Fields) { pending.Push(item); }
                    break;
            }
        }
        return false;
    }
}

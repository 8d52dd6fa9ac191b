using System.Diagnostics;
using PkgBuild.Testing.Racket;
using Xunit;

namespace PkgBuild.Racket.Tests.Data;

/// <summary>
/// Malformed input never crashes or hangs the reader: 100,000 seeded inputs (random bytes, token soup,
/// and valid data cut short or mutated) each end in data or a PkgBuildException with a
/// PKB01xx code and a line and column; whatever reads also writes, and reads back to the same written text.
/// bench/ runs the same fuzzer for longer.
/// </summary>
public class ReaderFuzzTests
{
    [Fact]
    public void Hundred_thousand_malformed_inputs_end_in_data_or_a_located_error()
    {
        var fuzzer = new ReaderFuzzer(seed: 20261124);
        var watch = Stopwatch.StartNew();
        var result = fuzzer.Run(100_000);
        Assert.True(result.Failures.Count == 0, string.Join("\n", result.Failures.Take(10)));
        Assert.Equal(100_000, result.Inputs);
        // Both outcomes must be common, or the fuzzer is not exercising the reader.
        Assert.True(result.Errors > 10_000 && result.Successes > 10_000, $"{result.Errors} errors, {result.Successes} reads");
        Assert.True(result.CodesSeen.Count >= 6, "codes seen: " + string.Join(", ", result.CodesSeen));
        // Not a timing assertion: a generous bound that only a hang or a quadratic blow-up can break.
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(2), $"took {watch.Elapsed}");
    }
}

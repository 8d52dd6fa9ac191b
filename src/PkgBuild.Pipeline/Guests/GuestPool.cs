using System.Text.Json;
using PkgBuild.Pipeline.IO;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// The started guests of one build. It lives as long as the build (the task layer registers it with
/// MSBuild), stops every guest when disposed, also after a failure or Ctrl+C, and keeps a state file so
/// that the next build can stop guests a killed build left behind.
/// </summary>
public sealed class GuestPool : IDisposable
{
    public const string StateFile = "state.json";

    private readonly string _stateDirectory;
    private bool _disposed;

    private GuestPool(string stateDirectory, IReadOnlyList<IGuestMachine> guests)
    {
        _stateDirectory = stateDirectory;
        Guests = guests;
    }

    public IReadOnlyList<IGuestMachine> Guests { get; }

    /// <summary>Where the guests' warnings go; the step using the guests routes them to itself.</summary>
    public GuestWarnings? Warnings { get; set; }

    /// <summary>
    /// Preflights every guest, all of them even when one fails, so that one build names every problem;
    /// returns the failures (empty when all passed).
    /// </summary>
    public static async Task<IReadOnlyList<PkgBuildException>> PreflightAsync(IReadOnlyList<IGuestMachine> guests, CancellationToken cancellationToken = default)
    {
        try
        {
            await AllOrFail(guests, g => g.PreflightAsync(cancellationToken)).ConfigureAwait(false);
            return [];
        }
        catch (AggregateException failures)
        {
            return failures.InnerExceptions.Cast<PkgBuildException>().ToList();
        }
    }

    /// <summary>
    /// Stops what a killed build left, starts every guest (preflighted already: see
    /// <see cref="PreflightAsync"/>) and proves each ready. Throws an <see cref="AggregateException"/> of
    /// <see cref="PkgBuildException"/>s when any fails; the guests are stopped again then.
    /// </summary>
    public static async Task<GuestPool> StartAsync(IReadOnlyList<IGuestMachine> guests, string stateDirectory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(stateDirectory);
        await StopLeftoversAsync(guests, stateDirectory, cancellationToken).ConfigureAwait(false);
        var pool = new GuestPool(stateDirectory, guests);
        pool.WriteState();
        try
        {
            await AllOrFail(guests, g => g.StartAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch
        {
            pool.Dispose();
            throw;
        }
        return pool;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var guest in Guests)
        {
            // Best effort: one guest that will not stop must not keep the others running.
            try
            {
                guest.DisposeAsync().AsTask().GetAwaiter().GetResult(); // stops it
            }
            catch (Exception)
            {
                // Best effort, for every guest: one that fails to stop must not keep the others running.
            }
        }
        File.Delete(Path.Combine(_stateDirectory, StateFile));
    }

    private void WriteState() =>
        AtomicFile.WriteAllText(Path.Combine(_stateDirectory, StateFile),
            JsonSerializer.Serialize(Guests.Select(g => new GuestState(g.Spec.Name, g.Spec.Kind)).ToList()));

    /// <summary>A state file means the last build did not end cleanly: stop the guests it names that are ours again.</summary>
    private static async Task StopLeftoversAsync(IReadOnlyList<IGuestMachine> guests, string stateDirectory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(stateDirectory, StateFile);
        if (!File.Exists(path))
        {
            return;
        }
        List<GuestState>? left;
        try
        {
            left = JsonSerializer.Deserialize<List<GuestState>>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            left = null;
        }
        foreach (var guest in guests.Where(g => left?.Any(l => l.Name == g.Spec.Name && l.Kind == g.Spec.Kind) ?? false))
        {
            await guest.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        File.Delete(path);
    }

    /// <summary>
    /// Runs a step for every guest and reports every failure: a PKB error as it is, anything unexpected as
    /// PKB0610 naming the guest. Cancellation is rethrown as such, never taken for success.
    /// </summary>
    private static async Task AllOrFail(IReadOnlyList<IGuestMachine> guests, Func<IGuestMachine, Task> step)
    {
        var tasks = guests.Select(g => Wrap(g, step)).ToList();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception) when (tasks.Any(t => t.IsFaulted))
        {
            throw new AggregateException(tasks.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions));
        }
    }

    private static async Task Wrap(IGuestMachine guest, Func<IGuestMachine, Task> step)
    {
        try
        {
            await step(guest).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (PkgBuildException or OperationCanceledException))
        {
            throw new GuestException(ErrorCodes.GuestNotReady, $"PkgBuildGuest '{guest.Spec.Name}': {e.GetType().Name}: {e.Message}", guest.Spec.Location, e);
        }
    }

    private sealed record GuestState(string Name, GuestKind Kind);
}

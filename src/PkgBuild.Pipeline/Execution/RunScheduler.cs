using PkgBuild.Pipeline.Planning;
using PkgBuild.Pipeline.Reports;
using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;

namespace PkgBuild.Pipeline.Execution;

/// <summary>
/// Runs packages dependencies first on a set of worker slots (each guest's <c>Parallelism</c>), every slot
/// taking the next ready package as soon as it is free. A package is ready once each of its dependencies
/// in the run has a result, or was released early (installed and packed for its dependents, while its own
/// checks and tests go on); when one of them did not get installed, the package is blocked (naming the
/// failure at the root) without taking a slot. Infrastructure failures are retried, up to
/// <see cref="InfrastructureRetries"/> times, possibly on another guest. Among ready packages those with
/// the longest chain of dependents waiting go first, so the run does not end on one long tail.
/// </summary>
public sealed class RunScheduler
{
    private readonly PackageGraph _graph;
    private readonly HashSet<string> _toRun;
    private readonly IReadOnlyDictionary<string, PackageResult> _known;
    private readonly Dictionary<string, int> _waitingOn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _priority;
    private readonly Dictionary<string, int> _component;
    private readonly Dictionary<string, PackageResult> _results = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _infrastructureFailures = new(StringComparer.Ordinal);
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, (int, string)> _ready = new(Comparer<(int, string)>.Create((a, b) =>
        a.Item1 != b.Item1 ? b.Item1.CompareTo(a.Item1) : string.CompareOrdinal(a.Item2, b.Item2)));
    private readonly object _gate = new();
    private readonly SemaphoreSlim _signal = new(0);
    private int _unfinished;

    /// <param name="toRun">The packages to build now.</param>
    /// <param name="known">Results kept from earlier builds: dependencies that count as done (and may block).</param>
    public RunScheduler(PackageGraph graph, IEnumerable<string> toRun, IReadOnlyDictionary<string, PackageResult> known)
    {
        _graph = graph;
        _toRun = toRun.ToHashSet(StringComparer.Ordinal);
        _known = known;
        _component = StronglyConnected.Components(graph, out var order);
        _priority = Heights(order);
    }

    /// <summary><c>PkgBuildInfraRetries</c>, from the run's settings (its default is Sdk.props's).</summary>
    public required int InfrastructureRetries { get; init; }

    /// <summary>
    /// Packages of the run whose earlier result holds only while their dependencies still install (they
    /// depend on one built again now): each is decided once its dependencies have results, without a slot:
    /// blocked as any other, or given this result again.
    /// </summary>
    public IReadOnlyDictionary<string, PackageResult> Provisional { get; init; } = new Dictionary<string, PackageResult>();

    /// <summary>
    /// Builds every package with <paramref name="build"/> on one of <paramref name="slots"/>, calling
    /// <paramref name="finished"/> (serialised) with each final result, blocked ones included, and
    /// returns them all. Cancellation stops handing out packages and cancels the running ones.
    /// </summary>
    public Task<IReadOnlyList<PackageResult>> RunAsync<TSlot>(IReadOnlyList<TSlot> slots,
        Func<string, TSlot, CancellationToken, Task<PackageResult>> build, Action<PackageResult> finished, CancellationToken cancellationToken) =>
        RunAsync<TSlot>(slots, (package, slot, _, token) => build(package, slot, token), finished, cancellationToken);

    /// <summary>
    /// As above, with a <paramref name="build"/> that may call the action it is given once the package is
    /// installed and its dependents can install it: they are started then, not after its tests.
    /// </summary>
    public async Task<IReadOnlyList<PackageResult>> RunAsync<TSlot>(IReadOnlyList<TSlot> slots,
        Func<string, TSlot, Action, CancellationToken, Task<PackageResult>> build, Action<PackageResult> finished, CancellationToken cancellationToken)
    {
        if (slots.Count == 0)
        {
            throw new ArgumentException("There must be at least one slot to run packages on.", nameof(slots));
        }
        var blocked = new List<PackageResult>();
        lock (_gate)
        {
            _unfinished = _toRun.Count;
            foreach (var package in _toRun)
            {
                // Cycles: a dependency that waits on this package (directly or not) is not waited for, or
                // neither would start; each then installs the other from the archive.
                _waitingOn[package] = _graph.DependenciesOf(package).Count(d => _toRun.Contains(d) && !SameCycle(d, package));
            }
            foreach (var package in _toRun.Where(p => _waitingOn[p] == 0).ToList())
            {
                MakeReady(package, blocked);
            }
        }
        Report(blocked, finished);
        if (_unfinished > 0)
        {
            var workers = slots.Select(slot => Task.Run(() => WorkAsync(slot, slots.Count, build, finished, cancellationToken), CancellationToken.None)).ToList();
            await Task.WhenAll(workers).ConfigureAwait(false);
            _fault?.Throw();
            cancellationToken.ThrowIfCancellationRequested();
        }
        lock (_gate)
        {
            return _results.Values.ToList();
        }
    }

    private async Task WorkAsync<TSlot>(TSlot slot, int slots, Func<string, TSlot, Action, CancellationToken, Task<PackageResult>> build, Action<PackageResult> finished,
        CancellationToken cancellationToken)
    {
        while (_fault == null)
        {
            try
            {
                await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            string package;
            lock (_gate)
            {
                if (_fault != null || _unfinished == 0 || !_ready.TryDequeue(out package!, out _))
                {
                    _signal.Release(); // wake the next worker so it sees the end too
                    return;
                }
                _attempts[package] = _attempts.GetValueOrDefault(package) + 1;
            }
            PackageResult result;
            try
            {
                result = await build(package, slot, () => Release(package, slots, finished), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong is not the package's: an infrastructure failure, retried like one.
                result = new PackageResult
                {
                    Package = package,
                    Outcome = PackageOutcome.InfrastructureFailure,
                    Message = $"{e.GetType().Name}: {e.Message}",
                    Finished = DateTimeOffset.UtcNow,
                };
            }
            var done = new List<PackageResult>();
            lock (_gate)
            {
                if (result.Outcome == PackageOutcome.InfrastructureFailure && _attempts[package] <= InfrastructureRetries)
                {
                    var failures = _infrastructureFailures.TryGetValue(package, out var f) ? f : _infrastructureFailures[package] = [];
                    failures.Add((result.Guest != null ? $"on {result.Guest}: " : "") + (result.Message ?? "no reason given"));
                    _ready.Enqueue(package, (_priority[package], package));
                    _signal.Release();
                    continue;
                }
                Complete(_infrastructureFailures.TryGetValue(package, out var earlier) ? result with { InfrastructureFailures = earlier.ToList() } : result, done);
            }
            if (!Reported(done, finished, slots))
            {
                return;
            }
        }
    }

    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _fault;

    /// <summary>
    /// Records a result and readies (or blocks) the dependents that waited only on it, and theirs in turn
    /// when they are blocked: a worklist, not recursion, since a blocked chain can be long. Under the gate.
    /// </summary>
    private void Complete(PackageResult first, List<PackageResult> done)
    {
        var pending = new Stack<PackageResult>([first]);
        while (pending.Count > 0)
        {
            var result = pending.Pop();
            _results[result.Package] = result;
            done.Add(result);
            _unfinished--;
            if (_released.Contains(result.Package))
            {
                continue; // its dependents stopped waiting on it when it was released
            }
            foreach (var blocked in StopWaitingOn(result.Package))
            {
                pending.Push(blocked);
            }
        }
        if (_unfinished == 0)
        {
            _signal.Release(); // every worker wakes in turn and sees the end
        }
    }

    /// <summary>
    /// The dependents in the run that wait on <paramref name="package"/> stop waiting on it: those left
    /// waiting on nothing are readied, or given back blocked (another dependency did not install). Under the gate.
    /// </summary>
    private List<PackageResult> StopWaitingOn(string package)
    {
        var blocked = new List<PackageResult>();
        foreach (var dependent in _graph.DirectDependentsOf(package))
        {
            if (_toRun.Contains(dependent) && !_results.ContainsKey(dependent) && !SameCycle(package, dependent) && --_waitingOn[dependent] == 0
                && Ready(dependent) is { } result)
            {
                blocked.Add(result);
            }
        }
        return blocked;
    }

    /// <summary>
    /// The package is installed and packed for its dependents: those waiting only on it start now (or are
    /// blocked, when another of their dependencies did not install). A retry after an infrastructure failure
    /// does not release them twice.
    /// </summary>
    private void Release(string package, int slots, Action<PackageResult> finished)
    {
        var done = new List<PackageResult>();
        lock (_gate)
        {
            if (_results.ContainsKey(package) || !_released.Add(package))
            {
                return;
            }
            foreach (var blocked in StopWaitingOn(package))
            {
                Complete(blocked, done);
            }
        }
        Reported(done, finished, slots);
    }

    /// <summary>Reports the finished packages; when the listener fails (the journal's disk is full, say), ends the run, every worker, and says why.</summary>
    private bool Reported(List<PackageResult> done, Action<PackageResult> finished, int slots)
    {
        try
        {
            Report(done, finished);
            return true;
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _fault, System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e), null);
            _signal.Release(slots);
            return false;
        }
    }

    /// <summary>Whether the package was installed and released to its dependents (in this run).</summary>
    public bool IsReleased(string package)
    {
        lock (_gate)
        {
            return _released.Contains(package);
        }
    }

    private void MakeReady(string package, List<PackageResult> done)
    {
        if (Ready(package) is { } blocked)
        {
            Complete(blocked, done);
        }
    }

    /// <summary>
    /// Queues a package whose dependencies all have results, or returns its result when it needs no slot:
    /// blocked when one did not install, else a <see cref="Provisional"/> one's earlier result.
    /// </summary>
    private PackageResult? Ready(string package)
    {
        var failed = _graph.DependenciesOf(package).Select(ResultOf).FirstOrDefault(r => r is { Installed: false });
        if (failed != null)
        {
            var root = failed.BlockedBy ?? failed.Package;
            return new PackageResult
            {
                Package = package,
                Outcome = PackageOutcome.BlockedByDependency,
                BlockedBy = root,
                Message = root == failed.Package
                    ? $"its dependency {failed.Package} did not install ({Describe(failed)})"
                    : $"its dependency {failed.Package} is blocked by {root}",
                Finished = DateTimeOffset.UtcNow,
            };
        }
        if (Provisional.TryGetValue(package, out var kept))
        {
            return kept;
        }
        _ready.Enqueue(package, (_priority[package], package));
        _signal.Release();
        return null;
    }

    private PackageResult? ResultOf(string package) =>
        _results.TryGetValue(package, out var r) ? r : _toRun.Contains(package) ? null : _known.GetValueOrDefault(package);

    /// <summary>Why a dependency did not install, in its label (only a timeout in the install step leaves a package uninstalled).</summary>
    private static string Describe(PackageResult r) => r.Outcome == PackageOutcome.Timeout ? "timed out installing" : r.Outcome.Label();

    private static void Report(List<PackageResult> results, Action<PackageResult> finished)
    {
        lock (finished)
        {
            results.ForEach(finished);
        }
    }

    /// <summary>Whether two packages depend on each other, directly or not.</summary>
    private bool SameCycle(string a, string b) => _component[a] == _component[b];

    /// <summary>For each package: how long the longest chain of packages in the run that wait on it is.</summary>
    private Dictionary<string, int> Heights(IReadOnlyList<string> order)
    {
        var height = new Dictionary<string, int>(StringComparer.Ordinal);
        // Dependents come after their dependencies in topological order: walk it backwards.
        for (var i = order.Count - 1; i >= 0; i--)
        {
            var p = order[i];
            height[p] = _graph.DirectDependentsOf(p).Where(height.ContainsKey).Select(d => height[d] + 1).DefaultIfEmpty(0).Max();
        }
        return height;
    }
}

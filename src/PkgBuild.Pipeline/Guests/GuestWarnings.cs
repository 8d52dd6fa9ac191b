using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// Where the guests' warnings go: to the step running now. A guest lives for the whole build, but an MSBuild
/// task's log is its own only while it runs, so StartVm hands the guests' warnings on to RunPkgBuild.
/// </summary>
public sealed class GuestWarnings(Action<PkgBuildException> first)
{
    private Action<PkgBuildException> _to = first;

    public void Send(PkgBuildException warning) => Volatile.Read(ref _to)(warning);

    public void RouteTo(Action<PkgBuildException> to) => Volatile.Write(ref _to, to);
}

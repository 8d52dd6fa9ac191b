using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Build.Framework;

namespace PkgBuild.Testing.MSBuild;

/// <summary>
/// An <see cref="IBuildEngine4"/> for running one task in-process: records what the task logged and
/// keeps registered task objects, disposing them in <see cref="EndBuild"/> as MSBuild does.
/// </summary>
public sealed class FakeBuildEngine : IBuildEngine4
{
    private readonly ConcurrentDictionary<(object Key, RegisteredTaskObjectLifetime Lifetime), object> _objects = new();

    public FakeBuildEngine(string projectFile = "/fake/pkgbuild.proj") => ProjectFileOfTaskNode = projectFile;

    public List<BuildErrorEventArgs> Errors { get; } = [];

    public List<BuildWarningEventArgs> Warnings { get; } = [];

    public List<BuildMessageEventArgs> Messages { get; } = [];

    public List<CustomBuildEventArgs> CustomEvents { get; } = [];

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode { get; }

    public bool IsRunningMultipleNodes => false;

    public void LogErrorEvent(BuildErrorEventArgs e) { lock (Errors) { Errors.Add(e); } }

    public void LogWarningEvent(BuildWarningEventArgs e) { lock (Warnings) { Warnings.Add(e); } }

    public void LogMessageEvent(BuildMessageEventArgs e) { lock (Messages) { Messages.Add(e); } }

    public void LogCustomEvent(CustomBuildEventArgs e) { lock (CustomEvents) { CustomEvents.Add(e); } }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("Tasks under test do not build other projects.");

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) =>
        throw new NotSupportedException("Tasks under test do not build other projects.");

    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) =>
        throw new NotSupportedException("Tasks under test do not build other projects.");

    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) =>
        throw new NotSupportedException("Tasks under test do not build other projects.");

    public void Yield()
    {
    }

    public void Reacquire()
    {
    }

    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection) =>
        _objects[(key, lifetime)] = obj;

    public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime) =>
        _objects.TryGetValue((key, lifetime), out var obj) ? obj : null;

    public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime) =>
        _objects.TryRemove((key, lifetime), out var obj) ? obj : null;

    /// <summary>Disposes the objects registered for the build's lifetime, as MSBuild does when a build ends.</summary>
    public void EndBuild()
    {
        foreach (var entry in _objects.Where(e => e.Key.Lifetime == RegisteredTaskObjectLifetime.Build).ToList())
        {
            _objects.TryRemove(entry.Key, out _);
            (entry.Value as IDisposable)?.Dispose();
        }
    }
}

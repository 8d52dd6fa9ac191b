using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// Base of every PkgBuild task: turns a <see cref="PkgBuildException"/> into one MSBuild error with its
/// PKB code, file, line and column (a <see cref="PkgBuildAggregateException"/> into one each), and gives the task a token that Ctrl+C cancels.
/// </summary>
public abstract class PkgBuildTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    protected CancellationToken CancellationToken => _cancel.Token;

    public void Cancel() => _cancel.Cancel();

    public sealed override bool Execute()
    {
        try
        {
            ExecuteCore();
        }
        catch (PkgBuildException e)
        {
            LogError(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            // The file system, not the project: name the problem instead of crashing with MSB4018.
            Log.LogError(null, ErrorCodes.FileSystem, null, null, 0, 0, 0, 0, $"{GetType().Name}: {e.Message}");
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            Log.LogWarning(null, ErrorCodes.Cancelled, null, null, 0, 0, 0, 0, CancelledMessage(GetType().Name));
        }
        // A cancelled step did not do its work: false, as MSBuild's ToolTask answers, so nothing after it
        // can read its outputs as complete.
        return !Log.HasLoggedErrors && !_cancel.IsCancellationRequested;
    }

    /// <summary>
    /// PKB0004's text. Every step keeps what it finished (the run journal each package's result as it ends,
    /// the catalog and archive what they fetched), so building again picks up where this one stopped.
    /// </summary>
    internal static string CancelledMessage(string task) =>
        $"{task} was cancelled. Finished work is kept: build again and it resumes where it stopped.";

    /// <summary>The task's work; report user errors by throwing <see cref="PkgBuildException"/>.</summary>
    protected abstract void ExecuteCore();

    /// <summary>Logs <paramref name="e"/>; several collected errors become one MSBuild error each, at its own place.</summary>
    protected void LogError(PkgBuildException e)
    {
        if (e is PkgBuildAggregateException several)
        {
            foreach (var one in several.Errors)
            {
                LogError(one);
            }
            if (several.UnreportedError is { } rest)
            {
                LogError(rest);
            }
            return;
        }
        var at = e.Location;
        Log.LogError(
            subcategory: null,
            errorCode: e.Code,
            helpKeyword: null,
            helpLink: null,
            file: at.File,
            lineNumber: at.Line,
            columnNumber: at.Column,
            endLineNumber: 0,
            endColumnNumber: 0,
            message: e.Message);
    }

    /// <summary>A problem that was worked around: a warning with the exception's code and position.</summary>
    protected void LogWarning(PkgBuildException e)
    {
        var at = e.Location;
        Log.LogWarning(null, e.Code, null, null, at.File, at.Line, at.Column, 0, 0, e.Message);
    }

    /// <summary>
    /// Waits for <paramref name="work"/> on the task's own thread, calling <paramref name="report"/> every
    /// few seconds while it runs (so a long step shows it is alive), and rethrows its exception unwrapped.
    /// </summary>
    protected T Wait<T>(Task<T> work, Action? report = null)
    {
        while (!((IAsyncResult)work).AsyncWaitHandle.WaitOne(ProgressInterval))
        {
            report?.Invoke();
        }
        return work.GetAwaiter().GetResult();
    }

    /// <summary>How often a long step logs its progress.</summary>
    protected static TimeSpan ProgressInterval { get; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <c>$(MSBuildProjectFullPath)</c>: the project being built. MSBuild tells a task only the file its
    /// element is in, which for every PkgBuild task is Sdk.targets, the same for every project.
    /// </summary>
    public string Project { get; set; } = "";

    /// <summary>
    /// The project file, for errors about a property or item the user wrote there, and to key what a task
    /// leaves for later ones (the site server, the guests): two projects in one build must not share them.
    /// </summary>
    protected string ProjectFile => !string.IsNullOrEmpty(Project) ? Project : BuildEngine?.ProjectFileOfTaskNode ?? "";
}

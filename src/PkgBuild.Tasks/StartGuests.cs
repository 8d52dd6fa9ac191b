using Microsoft.Build.Framework;
using PkgBuild.Pipeline.Guests;
using PkgBuild.Racket.Diagnostics;

namespace PkgBuild.Tasks;

/// <summary>
/// StartVm: checks every <c>PkgBuildGuest</c> (all of them, so one build names every problem), starts
/// them, proves each ready, and keeps them for the rest of the build in a <see cref="GuestPool"/> that
/// MSBuild disposes when the build ends, also after a failure or Ctrl+C.
/// </summary>
public sealed class StartGuests : PkgBuildTask
{
    /// <summary>The key later steps use to find the started guests of this project.</summary>
    public static string PoolKey(string projectFile) => "PkgBuild.GuestPool|" + projectFile;

    [Required]
    public ITaskItem[] Guests { get; set; } = [];

    [Required]
    public string StateDirectory { get; set; } = "";

    protected override void ExecuteCore()
    {
        var engine = (IBuildEngine4)BuildEngine;
        var key = PoolKey(ProjectFile);
        if (engine.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is GuestPool)
        {
            Log.LogMessage(MessageImportance.Normal, "The guests of this build are already started.");
            return;
        }

        // Every item is checked and every valid guest preflighted before anything starts, so one build
        // names every problem, each with its fix.
        var failures = new List<PkgBuildException>();
        var specs = new List<GuestSpec>();
        foreach (var item in Guests)
        {
            try
            {
                specs.Add(GuestSpec.Parse(item.ItemSpec, TaskItems.CustomMetadata(item), ItemLocation.Of(item, "PkgBuildGuest")));
            }
            catch (PkgBuildException e)
            {
                failures.Add(e);
            }
        }
        foreach (var duplicate in specs.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add(new GuestException(ErrorCodes.GuestInvalid, $"There are {duplicate.Count()} PkgBuildGuest items named '{duplicate.Key}'.", duplicate.Last().Location));
        }
        var warnings = new GuestWarnings(LogWarning);
        var machines = new List<IGuestMachine>();
        foreach (var spec in specs)
        {
            try
            {
                machines.Add(GuestFactory.Create(spec, StateDirectory, warnings.Send, line => Log.LogMessage(MessageImportance.High, "StartVm: {0}", line)));
            }
            catch (PkgBuildException e)
            {
                failures.Add(e);
            }
        }
        Log.LogMessage(MessageImportance.High, "StartVm: checking {0} guest(s): {1}", Guests.Length,
            string.Join(", ", specs.Select(s => $"{s.Name} ({s.Kind})")));
        failures.AddRange(Wait(GuestPool.PreflightAsync(machines, CancellationToken)));
        if (failures.Count > 0)
        {
            failures.ForEach(LogError);
            return;
        }

        GuestPool pool;
        try
        {
            pool = Wait(GuestPool.StartAsync(machines, StateDirectory, CancellationToken));
        }
        catch (AggregateException started)
        {
            foreach (var failure in started.InnerExceptions.OfType<PkgBuildException>())
            {
                LogError(failure);
            }
            return;
        }
        pool.Warnings = warnings;
        engine.RegisterTaskObject(key, pool, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        foreach (var machine in pool.Guests)
        {
            var isolation = machine is LocalGuestMachine local ? (local.Isolated ? ", isolated: bubblewrap, no network, read-only system" : ", NOT isolated") : "";
            Log.LogMessage(MessageImportance.High, "StartVm: {0} ({1}{2}) is up; its Racket is checked when the run starts", machine.Spec.Name, machine.Spec.Kind, isolation);
        }
    }
}

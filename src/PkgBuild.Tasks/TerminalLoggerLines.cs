using System.Reflection;
using Microsoft.Build.Framework;

namespace PkgBuild.Tasks;

/// <summary>
/// Lines for the terminal logger, <c>dotnet build</c>'s default in a terminal, which shows no message of a
/// task at its default verbosity (and at <c>-v:d</c> only when the project ends). The one way it prints a
/// task's line as it comes is the protocol <c>dotnet test</c> speaks, in a project where a target named
/// <c>_TestRunStart</c> ran (Sdk.targets has one for this): a <c>TLTESTOUTPUT</c> message is printed at
/// once, a <c>TLTESTPASSED</c> or <c>TLTESTSKIPPED</c> one sets the project's live status line. Both are
/// <c>ExtendedBuildMessageEventArgs</c>, which MSBuild 17.8 and later have but the Framework this assembly
/// compiles against does not: made by reflection. Each carries the text the console logger would have
/// shown, so a binary log of such a build still holds every line.
/// </summary>
internal sealed class TerminalLoggerLines
{
    private static readonly Type? ExtendedMessage =
        typeof(BuildMessageEventArgs).Assembly.GetType("Microsoft.Build.Framework.ExtendedBuildMessageEventArgs");

    // ExtendedBuildMessageEventArgs(string type, string? message, string? helpKeyword, string? senderName, MessageImportance importance)
    private static readonly ConstructorInfo? Constructor =
        ExtendedMessage?.GetConstructor([typeof(string), typeof(string), typeof(string), typeof(string), typeof(MessageImportance)]);

    private static readonly PropertyInfo? Metadata = ExtendedMessage?.GetProperty("ExtendedMetadata");

    private readonly IBuildEngine _engine;
    private readonly string _sender;

    private TerminalLoggerLines(IBuildEngine engine, string sender)
    {
        _engine = engine;
        _sender = sender;
    }

    /// <summary>
    /// Null unless the build's console is the terminal logger (MSBuild sets <c>_MSBUILDTLENABLED=1</c> for
    /// its nodes then) and this MSBuild has the extended messages: the console logger shows plain
    /// high-importance messages as they come, and would print these twice.
    /// </summary>
    public static TerminalLoggerLines? For(IBuildEngine engine, string sender) =>
        Environment.GetEnvironmentVariable("_MSBUILDTLENABLED") == "1" && Constructor != null && Metadata != null
            ? new TerminalLoggerLines(engine, sender)
            : null;

    /// <summary>Prints <paramref name="text"/> above the live status lines, now.</summary>
    public void Line(string text) => Log("TLTESTOUTPUT", text, null);

    /// <summary>
    /// Sets the project's status line to <c>progress name</c> (<c>[3/40] qs-app: test failure</c>): green
    /// when <paramref name="succeeded"/>, yellow otherwise.
    /// </summary>
    public void Status(string progress, string name, bool succeeded, string text) =>
        Log(succeeded ? "TLTESTPASSED" : "TLTESTSKIPPED", text, new Dictionary<string, string?> { ["localizedResult"] = progress, ["displayName"] = name });

    private void Log(string type, string text, Dictionary<string, string?>? metadata)
    {
        var e = (BuildMessageEventArgs)Constructor!.Invoke([type, text, null, _sender, MessageImportance.High]);
        if (metadata != null)
        {
            Metadata!.SetValue(e, metadata);
        }
        _engine.LogMessageEvent(e);
    }
}

namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// A command for a guest as a program and its arguments, never as a shell string: each guest kind passes
/// the list on as a list, or makes one shell line of it through <see cref="ShellQuote"/>.
/// </summary>
public sealed record GuestCommand(string Program, IReadOnlyList<string> Arguments)
{
    public GuestCommand(string program, params string[] arguments) : this(program, (IReadOnlyList<string>)arguments)
    {
    }

    /// <summary>Variables set for this command on top of the session's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public IEnumerable<string> Argv => Arguments.Prepend(Program);

    public override string ToString() => ShellQuote.Join(Argv);
}

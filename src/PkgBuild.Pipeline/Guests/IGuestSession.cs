namespace PkgBuild.Pipeline.Guests;

/// <summary>
/// A fresh guest for one package: its own work directory and <c>PLTUSERHOME</c>, nothing left from any
/// other package. Disposing it discards everything it wrote.
/// </summary>
public interface IGuestSession : IAsyncDisposable
{
    /// <summary>The directory, as the guest sees it, that holds everything of this session.</summary>
    string Root { get; }

    /// <summary>Where commands start (inside <see cref="Root"/>).</summary>
    string WorkDirectory { get; }

    /// <summary><c>PLTUSERHOME</c> (and <c>HOME</c>) for every command (inside <see cref="Root"/>).</summary>
    string UserHome { get; }

    /// <summary>
    /// Runs <paramref name="command"/> with the session's environment. A timeout kills the command and
    /// everything it started. A lost connection throws <c>PKB0611</c> (an infrastructure failure).
    /// </summary>
    Task<GuestRunResult> RunAsync(GuestCommand command, GuestRunOptions options, CancellationToken cancellationToken = default);

    /// <summary>Copies a local file into the session, at <paramref name="relativePath"/> under <see cref="Root"/>.</summary>
    Task CopyInAsync(string localFile, string relativePath, CancellationToken cancellationToken = default);

    /// <summary>Copies the file at <paramref name="relativePath"/> under <see cref="Root"/> out to a local file.</summary>
    Task CopyOutAsync(string relativePath, string localFile, CancellationToken cancellationToken = default);
}

namespace PkgBuild.Testing.Racket;

/// <summary>
/// A stand-in for a Racket installer's layout only: `sh FILE --in-place --dest DIR` makes bin/raco (which
/// prints "raco"), share/links.rktd (holding "1") and share/pkgs/base/. For tests of how a guest presents
/// an installation; the real installer (<see cref="MinimalRacket"/>) is used where Racket must run.
/// </summary>
public static class StandInInstaller
{
    public static string Write(string path)
    {
        File.WriteAllText(path, """
            #!/bin/sh
            [ "$1" = --in-place ] && [ "$2" = --dest ] || exit 2
            mkdir -p "$3/bin" "$3/share/pkgs/base" && printf '#!/bin/sh\necho raco\n' > "$3/bin/raco" && chmod +x "$3/bin/raco" && echo 1 > "$3/share/links.rktd"
            """);
        return path;
    }
}

using PkgBuild.Pipeline.Results;
using PkgBuild.Pipeline.Verdicts;
using PkgBuild.Testing;

namespace PkgBuild.Pipeline.Tests.Verdicts;

/// <summary>
/// First errors found in logs as Racket 8.7 writes them: each log below is real output, of a run of ours or of
/// raco run by hand, for small packages written to fail one way each.
/// </summary>
public sealed class FirstErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string? Find(string log) => FirstError.Find(log.Split('\n'));

    [Fact]
    public void A_compile_error_is_the_first_error_with_its_fields_and_not_setup_s_lines()
    {
        var error = Find(InstallLog);

        Assert.NotNull(error);
        Assert.StartsWith("/tmp/pkgbuild-test-", error);
        Assert.EndsWith("/pkgs/cf-pkg/main.rkt:2:15: g: unbound identifier; in: g", error);
        Assert.Equal("…/cf-pkg/main.rkt:2:15: g: unbound identifier; in: g", FirstError.Normal(error));
    }

    [Fact]
    public void The_same_error_in_another_session_reads_the_same_and_another_error_does_not()
    {
        var here = FirstError.Normal(Find(InstallLog)!);
        var there = FirstError.Normal(Find(InstallLogElsewhere)!);

        Assert.Equal(here.Replace(" g", " h", StringComparison.Ordinal), there); // only the identifier differs
        Assert.NotEqual(here, there);
        Assert.Equal(here, FirstError.Normal(Find(InstallLog.Replace("cf-pkg-c50bccfdd911", "cf-pkg-0123456789ab", StringComparison.Ordinal))!));
    }

    [Fact]
    public void A_syntax_error_is_read_syntax_s_message()
    {
        Assert.Equal("synerr/main.rkt:2:0: read-syntax: expected a `)` to close `(`", Find(SyntaxErrorLog));
    }

    [Fact]
    public void A_raco_command_s_own_error_is_one()
    {
        Assert.Equal("raco pkg install: cannot find package on catalogs; package: no-such-pkg-here", Find(MissingDependencyLog));
    }

    [Fact]
    public void A_test_file_s_stderr_gives_its_own_first_error_not_raco_test_s_status_lines()
    {
        Assert.Equal("main.rkt: shared: the shared thing broke", Find(TestLog));
    }

    [Fact]
    public void A_failed_rackunit_check_is_its_report()
    {
        Assert.Equal("main.rkt: FAILURE; name: check-equal?; location: main.rkt:4:33; actual: 1; expected: 2", Find(RackunitLog));
    }

    [Fact]
    public void A_dependency_problem_names_the_dependency_but_not_the_package()
    {
        Assert.Equal("raco setup: found undeclared dependency: mode: run; on package: \"rackunit-lib\"; used module: (lib \"rackunit/main.rkt\")", Find(UndeclaredLog));
    }

    [Fact]
    public void Only_setup_s_summary_of_errors_gives_the_error_under_it()
    {
        var summary = InstallLogElsewhere.Split('\n').SkipWhile(l => !l.StartsWith("raco setup: --- summary of errors", StringComparison.Ordinal));

        Assert.EndsWith("main.rkt:2:15: h: unbound identifier; in: h", FirstError.Find(summary));
        Assert.StartsWith("raco setup: error: during making for <pkgs>/cf-pkg; /tmp/", FirstError.Find(summary));
    }

    [Fact]
    public void A_log_without_an_error_has_none()
    {
        Assert.Null(Find(string.Join('\n', InstallLog.Split('\n').Where(l => l.StartsWith("raco setup: ---", StringComparison.Ordinal) || l.StartsWith("[pkgbuild", StringComparison.Ordinal)))));
    }

    [Theory]
    [InlineData("x: took 12 s, cpu time: 120 real time: 130 gc time: 4 at 2025-01-02 03:04:05Z", "x: took …, … at …")]
    [InlineData("/tmp/pkgbuild-1/work/sessions/p-1234567890ab/home/x/main.rkt:3:4: f: bad", "…/x/main.rkt:3:4: f: bad")]
    [InlineData("y: id 5f0c5c2e-1b7e-4c2b-9a51-2d6f3f9a1b2c and 1733112345678", "y: id … and …")]
    [InlineData("z:  two\\nlines\t here", "z: two lines here")]
    public void The_normal_form_blanks_what_differs_between_runs(string error, string normal)
    {
        Assert.Equal(normal, FirstError.Normal(error));
    }

    [Fact]
    public void A_result_s_first_error_is_in_the_log_of_the_step_that_decided_it_else_its_message()
    {
        Directory.CreateDirectory(_dir.Combine("logs", "p"));
        File.WriteAllText(_dir.Combine("logs", "p", "install.txt"), InstallLog);
        File.WriteAllText(_dir.Combine("logs", "p", "test.txt"), TestLog);
        string? Resolve(string log) => _dir.Combine(log);
        var tested = new PackageResult
        {
            Package = "p", Outcome = PackageOutcome.TestFailure, Step = StepNames.Test, InstallLog = "logs/p/install.txt", TestLog = "logs/p/test.txt",
        };

        Assert.Equal("main.rkt: shared: the shared thing broke", FirstError.Of(tested, Resolve));
        Assert.EndsWith("g: unbound identifier; in: g", FirstError.Of(tested with { Outcome = PackageOutcome.InstallFailure, Step = StepNames.Install }, Resolve));
        Assert.Null(FirstError.Of(tested with { Outcome = PackageOutcome.Success }, Resolve));
        Assert.Null(FirstError.Of(tested with { TestLog = "logs/p/elsewhere.txt" }, Resolve)); // a baseline's log that is not here
        Assert.Equal("its packed zip was refused: a link", FirstError.Of(tested with { Step = StepNames.Pack, InstallLog = null, Message = "its packed zip was refused: a link" }, Resolve));
        Assert.Equal("kept", FirstError.Fill(tested with { FirstError = "kept" }, Resolve).FirstError);
    }

    [Fact]
    public void An_archive_failure_is_the_failure_under_what_was_fetched()
    {
        Assert.Equal("git: could not reach example.org; status: 404",
            FirstError.Find("archive-fail p\nsource: git://example.org/p\nchecksum: abc\ngit: could not reach example.org\n  status: 404\n".Split('\n'), archive: true));
    }

    /// <summary>The install log of a package whose main.rkt uses an unbound identifier (a run of ours: our header and footer).</summary>
    private const string InstallLog =
        """
        $ raco pkg install -u --auto --batch --catalog file:///tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before-packages/site/built/catalog/ cf-pkg   [guest local, 2026-12-02 04:05:45Z; not a process of its own: raco's front end (raco/main) ran these arguments in the package's one Racket process, raco-steps.rkt]
        Resolved "cf-pkg" via file:///tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before-packages/site/built/catalog/
        raco setup: version: 8.7
        raco setup: platform: x86_64-linux [cs]
        raco setup: target machine: ta6le
        raco setup: installation name: 8.7
        raco setup: variants: cs
        raco setup: main collects: /usr/share/racket/collects/
        raco setup: collects paths: 
        raco setup:   /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/cf-pkg-c50bccfdd911/home/.local/share/racket/8.7/collects
        raco setup:   /usr/share/racket/collects/
        raco setup: main pkgs: /usr/share/racket/pkgs
        raco setup: pkgs paths: 
        raco setup:   /usr/share/racket/pkgs
        raco setup:   /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/cf-pkg-c50bccfdd911/home/.local/share/racket/8.7/pkgs
        raco setup: links files: 
        raco setup:   /usr/share/racket/links.rktd
        raco setup:   /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/cf-pkg-c50bccfdd911/home/.local/share/racket/8.7/links.rktd
        raco setup: compiled-file roots: 
        raco setup:   same
        raco setup:   /usr/lib/racket/compiled
        raco setup: main docs: /usr/share/doc/racket
        raco setup: --- updating info-domain tables ---                    [4:05:51]
        raco setup: updating: /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/cf-pkg-c50bccfdd911/home/.local/share/racket/8.7/share/info-cache.rktd
        raco setup: --- pre-installing collections ---                     [4:05:51]
        raco setup: --- installing foreign libraries ---                   [4:05:51]
        raco setup: --- installing shared files ---                        [4:05:51]
        raco setup: --- compiling collections ---                          [4:05:51]
        raco setup: --- parallel build using 2 jobs ---                    [4:05:51]
        raco setup: 1 making: <pkgs>/cf-pkg
        /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/cf-pkg-c50bccfdd911/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt:2:15: g: unbound identifier
          in: g
          compilation context...:
           /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/cf-pkg-c50bccfdd911/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt
          location...:
           /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/cf-pkg-c50bccfdd911/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt:2:15
          context...:
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:686:0: compile-zo*
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:452:15
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:441:12: build
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:412:0: maybe-compile-zo
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:210:0: compile-root
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:105:4
           /usr/share/racket/collects/setup/parallel-build.rkt:332:9
           /usr/share/racket/collects/setup/parallel-do.rkt:456:25
           /usr/share/racket/collects/setup/parallel-do.rkt:442:20: loop
        raco setup: --- creating launchers ---                             [4:05:54]
        raco setup: --- installing man pages ---                           [4:05:54]
        raco setup: --- building documentation ---                         [4:05:54]
        raco setup: --- installing collections ---                         [4:05:55]
        raco setup: --- post-installing collections ---                    [4:05:55]
        raco setup: --- summary of errors ---                              [4:05:55]
        raco setup: error: during making for <pkgs>/cf-pkg
        raco setup:   /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/cf-pkg-c50bccfdd911/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt:2:15: g: unbound identifier
        raco setup:     in: g
        raco setup:     compiling: <pkgs>/cf-pkg/main.rkt
        raco pkg install: packages installed, although setup reported errors
        [pkgbuild: install exited with 1 after 9.8 s]
        """;

    /// <summary>The same package's install log from another run: another session directory, other times, another identifier.</summary>
    private const string InstallLogElsewhere =
        """
        $ raco pkg install -u --auto --batch --catalog file:///tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after-packages/site/built/catalog/ cf-pkg   [guest local, 2026-12-02 04:06:21Z; not a process of its own: raco's front end (raco/main) ran these arguments in the package's one Racket process, raco-steps.rkt]
        Resolved "cf-pkg" via file:///tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after-packages/site/built/catalog/
        raco setup: version: 8.7
        raco setup: platform: x86_64-linux [cs]
        raco setup: target machine: ta6le
        raco setup: installation name: 8.7
        raco setup: variants: cs
        raco setup: main collects: /usr/share/racket/collects/
        raco setup: collects paths: 
        raco setup:   /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after/guest/sessions/cf-pkg-ecd2c7a46d92/home/.local/share/racket/8.7/collects
        raco setup:   /usr/share/racket/collects/
        raco setup: main pkgs: /usr/share/racket/pkgs
        raco setup: pkgs paths: 
        raco setup:   /usr/share/racket/pkgs
        raco setup:   /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after/guest/sessions/cf-pkg-ecd2c7a46d92/home/.local/share/racket/8.7/pkgs
        raco setup: links files: 
        raco setup:   /usr/share/racket/links.rktd
        raco setup:   /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after/guest/sessions/cf-pkg-ecd2c7a46d92/home/.local/share/racket/8.7/links.rktd
        raco setup: compiled-file roots: 
        raco setup:   same
        raco setup:   /usr/lib/racket/compiled
        raco setup: main docs: /usr/share/doc/racket
        raco setup: --- updating info-domain tables ---                    [4:06:25]
        raco setup: updating: /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after/guest/sessions/cf-pkg-ecd2c7a46d92/home/.local/share/racket/8.7/share/info-cache.rktd
        raco setup: --- pre-installing collections ---                     [4:06:25]
        raco setup: --- installing foreign libraries ---                   [4:06:25]
        raco setup: --- installing shared files ---                        [4:06:25]
        raco setup: --- compiling collections ---                          [4:06:25]
        raco setup: --- parallel build using 2 jobs ---                    [4:06:25]
        raco setup: 1 making: <pkgs>/cf-pkg
        /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after/guest/sessions/cf-pkg-ecd2c7a46d92/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt:2:15: h: unbound identifier
          in: h
          compilation context...:
           /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after/guest/sessions/cf-pkg-ecd2c7a46d92/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt
          location...:
           /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after/guest/sessions/cf-pkg-ecd2c7a46d92/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt:2:15
          context...:
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:686:0: compile-zo*
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:452:15
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:441:12: build
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:412:0: maybe-compile-zo
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:210:0: compile-root
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:105:4
           /usr/share/racket/collects/setup/parallel-build.rkt:332:9
           /usr/share/racket/collects/setup/parallel-do.rkt:456:25
           /usr/share/racket/collects/setup/parallel-do.rkt:442:20: loop
        raco setup: --- creating launchers ---                             [4:06:27]
        raco setup: --- installing man pages ---                           [4:06:27]
        raco setup: --- building documentation ---                         [4:06:27]
        raco setup: --- installing collections ---                         [4:06:28]
        raco setup: --- post-installing collections ---                    [4:06:28]
        raco setup: --- summary of errors ---                              [4:06:28]
        raco setup: error: during making for <pkgs>/cf-pkg
        raco setup:   /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/after/guest/sessions/cf-pkg-ecd2c7a46d92/home/.local/share/racket/8.7/pkgs/cf-pkg/main.rkt:2:15: h: unbound identifier
        raco setup:     in: h
        raco setup:     compiling: <pkgs>/cf-pkg/main.rkt
        raco pkg install: packages installed, although setup reported errors
        [pkgbuild: install exited with 1 after 7.8 s]
        """;

    /// <summary>The test log of a package whose test submodule raises an error (raco test --drdr).</summary>
    private const string TestLog =
        """
        $ raco test --drdr --package grp-a   [guest local, 2026-12-02 04:06:05Z; not a process of its own: raco's front end (raco/main) ran these arguments in the package's one Racket process, raco-steps.rkt]
        raco test: 0 "/tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/grp-a-58db69bb6194/home/.local/share/racket/8.7/pkgs/grp-a/info.rkt"
        raco test: 1 (submod "/tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/grp-a-58db69bb6194/home/.local/share/racket/8.7/pkgs/grp-a/main.rkt" test)
        main.rkt: raco test: non-empty stderr: #"shared: the shared thing broke\n  context...:\n   body of (submod \"/tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/grp-a-58db69bb6194/home/.local/share/racket/8.7/pkgs/grp-a/main.rkt\" test)\n   /usr/share/racket/pkgs/compiler-lib/compiler/commands/test.rkt:92:2\n   body of (submod \"/usr/share/racket/pkgs/compiler-lib/compiler/commands/test.rkt\" process)\n   body of top-level\n"
        1/1 test failures
          0 /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/grp-a-58db69bb6194/home/.local/share/racket/8.7/pkgs/grp-a/info.rkt
        1 1 /tmp/pkgbuild-test-44980a3acc8a425ab3c35cf381eaf583/before/guest/sessions/grp-a-58db69bb6194/home/.local/share/racket/8.7/pkgs/grp-a/main.rkt
        [pkgbuild: test exited with 1 after 2.0 s]
        """;

    /// <summary>raco pkg install of a package whose main.rkt lacks a closing parenthesis.</summary>
    private const string SyntaxErrorLog =
        """
        raco setup: version: 8.7
        raco setup: platform: x86_64-linux [cs]
        raco setup: target machine: ta6le
        raco setup: installation name: 8.7
        raco setup: variants: cs
        raco setup: main collects: /usr/share/racket/collects/
        raco setup: collects paths: 
        raco setup:   /tmp/fv-cap/addon/8.7/collects
        raco setup:   /usr/share/racket/collects/
        raco setup: main pkgs: /usr/share/racket/pkgs
        raco setup: pkgs paths: 
        raco setup:   /usr/share/racket/pkgs
        raco setup:   /tmp/fv-cap/addon/8.7/pkgs
        raco setup: links files: 
        raco setup:   /usr/share/racket/links.rktd
        raco setup:   /tmp/fv-cap/addon/8.7/links.rktd
        raco setup: compiled-file roots: 
        raco setup:   same
        raco setup:   /usr/lib/racket/compiled
        raco setup: main docs: /usr/share/doc/racket
        raco setup: --- updating info-domain tables ---                    [3:50:35]
        raco setup: updating: /tmp/fv-cap/addon/8.7/share/info-cache.rktd
        raco setup: --- pre-installing collections ---                     [3:50:35]
        raco setup: --- installing foreign libraries ---                   [3:50:35]
        raco setup: --- installing shared files ---                        [3:50:35]
        raco setup: --- compiling collections ---                          [3:50:35]
        raco setup: --- parallel build using 2 jobs ---                    [3:50:35]
        raco setup: 1 making: <pkgs>/synerr
        synerr/main.rkt:2:0: read-syntax: expected a `)` to close `(`
          compilation context...:
           /tmp/fv-cap/synerr/main.rkt
          context...:
           /usr/share/racket/collects/syntax/module-reader.rkt:214:17: body
           /usr/share/racket/collects/syntax/module-reader.rkt:211:2: wrap-internal
           /usr/share/racket/collects/racket/../syntax/module-reader.rkt:76:9: wrap-internal/wrapper
           /usr/share/racket/collects/syntax/private/modcode-noctc.rkt:37:2: reader
           /usr/share/racket/collects/syntax/private/modcode-noctc.rkt:192:5: compile-one
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:686:0: compile-zo*
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:452:15
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:441:12: build
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:412:0: maybe-compile-zo
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:210:0: compile-root
           /usr/share/racket/collects/compiler/private/cm-minimal.rkt:105:4
           /usr/share/racket/collects/setup/parallel-build.rkt:332:9
           /usr/share/racket/collects/setup/parallel-do.rkt:456:25
           /usr/share/racket/collects/setup/parallel-do.rkt:442:20: loop
        raco setup: --- creating launchers ---                             [3:50:56]
        raco setup: --- installing man pages ---                           [3:50:56]
        raco setup: --- building documentation ---                         [3:50:56]
        raco setup: --- installing collections ---                         [3:51:06]
        raco setup: --- post-installing collections ---                    [3:51:06]
        raco setup: --- summary of errors ---                              [3:51:06]
        raco setup: error: during making for <pkgs>/synerr
        raco setup:   synerr/main.rkt:2:0: read-syntax: expected a `)` to close `(`
        raco setup:     compiling: <pkgs>/synerr/main.rkt
        raco pkg install: packages installed, although setup reported errors
        """;

    /// <summary>raco pkg install of a package depending on a package no catalog has.</summary>
    private const string MissingDependencyLog =
        """
        raco pkg install: cannot find package on catalogs
          package: no-such-pkg-here
        """;

    /// <summary>raco test --drdr of a package with a failing check-equal? and then an error.</summary>
    private const string RackunitLog =
        """
        raco test: 0 "/tmp/fv-cap/addon/8.7/pkgs/../../../testfail/info.rkt"
        raco test: 1 (submod "/tmp/fv-cap/addon/8.7/pkgs/../../../testfail/main.rkt" test)
        main.rkt: raco test: non-empty stderr: #"--------------------\nFAILURE\nname:       check-equal?\nlocation:   main.rkt:4:33\nactual:     1\nexpected:   2\n--------------------\nf: boom 42\n  context...:\n   body of (submod \"/tmp/fv-cap/testfail/main.rkt\" test)\n   /usr/share/racket/pkgs/compiler-lib/compiler/commands/test.rkt:92:2\n   body of (submod \"/usr/share/racket/pkgs/compiler-lib/compiler/commands/test.rkt\" process)\n   body of top-level\n"
        1/1 test failures
          0 /tmp/fv-cap/addon/8.7/pkgs/../../../testfail/info.rkt
        1 1 /tmp/fv-cap/addon/8.7/pkgs/../../../testfail/main.rkt
        """;

    /// <summary>raco setup --check-pkg-deps of a package using rackunit without declaring it.</summary>
    private const string UndeclaredLog =
        """
        raco setup: version: 8.7
        raco setup: platform: x86_64-linux [cs]
        raco setup: target machine: ta6le
        raco setup: installation name: 8.7
        raco setup: variants: cs
        raco setup: main collects: /usr/share/racket/collects/
        raco setup: collects paths: 
        raco setup:   /tmp/fv-cap/addon/8.7/collects
        raco setup:   /usr/share/racket/collects/
        raco setup: main pkgs: /usr/share/racket/pkgs
        raco setup: pkgs paths: 
        raco setup:   /usr/share/racket/pkgs
        raco setup:   /tmp/fv-cap/addon/8.7/pkgs
        raco setup: links files: 
        raco setup:   /usr/share/racket/links.rktd
        raco setup:   /tmp/fv-cap/addon/8.7/links.rktd
        raco setup: compiled-file roots: 
        raco setup:   same
        raco setup:   /usr/lib/racket/compiled
        raco setup: main docs: /usr/share/doc/racket
        raco setup: --- updating info-domain tables ---                    [3:54:01]
        raco setup: --- installing foreign libraries ---                   [3:54:01]
        raco setup: --- installing shared files ---                        [3:54:01]
        raco setup: --- checking package dependencies ---                  [3:54:01]
        raco setup: found undeclared dependency:
        raco setup:   mode: run
        raco setup:   for package: "undecl"
        raco setup:   on package: "rackunit-lib"
        raco setup:   dependent source: /tmp/fv-cap/undecl/compiled/main_rkt.zo
        raco setup:   used module: (lib "rackunit/main.rkt")
        raco setup: --- summary of package problems ---                    [3:54:02]
        raco setup: undeclared dependency detected
        raco setup:   for package: "undecl"
        raco setup:   on package:
        raco setup:    "rackunit-lib"
        """;
}

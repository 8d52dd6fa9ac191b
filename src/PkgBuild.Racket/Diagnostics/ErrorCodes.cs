namespace PkgBuild.Racket.Diagnostics;

/// <summary>
/// Every PKB code in one place, so a code is never reused for two meanings. Ranges:
/// 00xx project and SDK, 01xx Racket data format, 02xx CopyCatalog, 03xx EditCatalog,
/// 04xx BuildInstallers and archive, 05xx ServeSite, 06xx guests and StartVm, 07xx RunPkgBuild,
/// 08xx regression verdicts. Each is listed with its fix in docs/errors.md.
/// </summary>
public static class ErrorCodes
{
    /// <summary>PkgBuildWorkDir or PkgBuildResultsDir would let Clean delete something it must not.</summary>
    public const string UnsafeDirectory = "PKB0002";

    /// <summary>A property has a value the SDK cannot use (not a number, not one of the allowed words).</summary>
    public const string InvalidProperty = "PKB0003";

    /// <summary>A step was cancelled (Ctrl+C); reported as a warning, the build stops.</summary>
    public const string Cancelled = "PKB0004";

    /// <summary>A file or directory the SDK must read or write could not be (permissions, disk full, a state file that is not ours).</summary>
    public const string FileSystem = "PKB0005";

    /// <summary>An item is missing or has metadata the SDK cannot use.</summary>
    public const string InvalidItem = "PKB0006";

    /// <summary>A PkgBuild* property, item type or metadata name the SDK does not read (a misspelling, most likely): a warning.</summary>
    public const string UnknownSetting = "PKB0007";

    /// <summary>Racket data ended inside a datum (unclosed list, string, comment).</summary>
    public const string DataUnexpectedEnd = "PKB0101";

    /// <summary>A closing parenthesis or bracket with no opener, or of the wrong shape.</summary>
    public const string DataUnbalanced = "PKB0102";

    /// <summary>A bad escape in a string, byte string, symbol or character.</summary>
    public const string DataBadEscape = "PKB0103";

    /// <summary>Nesting deeper than the reader's limit (a hostile or corrupt file).</summary>
    public const string DataTooDeep = "PKB0104";

    /// <summary>Text that is not Racket data: an unknown <c>#</c> form, a misplaced dot, a bad number.</summary>
    public const string DataSyntax = "PKB0105";

    /// <summary>The input is not valid UTF-8.</summary>
    public const string DataEncoding = "PKB0106";

    /// <summary>A value that has no readable written form (the writer refuses rather than write garbage).</summary>
    public const string DataNotWritable = "PKB0107";

    /// <summary>Data of the wrong shape where a particular shape is required (a hash where a list was expected).</summary>
    public const string DataUnexpectedShape = "PKB0108";

    /// <summary>More errors than one build reports one by one (see ErrorCollector): this one says how many more.</summary>
    public const string TooManyErrors = "PKB0109";

    /// <summary>A catalog host that does not resolve or refuses the connection.</summary>
    public const string CatalogUnreachable = "PKB0201";

    /// <summary>A catalog answered with an HTTP status that is neither success, not-found nor retryable.</summary>
    public const string CatalogHttpError = "PKB0202";

    /// <summary>A catalog kept failing with retryable errors (5xx, 408, 409, timeouts) until the retries ran out.</summary>
    public const string CatalogRetriesExhausted = "PKB0203";

    /// <summary>A catalog source that is not a catalog: no pkgs-all and no pkgs, or a directory without pkg/.</summary>
    public const string NotACatalog = "PKB0204";

    /// <summary>Warning: a catalog entry whose name is not a valid package name was skipped.</summary>
    public const string InvalidPackageNameSkipped = "PKB0205";

    /// <summary>Warning: a catalog URL without its trailing '/' (Racket's client would ask for the wrong paths) was fixed.</summary>
    public const string CatalogUrlMissingSlash = "PKB0206";

    /// <summary>A PkgBuildSourceCatalog that is neither an http(s) or file URL nor an existing directory.</summary>
    public const string CatalogSourceNotFound = "PKB0207";

    /// <summary>Warning: a remote catalog names a source on this machine (file://, an absolute path); the entry is left out.</summary>
    public const string RemoteCatalogLocalSource = "PKB0208";

    /// <summary>
    /// Warning: a remote catalog names a source whose host is this machine (loopback, unspecified, one of its
    /// interface addresses) or link-local, by address or by a name that resolves there; the entry is left out, never fetched.
    /// </summary>
    public const string RemoteCatalogPrivateSource = "PKB0209";

    /// <summary>A git rev (branch, tag) that the repository does not have.</summary>
    public const string GitRevNotFound = "PKB0301";

    /// <summary>git could not talk to the repository (unreachable, not a repository, needs credentials).</summary>
    public const string GitRemoteFailed = "PKB0302";

    /// <summary>A PkgBuildOverride without what it needs: Source, or Repository and With; and a Rev or Commit.</summary>
    public const string OverrideIncomplete = "PKB0303";

    /// <summary>A source with its fragment before its query (<c>#rev?path=sub</c>): Racket reads a rev named <c>rev?path=sub</c>.</summary>
    public const string OverrideFragmentBeforeQuery = "PKB0304";

    /// <summary>Warning: an http(s) source without <c>.git</c>, which Racket treats as a directory URL, was given <c>.git</c>.</summary>
    public const string OverrideNotGitUrl = "PKB0305";

    /// <summary>An override source or repository that is not a git repository URL at all.</summary>
    public const string OverrideNotGitSource = "PKB0306";

    /// <summary>An override naming a package or repository that is not in the catalog.</summary>
    public const string OverrideMatchesNothing = "PKB0307";

    /// <summary>An override with an unusable value: a bad name, rev or commit, or a Rev that contradicts the source's fragment.</summary>
    public const string OverrideInvalid = "PKB0308";

    /// <summary>Two overrides that both change the same package.</summary>
    public const string OverrideConflict = "PKB0309";

    /// <summary>The project does not say which Racket the guests use (PkgBuildRacket and friends).</summary>
    public const string RacketNotChosen = "PKB0401";

    /// <summary>Warning: a package's source could not be archived; it is recorded in archive-fail/ and the others go on.</summary>
    public const string ArchiveFailed = "PKB0402";

    /// <summary>The installer platform name is not in the snapshot's table.rktd (the message lists the names, closest first).</summary>
    public const string InstallerPlatformNotFound = "PKB0403";

    /// <summary>An installer table entry or installer source that cannot be used (a file name with a path in it, a missing file).</summary>
    public const string InstallerInvalid = "PKB0404";

        /// <summary>The racket/racket checkout has uncommitted changes (its build fails on them, late and obscurely).</summary>
    public const string RacketRepoDirty = "PKB0405";

    /// <summary>PkgBuildRacketRepo is not a git checkout of racket/racket (no Makefile with the installers target).</summary>
    public const string RacketRepoInvalid = "PKB0406";

        /// <summary>The site server's own check failed: it could not fetch the catalog through its URL as a guest would.</summary>
    public const string SiteCheckFailed = "PKB0501";

        /// <summary>A PkgBuildGuest with an unknown Kind or metadata its kind cannot use.</summary>
    public const string GuestInvalid = "PKB0601";

    /// <summary>A guest's host name does not resolve.</summary>
    public const string GuestHostNotFound = "PKB0602";

    /// <summary>Nothing listens on the guest's SSH port (connection refused).</summary>
    public const string GuestConnectionRefused = "PKB0603";

    /// <summary>The guest did not answer in time (connect, handshake or readiness).</summary>
    public const string GuestTimeout = "PKB0604";

    /// <summary>The guest refused the user and key.</summary>
    public const string GuestAuthenticationFailed = "PKB0605";

    /// <summary>The guest's host key is not known: refused, with the line to add.</summary>
    public const string GuestHostKeyUnknown = "PKB0606";

    /// <summary>The guest's host key differs from the known one: refused.</summary>
    public const string GuestHostKeyChanged = "PKB0607";

    /// <summary>The guest has no racket where the build expects one.</summary>
    public const string GuestNoRacket = "PKB0608";

    /// <summary>A program a guest kind needs (unshare, podman, VBoxManage) is not installed.</summary>
    public const string GuestToolMissing = "PKB0609";

    /// <summary>The guest started but a command in it does not run (the readiness check failed).</summary>
    public const string GuestNotReady = "PKB0610";

    /// <summary>The connection to a guest was lost while a command ran: an infrastructure failure, not the package's.</summary>
    public const string GuestConnectionLost = "PKB0611";

    /// <summary>Warning: a Local guest runs without namespace isolation (not root, or no unshare/overlay).</summary>
    public const string GuestIsolationUnavailable = "PKB0612";

    /// <summary>A command argument that cannot be passed on (it holds a NUL character).</summary>
    public const string GuestArgumentInvalid = "PKB0613";

    /// <summary>A Container guest's image is not in the container tool's image store (nothing is pulled during a build).</summary>
    public const string ContainerImageMissing = "PKB0614";

    /// <summary>VirtualBox has no VM with the guest's name (the message lists the registered ones).</summary>
    public const string VmNotRegistered = "PKB0615";

    /// <summary>The VM has no snapshot with exactly the guest's Snapshot name, or more than one.</summary>
    public const string VmSnapshotProblem = "PKB0616";

    /// <summary>VirtualBox reports a machine state this version does not know.</summary>
    public const string VmStateUnknown = "PKB0617";

    /// <summary>The VM is in a transitional state (saving, restoring, snapshotting...): wait, do not interfere.</summary>
    public const string VmBusy = "PKB0618";

    /// <summary>Local guests cannot be isolated and the build runs as root: packages are not run on the machine as root.</summary>
    public const string GuestRootWithoutIsolation = "PKB0619";

    /// <summary>Warning: a guest cannot give each package its own writable view of the installation (Local: not root or no overlayfs; Ssh: no overlay in a user namespace).</summary>
    public const string GuestInstallationReadOnly = "PKB0620";

    /// <summary>The build runs as root and the sandbox user (nobody) cannot enter a directory above the Local guests' state.</summary>
    public const string GuestStateUnreachable = "PKB0621";

    /// <summary>A Slurm guest's commands (srun, scancel, scontrol, sinfo, squeue) are not on this machine's PATH.</summary>
    public const string SlurmCommandsMissing = "PKB0631";

    /// <summary>The Slurm controller (slurmctld) does not answer.</summary>
    public const string SlurmControllerUnreachable = "PKB0632";

    /// <summary>Slurm's authentication (munge) fails: no munged, or a key the cluster does not share.</summary>
    public const string SlurmMungeFailed = "PKB0633";

    /// <summary>A Slurm guest's partition does not exist, or none of its nodes is up.</summary>
    public const string SlurmPartitionUnusable = "PKB0634";

    /// <summary>A Slurm guest's SharedDir (or the site) is not the same directory on the nodes as on this machine.</summary>
    public const string SlurmSharedDirNotVisible = "PKB0635";

    /// <summary>racket does not run on a Slurm node.</summary>
    public const string SlurmNodeRacketFailed = "PKB0636";

    /// <summary>bubblewrap or user namespaces are unavailable on the Slurm nodes (an error as root, else a warning).</summary>
    public const string SlurmNodeIsolationUnavailable = "PKB0637";

    /// <summary>Slurm ended a package's job for its own reasons (node failure, preemption, scancel by someone else): an infrastructure failure.</summary>
    public const string SlurmJobEnded = "PKB0638";

    /// <summary>Slurm refused a job of the guest (memory, time, account or options it cannot satisfy).</summary>
    public const string SlurmJobRefused = "PKB0639";

    /// <summary>Warning: a Slurm node failed a job of the build; the build's later jobs avoid it (--exclude).</summary>
    public const string SlurmNodeExcluded = "PKB0640";

    /// <summary>Warning: a Slurm guest cancelled jobs left by an earlier build of this machine that no longer runs (killed, or the machine restarted).</summary>
    public const string SlurmJobsOfDeadBuildCancelled = "PKB0641";

    /// <summary>A Slurm guest's NodeLocalDir is not a directory the jobs can write on some node.</summary>
    public const string SlurmNodeLocalDirUnusable = "PKB0646";

    /// <summary>A PkgBuildPackage, PkgBuildSkip or PkgBuildForce item names no package of the edited catalog.</summary>
    public const string UnknownPackage = "PKB0701";

    /// <summary>Packages failed and PkgBuildFailOnPackageFailure asks for the build to fail.</summary>
    public const string PackagesFailed = "PKB0702";

    /// <summary>Warning: packages could not be built because a guest or its connection failed, even after retries.</summary>
    public const string InfrastructureFailures = "PKB0703";

    /// <summary>A guest cannot reach the served site (a reverse port forward refused, say).</summary>
    public const string GuestCannotReachSite = "PKB0704";

    /// <summary>Racket could not be installed in a guest from the installer.</summary>
    public const string RacketInstallFailed = "PKB0705";

    /// <summary>Warning: the run journal had a line that could not be read (a build killed mid-write); that package is redone.</summary>
    public const string JournalDamaged = "PKB0706";

    /// <summary>racket or raco does not run in a fresh session of a guest.</summary>
    public const string GuestRacketUnusable = "PKB0707";

    /// <summary>An override, PkgBuildPackage or PkgBuildForce names a package the guests' Racket already has in installation scope: it cannot be tested there.</summary>
    public const string PackageProvidedByRacket = "PKB0708";

    /// <summary>PkgBuildBaseline=Run would build the baseline on the modified Racket (installers built from the edited catalog).</summary>
    public const string BaselineRacketNeeded = "PKB0709";

    /// <summary>The PkgBuildExtraPackages could not be installed into the guests' installation.</summary>
    public const string ExtraPackagesFailed = "PKB0710";

    /// <summary>Warning: the run's summary when packages failed or regressed and no error already says so (the counts, what was not built, the report).</summary>
    public const string RunNeedsAttention = "PKB0711";

    /// <summary>PkgBuildBaseline names a summary that cannot be fetched or read.</summary>
    public const string BaselineUnreadable = "PKB0801";

    /// <summary>Packages regressed and PkgBuildFailOnRegression is true.</summary>
    public const string Regressions = "PKB0802";

    /// <summary>Warning: a package looked like a regression but did not reproduce on every confirmation run.</summary>
    public const string FlakyPackage = "PKB0803";

    /// <summary>Warning: a package looked like a regression but the machine spoiled every confirmation run.</summary>
    public const string UnconfirmedRegression = "PKB0804";
}

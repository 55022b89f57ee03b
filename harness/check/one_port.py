"""The check of one port: read its manifest, build it, load the fixtures,
run the check.  The check command runs it for one port (cli.py) or for
each port of a class (classrun.py).  Raises UsageError (one line, exit 2)
for what stops the check before any fixture runs.
"""
import dataclasses
import sys
import time

from ..engines.open import port_specs
from ..fixture import UnknownFixtures, load_corpus
from ..nn import cases as nn_cases
from ..run import CheckSettings, DoesNotStart, Port, run
from ..run_control import Limits


class UsageError(Exception):
    """A bad manifest, runtime or option: one line, exit 2."""


class DoesNotStartError(UsageError):
    """The port's setup or command fails before any program (exit 2)."""


def _chosen_runtimes(manifest, asked):
    """The manifest's runtimes, or the asked subset; Lua runtimes this lupa
    lacks are left out with a line (a port named only those is an error)."""
    if manifest.language != "lua":
        if asked:
            raise UsageError(f"{manifest.shown}: --runtimes is for Lua ports; a command "
                             "port is one runtime, its own process")
        return None
    unknown = [r for r in asked if r not in manifest.runtimes]
    if unknown:
        raise UsageError(f"{manifest.shown}: unknown runtime {', '.join(unknown)}; the port "
                         f"names {', '.join(manifest.runtimes)}")
    from micrograd_lab.lua_port import available_runtimes
    present = set(available_runtimes())
    chosen = [r for r in (asked or manifest.runtimes) if r in present]
    for runtime in asked or manifest.runtimes:
        if runtime not in present:
            print(f"{runtime}: not available, left out (lupa has no such runtime here)",
                  file=sys.stderr)
    if not chosen:
        raise UsageError(f"{manifest.shown}: none of its runtimes is available here")
    return chosen


def _read(manifest_path, asked, timeout=None):
    """(the manifest, its engines to open): a bad one fails before the corpus
    loads.  timeout: seconds per program instead of the manifest's."""
    from ..engines.manifest import ManifestError, load_manifest
    try:
        manifest = load_manifest(manifest_path)
        if timeout is not None:
            manifest = dataclasses.replace(manifest, timeout=float(timeout))
        return manifest, port_specs(manifest, _chosen_runtimes(manifest, asked))
    except ManifestError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:   # port_specs' one-line refusals
        raise UsageError(str(exc)) from None


def build(manifest):
    """Run the manifest's build if it has one and something changed
    (engines/build.py): a build that fails is a UsageError naming [port] build."""
    from ..engines.build import BuildError, ensure_built
    try:
        ensure_built(manifest, say=lambda text: print(text, file=sys.stderr))
    except BuildError as exc:
        raise UsageError(str(manifest.error(["port", "build"], exc))) from None


def check_port(manifest_path, names=(), tags=(), runtimes=(), settings=None,
               fixtures_dir=None, progress_factory=None, jobs=None, limits=None,
               timeout=None, shard=None, corpus=None):
    """Read the manifest, load the fixtures, check the port: a run.RunResult.
    Raises UsageError (one line) for a bad manifest, runtime or filter, or
    DoesNotStartError for a port that does not start (its setup raises, its
    command does not run or says no hello, every op fails alike).  limits
    (run_control.Limits): its time budget counts from limits.started (or
    this call), the build's time left out;
    timeout: seconds per program instead of the manifest's; shard
    (targets.Shard): only that share of the fixtures, the probes in the
    first share only; corpus: (fixtures, malformed) loaded and filtered
    already (a class loads it once for all its ports)."""
    limits = limits or Limits()
    started = time.monotonic() if limits.started is None else limits.started
    manifest, specs = _read(manifest_path, list(runtimes), timeout)
    fixtures, malformed = corpus or load_filtered(fixtures_dir, names, tags)
    before_build = time.monotonic()
    build(manifest)
    # the build has a limit of its own (build_timeout): the budget waits for it
    limits = dataclasses.replace(limits, started=started + time.monotonic() - before_build)
    # the nn half's cases (mlp-*) are chosen by --fixtures and --tags as fixtures are
    settings = dataclasses.replace(settings or CheckSettings(),
                                   nn=nn_cases.select(names, tags))
    if shard is not None:
        fixtures, malformed = shard.take(fixtures), shard.take(malformed)
        if shard.index != 1:
            settings = dataclasses.replace(settings, probes=(), nn=())
    progress = progress_factory(len(fixtures)) if progress_factory else None
    port = Port(manifest.name, manifest.language, manifest.shown)
    try:
        return run(fixtures, specs, malformed=malformed, check=settings,
                   port=port, jobs=jobs, progress=progress, limits=limits), manifest
    except DoesNotStart as exc:
        raise DoesNotStartError(_does_not_start(manifest, exc)) from None
    finally:
        if progress:
            progress.finish()


def load_filtered(fixtures_dir, names=(), tags=()):
    """(fixtures, malformed) of the corpus, filtered; UsageError when the
    filters match nothing."""
    try:
        fixtures, malformed = load_corpus(fixtures_dir, names=list(names) or None,
                                          tags=list(tags) or None, known=nn_cases.names())
    except UnknownFixtures as exc:
        raise UsageError(f"--fixtures: {exc}") from None
    if not fixtures and not malformed and not nn_cases.select(names, tags):
        raise UsageError("no fixture matches the filters")
    return fixtures, malformed


# Where a Lua port's failure happened (harness/engines/lua.py) -> the field
# of [port] that does it.
FAILING_FIELD = (("input ", "new"), ("data of ", "data"), ("grad of ", "grad"),
                 ("backward from ", "backward"))


def _clipped(message, limit=300):
    """message within limit characters: its start (what failed) and its end
    (a traceback's last line, the exception), the middle left out."""
    if len(message) <= limit:
        return message
    head = limit // 2
    return message[:head] + " … " + message[-(limit - head - 3):]


def _does_not_start(manifest, exc):
    """One line for a port that does not start, at the manifest's field
    its failure points to (setup, an accessor, or command)."""
    message = _clipped(" ".join(exc.failure.message.split()))
    what = "setup" if manifest.language == "lua" else "command"
    detail = message.removeprefix("every op fails: ")
    for prefix, key in FAILING_FIELD:
        if manifest.language == "lua" and detail.startswith(prefix):
            what = key
    reason = f"the port does not start on {exc.spec.name} ({exc.failure.kind}): {message}"
    return str(manifest.error(["port", what], reason, value=True))


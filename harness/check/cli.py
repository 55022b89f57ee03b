"""python -m harness check PORT.toml: check a micrograd port against python_ref.

Runs the corpus (or --tags / --fixtures) on every runtime the manifest names
(or --runtimes), judges each cell by the parity matrix's rules, asks the
port's own MLP the nn cases (harness/nn: rows tagged nn, filtered alike), runs
the probes, names the classic bugs the failures point to, and writes
check.json, check.md and check.html to the report folder.  Ends with the line
`N passed, N failed, N skipped, N unsupported, N convention` (cells: one
fixture on one runtime), and a line per level (harness/levels.py); --level
chooses the levels that count.  Exit 0 when nothing of those failed, 1 on
any FAIL or ERROR there (or a malformed fixture), 2 on a bad manifest,
runtime or option (one line).
"""
import argparse
import re
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from ..cli_args import list_of, names, positive
from ..engines.open import port_specs
from ..fixture import TAGS, UnknownFixtures, load_corpus
from ..levels import LEVELS, chosen
from ..nn import cases as nn_cases
from ..probes import DEPTH_MAX, DEPTH_START, PROBES
from ..reports.files import write_reports
from ..reports.terminal import print_report
from ..run import CheckSettings, DoesNotStart, Port, run

USAGE_ERROR = 2


class UsageError(Exception):
    """A bad manifest, runtime or option: one line, exit 2."""


def _depth(text):
    value = int(text)
    if value < DEPTH_START:
        raise argparse.ArgumentTypeError(f"must be at least {DEPTH_START}")
    return value


def add_arguments(parser):
    parser.description = (
        "Check your own micrograd port: every fixture on every runtime of the port, compared "
        "value by value with python_ref by the parity matrix's rules. Cells: EXACT, CLOSE "
        "(within the runtime's ulp budget), FAIL, ERROR, UNSUPPORTED (the port has no such "
        "op), CONVENTION (differs only where a tagged convention allows), N/A. Probes: "
        f"{', '.join(PROBES)}. The rows tagged nn ask the port's own MLP (mlp-*: its "
        "gradients, then SGD steps). The report names the classic bugs the failures point to.")
    parser.add_argument("manifest", type=Path, metavar="PORT.toml",
                        help="the port's manifest (docs/check.md)")
    parser.add_argument("--fixtures", type=names, action="extend", default=[], metavar="NAMES",
                        help="only these fixtures: names or shell globs, comma separated "
                             "or repeated (e.g. 'lecture-*,deep-chain-100000')")
    parser.add_argument("--tags", type=list_of("tag", TAGS), action="extend", default=[],
                        metavar="TAGS", help="only fixtures with any of these tags, comma "
                                             f"separated ({', '.join(TAGS)})")
    parser.add_argument("--level", type=list_of("level", LEVELS + ("all",)), action="extend",
                        default=[], metavar="LEVELS",
                        help="only these levels count toward the final line and the exit code, "
                             f"comma separated ({', '.join(LEVELS)}, or all: the default); "
                             "every level's cells are still run and shown (docs/check.md)")
    parser.add_argument("--runtimes", type=names, action="extend", default=[], metavar="NAMES",
                        help="only these of the manifest's runtimes, comma separated")
    parser.add_argument("--probes", type=list_of("probe", PROBES + ("none",)), action="extend",
                        default=[], metavar="NAMES",
                        help=f"only these probes, comma separated, or none (default: all of "
                             f"{', '.join(PROBES)}); the op probe always runs")
    parser.add_argument("--depth-max", type=_depth, default=DEPTH_MAX, metavar="N",
                        help=f"the depth probes double from {DEPTH_START:,} up to N nodes "
                             f"(default {DEPTH_MAX:,})")
    parser.add_argument("--jobs", "-j", type=positive, default=None, metavar="N",
                        help="worker processes (default: the cores available); 1 runs in "
                             "this process")
    parser.add_argument("--full", action="store_true", default=None,
                        help="one terminal row per fixture (default: per tag above 40 fixtures)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list every UNRESOLVED cell (default: one line for them all)")
    parser.add_argument("--report-dir", type=Path, default=None, metavar="DIR",
                        help="where check.json, check.md and check.html go (default: "
                             "report/check/<port name>/)")
    parser.add_argument("--fixtures-dir", type=Path, default=None, metavar="DIR",
                        help="load fixtures from DIR instead of harness/fixtures/")

    def error(message):   # one line, exit 2 (argparse prints the usage too)
        print(f"{parser.prog}: {message}", file=sys.stderr)
        sys.exit(USAGE_ERROR)
    parser.error = error


class _Progress:
    """Fixtures done, on stderr when it is a terminal."""

    def __init__(self, total):
        self.total, self.lock = total, threading.Lock()
        self.live = sys.stderr.isatty() and total > 0

    def __call__(self, done, total, name):
        with self.lock:
            if self.live:
                print(f"\r{done}/{total} fixtures ({name[:30]})\033[K", end="",
                      file=sys.stderr, flush=True)

    def finish(self):
        if self.live:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


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
    from lua_port import available_runtimes
    present = set(available_runtimes())
    chosen = [r for r in (asked or manifest.runtimes) if r in present]
    for runtime in asked or manifest.runtimes:
        if runtime not in present:
            print(f"{runtime}: not available, left out (lupa has no such runtime here)",
                  file=sys.stderr)
    if not chosen:
        raise UsageError(f"{manifest.shown}: none of its runtimes is available here")
    return chosen


def _read(manifest_path, asked):
    """(the manifest, its engines to open): a bad one fails before the corpus loads."""
    from ..engines.manifest import ManifestError, load_manifest
    try:
        manifest = load_manifest(manifest_path)
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
               fixtures_dir=None, progress_factory=None, jobs=None, levels=LEVELS):
    """Read the manifest, load the fixtures, check the port: a run.RunResult
    whose final line and ok() count the cells of these levels.
    Raises UsageError (one line) for a bad manifest, runtime or filter, or a
    port that does not start (its setup raises, its command does not run or
    says no hello)."""
    manifest, specs = _read(manifest_path, list(runtimes))
    build(manifest)
    try:
        fixtures, malformed = load_corpus(fixtures_dir, names=list(names) or None,
                                          tags=list(tags) or None, known=nn_cases.names())
    except UnknownFixtures as exc:
        raise UsageError(f"--fixtures: {exc}") from None
    settings = replace(settings or CheckSettings(), nn=nn_cases.select(names, tags))
    if not fixtures and not malformed and not settings.nn:
        raise UsageError("no fixture matches the filters")
    progress = progress_factory(len(fixtures)) if progress_factory else None
    port = Port(manifest.name, manifest.language, manifest.shown)
    try:
        result = run(fixtures, specs, malformed=malformed, check=settings,
                     port=port, jobs=jobs, progress=progress)
        return replace(result, levels=tuple(levels)), manifest
    except DoesNotStart as exc:
        what = "setup" if manifest.language == "lua" else "command"
        raise UsageError(f"{manifest.shown}: [port] {what}: the port does not start on "
                         f"{exc.spec.name} ({exc.failure.kind}): "
                         + " ".join(exc.failure.message.split())[:300]) from None
    finally:
        if progress:
            progress.finish()


def main(args):
    start = time.perf_counter()
    chosen_probes = () if "none" in args.probes else tuple(args.probes or PROBES)
    try:
        result, manifest = check_port(
            args.manifest, args.fixtures, args.tags, args.runtimes,
            CheckSettings(probes=chosen_probes, depth_max=args.depth_max),
            args.fixtures_dir, _Progress, args.jobs, chosen(args.level))
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return USAGE_ERROR
    print_report(result, full=args.full, verbose=args.verbose)
    report_dir = args.report_dir or Path("report") / "check" / re.sub(
        r"[^A-Za-z0-9._-]+", "-", manifest.name)
    write_reports(result, report_dir, "check")
    print(f"reports: {report_dir}/check.{{json,md,html}} ({time.perf_counter() - start:.1f} s)")
    print(result.final_line())
    return 0 if result.ok() else 1

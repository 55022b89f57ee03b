"""python -m harness check PORT.toml: check a micrograd port against python_ref.

Runs the corpus (or --tags / --fixtures) on every runtime the manifest names
(or --runtimes), judges each cell by the parity matrix's rules, runs the
probes, names the classic bugs the failures point to, and writes
check.json, check.md and check.html to the report folder.  Ends with the line
`N passed, N failed, N skipped, N unsupported, N convention` (cells: one
fixture on one runtime).  Exit 0 when nothing failed, 1 on any FAIL or ERROR
(or a malformed fixture), 2 on a bad manifest, runtime or option (one line).
"""
import argparse
from concurrent.futures import ThreadPoolExecutor
import dataclasses
import re
import sys
import threading
import time
from pathlib import Path

from ..fixture import TAGS, UnknownFixtures, load_corpus
from ..matrix.cli import _list_of, _names, _positive
from .probes import DEPTH_MAX, DEPTH_START, PROBES
from .runner import Settings, run_check

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
        f"{', '.join(PROBES)}. The report names the classic bugs the failures point to.")
    parser.add_argument("manifest", type=Path, metavar="PORT.toml",
                        help="the port's manifest (docs/check.md)")
    parser.add_argument("--fixtures", type=_names, action="extend", default=[], metavar="NAMES",
                        help="only these fixtures: names or shell globs, comma separated "
                             "or repeated (e.g. 'lecture-*,deep-chain-100000')")
    parser.add_argument("--tags", type=_list_of("tag", TAGS), action="extend", default=[],
                        metavar="TAGS", help="only fixtures with any of these tags, comma "
                                             f"separated ({', '.join(TAGS)})")
    parser.add_argument("--runtimes", type=_names, action="extend", default=[], metavar="NAMES",
                        help="only these of the manifest's runtimes, comma separated")
    parser.add_argument("--probes", type=_list_of("probe", PROBES + ("none",)), action="extend",
                        default=[], metavar="NAMES",
                        help=f"only these probes, comma separated, or none (default: all of "
                             f"{', '.join(PROBES)}); the op probe always runs")
    parser.add_argument("--depth-max", type=_depth, default=DEPTH_MAX, metavar="N",
                        help=f"the depth probes double from {DEPTH_START:,} up to N nodes "
                             f"(default {DEPTH_MAX:,})")
    parser.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N",
                        help="runtimes driven at once (default: all of them: each is its "
                             "own process)")
    parser.add_argument("--full", action="store_true", default=None,
                        help="one terminal row per fixture (default: per tag above 40 fixtures)")
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
    """Fixtures done per runtime, on stderr when it is a terminal."""

    def __init__(self, total):
        self.total, self.done, self.lock = total, 0, threading.Lock()
        self.live = sys.stderr.isatty() and total > 0

    def __call__(self, runtime, fixture):
        with self.lock:
            self.done += 1
            if self.live:
                print(f"\r{self.done}/{self.total} cells ({runtime}: {fixture[:30]})\033[K",
                      end="", file=sys.stderr, flush=True)

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


def twice_opener(manifest):
    """Opens one runtime of the port whose backward runs twice (the
    backward-twice probe): a Lua port's backward statement written twice, a
    command port asked for backward_calls 2."""
    if manifest.language == "command":
        from .command_adapter import open_command_port
        return lambda runtime: open_command_port(manifest, backward_calls=2)[0]
    from .open import open_port
    twice = dataclasses.replace(manifest, backward=f"{manifest.backward}\n{manifest.backward}")
    return lambda runtime: open_port(twice, [runtime])[0]


def write_reports(result, report_dir):
    from .report_html import check_html
    from .report_json import check_json
    from .report_md import check_markdown
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "check.json").write_text(check_json(result))
    (report_dir / "check.md").write_text(check_markdown(result))
    (report_dir / "check.html").write_text(check_html(result))


def _read(manifest_path, asked):
    """(the manifest, the runtimes to open): a bad one fails before the corpus loads."""
    from .manifest import ManifestError, load_manifest
    try:
        manifest = load_manifest(manifest_path)
    except ManifestError as exc:
        raise UsageError(str(exc)) from None
    return manifest, _chosen_runtimes(manifest, asked)


def _open(manifest, chosen):
    from .manifest import ManifestError
    from .open import open_port
    try:
        return open_port(manifest, chosen)
    except ManifestError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:   # open_port's one-line refusals
        raise UsageError(str(exc)) from None


def _refuse_a_port_that_does_not_start(manifest, opened):
    """A port whose setup raises, or whose command does not run or says no
    hello, can run no fixture: one line (the first runtime's reason), exit 2."""
    with ThreadPoolExecutor(max_workers=max(1, len(opened))) as pool:
        failures = list(pool.map(lambda runtime: runtime.start_setup(), opened))
    for runtime, failure in zip(opened, failures):
        if failure is not None:
            for each in opened:
                each.close()
            what = "setup" if manifest.language == "lua" else "command"
            raise UsageError(f"{manifest.shown}: [port] {what}: the port does not start on "
                             f"{runtime.name} ({failure.kind}): "
                             + " ".join(failure.message.split())[:300])


def check_port(manifest_path, names=(), tags=(), runtimes=(), settings=None,
               fixtures_dir=None, progress_factory=None):
    """Read the manifest, load the fixtures, open the port, check it and close
    it: a runner.CheckResult.  Raises UsageError (one line) for a bad
    manifest, runtime or filter."""
    manifest, chosen = _read(manifest_path, list(runtimes))
    try:
        fixtures, malformed = load_corpus(fixtures_dir, names=list(names) or None,
                                          tags=list(tags) or None)
    except UnknownFixtures as exc:
        raise UsageError(f"--fixtures: {exc}") from None
    if not fixtures and not malformed:
        raise UsageError("no fixture matches the filters")
    opened = _open(manifest, chosen)
    _refuse_a_port_that_does_not_start(manifest, opened)
    settings = settings or Settings()
    progress = progress_factory(len(fixtures) * len(opened)) if progress_factory else None
    try:
        return run_check(manifest.name, manifest.language, manifest.shown, fixtures, opened,
                         malformed, settings, twice_opener(manifest), progress), manifest
    finally:
        if progress:
            progress.finish()
        for runtime in opened:
            runtime.close()


def main(args):
    start = time.perf_counter()
    chosen_probes = () if "none" in args.probes else tuple(args.probes or PROBES)
    try:
        result, manifest = check_port(
            args.manifest, args.fixtures, args.tags, args.runtimes,
            Settings(jobs=args.jobs, depth_max=args.depth_max, probes=chosen_probes),
            args.fixtures_dir, _Progress)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return USAGE_ERROR
    from .report_terminal import print_report
    print_report(result, full=args.full)
    report_dir = args.report_dir or Path("report") / "check" / re.sub(
        r"[^A-Za-z0-9._-]+", "-", manifest.name)
    write_reports(result, report_dir)
    print(f"reports: {report_dir}/check.{{json,md,html}} ({time.perf_counter() - start:.1f} s)")
    print(result.final_line())
    return 0 if result.ok() else 1

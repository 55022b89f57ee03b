"""mglab check PORT...: check micrograd ports against python_ref.

Runs the corpus (or --tags / --fixtures) on every runtime the manifest names
(or --runtimes), judges each cell by the parity matrix's rules, runs the
probes, names the classic bugs the failures point to, and writes
check.json, check.md and check.html to the report folder.  Ends with the line
`N passed, N failed, N skipped, N unsupported, N convention` (cells: one
fixture on one runtime), after a line per level (harness/levels.py); --level
chooses the levels that count.  Exit 0 when nothing of those failed, 1 on any
FAIL or ERROR there (or a malformed fixture), 2 on a bad manifest, runtime or
option (one line), 130 on Ctrl-C (the partial report written).

Several ports (manifests, folders holding a port.toml, or a glob) are a
class: classrun.py checks them and writes the class summary
(docs/class-mode.md).
"""
import argparse
import sys
import threading
import time
from pathlib import Path

from ..cli_args import add_corpus_filters, list_of, names, positive
from ..levels import LEVELS, chosen
from ..probes import DEPTH_MAX, DEPTH_START, PROBES
from ..reports.terminal import print_report
from ..run import CheckSettings
from ..run_control import FAIL_AFTER, INTERRUPTED_EXIT, Interrupted, Limits
from .one_port import DoesNotStartError, UsageError, check_port  # noqa: F401 (the API)
from ..reports.files import UnwritableFolder, writable_folder, write_reports
from .targets import BadInput, report_folder, resolve, shard

USAGE_ERROR = 2
DEFAULT_BUDGET = 60.0    # CPU seconds per port: a healthy port's 7-runtime check fits
REPORT_RESERVE = 3.0     # seconds of the budget kept for the reports and the exit (at most)
RESERVE_SHARE = 0.1      # ... and at most this share of it


def _seconds(text):
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError("must be a number of seconds, 0 or more")
    return value


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
    parser.add_argument("ports", type=Path, nargs="+", metavar="PORT",
                        help="the port's manifest (docs/check.md), or a folder "
                             "holding its port.toml; several, or a glob (quoted: "
                             "'class/*/'), check a class (docs/class-mode.md)")
    add_corpus_filters(parser)
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
                             "report/check/<the manifest's path>/ under this folder)")
    parser.add_argument("--budget", type=_seconds, default=DEFAULT_BUDGET, metavar="SECONDS",
                        help=f"seconds for each port's check, its build left out: CPU "
                             f"seconds of all its processes, and at most 3 times as many of "
                             f"wall clock (default {DEFAULT_BUDGET:g}; 0: no limit); what is "
                             "not run by then reads NOT RUN")
    parser.add_argument("--timeout", type=_seconds, default=None, metavar="SECONDS",
                        help="seconds per program for every port, instead of its manifest's "
                             "timeout (CPU seconds)")
    parser.add_argument("--fail-after", type=int, default=FAIL_AFTER, metavar="N",
                        help=f"after N programs in a row ran out of time on a runtime, its "
                             f"other cells are NOT RUN (default {FAIL_AFTER}; 0: never)")
    parser.add_argument("--shard", type=shard, default=None, metavar="K/N",
                        help="only the K-th of N shares of the class (of the fixtures, for "
                             "one port); `mglab merge` joins the shards")
    parser.add_argument("--class", dest="as_class", action="store_true",
                        help="write a class summary (class.json ...) even for one port: "
                             "`mglab merge --replace` puts it into a class's")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="a class's ports run on this Dask scheduler (tcp://host:8786; "
                             "pip install '.[class]'), their reports on a folder it shares")

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


def settings_of(args, started=None):
    """The check's settings and limits from the command line; started: the
    time.monotonic() the budget counts from (None: each port's check's start)."""
    chosen_probes = () if "none" in args.probes else tuple(args.probes or PROBES)
    limits = Limits(budget=args.budget or None, fail_after=max(args.fail_after, 0),
                    started=started, reserve=min(REPORT_RESERVE, RESERVE_SHARE * args.budget))
    return CheckSettings(probes=chosen_probes, depth_max=args.depth_max,
                         levels=chosen(args.level)), limits


def main(args):
    start, began = time.perf_counter(), time.monotonic()
    try:
        manifests, globbed = resolve(args.ports)
        if len(manifests) > 1 or globbed or args.as_class:
            from .classrun import class_main
            return class_main(args, manifests, *settings_of(args))
        if args.scheduler:
            raise BadInput("--scheduler: a Dask scheduler runs a class (several ports)")
        report_dir = writable_folder(args.report_dir or _default_report_dir(manifests[0]))
    except (BadInput, UsageError, UnwritableFolder) as exc:
        print(exc, file=sys.stderr)
        return USAGE_ERROR
    settings, limits = settings_of(args, began)   # one port: the budget counts from here
    try:
        result, manifest = check_port(
            manifests[0], args.fixtures, args.tags, args.runtimes, settings,
            args.fixtures_dir, _Progress, args.jobs, limits, args.timeout, args.shard)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return USAGE_ERROR
    except Interrupted as stop:
        write_reports(stop.result, report_dir, "check")
        print(f"interrupted: {stop.result.final_line()} so far; the partial report is in "
              f"{report_dir}/check.{{json,md,html}}", file=sys.stderr)
        return INTERRUPTED_EXIT
    print_report(result, full=args.full, verbose=args.verbose)
    write_reports(result, report_dir, "check")
    write_results_json(result, report_dir, time.perf_counter() - start)
    if args.shard is not None:
        from .classrun import write_shard
        write_shard(result, report_dir, args.shard, time.perf_counter() - start)
    print(f"reports: {report_dir}/check.{{json,md,html}} ({time.perf_counter() - start:.1f} s)")
    print(result.final_line())
    return 0 if result.ok() else 1


def write_results_json(result, folder, seconds):
    """Gradescope's results.json of the port (class_reports.py)."""
    import json
    from .class_reports import gradescope_results
    from .outcome import from_result
    outcome = from_result(result, "", folder, seconds)
    (Path(folder) / "results.json").write_text(
        json.dumps(gradescope_results(outcome), indent=1, ensure_ascii=False) + "\n")


def _default_report_dir(manifest_path):
    """report/check/<the manifest's path>/ (targets.report_folder)."""
    return report_folder(manifest_path)

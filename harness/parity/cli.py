"""mglab parity: every fixture on every engine of the registry,
reported.

Ends with the line `N passed, M failed[, K skipped]` (cells: one fixture on
one engine) and exits 1 on any FAIL or ERROR or malformed fixture.
"""
import sys
import time
from pathlib import Path

from micrograd_lab.lua_port.runtimes import INTEGER_RUNTIMES, INTERPRETER_COLUMNS, RUNTIMES

from ..cli_args import add_corpus_filters, list_of, positive
from ..engines.registry import ENGINE_NAMES, ENGINES, LUA_ENGINES, MATRIX_ENGINES, REFERENCE
from ..fixture import UnknownFixtures, load_corpus
from ..judge.verdict import MATRIX_STATUSES, STATUS
from ..reports.as_json import timings_json
from ..reports.files import UnwritableFolder, writable_folder, write_reports
from ..reports.terminal import print_report
from ..run import default_jobs, run
from ..run_control import INTERRUPTED_EXIT, Interrupted


def add_arguments(parser):
    parser.description = (
        "Run every fixture on every engine and compare each value and gradient with "
        "python_ref (and with torch). The Lua columns "
        f"{', '.join(RUNTIMES)} run lua_port as users run it (LuaJIT with its JIT on), "
        f"each in a worker process; {', '.join(INTERPRETER_COLUMNS)} run LuaJIT's interpreter "
        f"alone; on {', '.join(INTEGER_RUNTIMES)} a fixture with integral numbers also runs "
        "with them as Lua integers, and the cell shows the worse run. Cells: "
        + "; ".join(f"{s}: {STATUS[s].meaning} [{STATUS[s].counted}]" for s in MATRIX_STATUSES)
        + ". Budgets: harness/judge/tolerances.py. Writes parity.json, parity.md and "
        "parity.html to the report folder.")
    add_corpus_filters(parser)
    parser.add_argument("--backends", type=list_of("backend", ENGINE_NAMES), action="extend",
                        default=[], metavar="NAMES",
                        help="only these columns, comma separated (default: all of "
                             f"{', '.join(MATRIX_ENGINES)}); {REFERENCE} always runs "
                             "as the reference and torch as the second opinion")
    parser.add_argument("--jobs", "-j", type=positive, default=None, metavar="N",
                        help=f"worker processes (default: the cores available, here "
                             f"{default_jobs()}); 1 runs in this process")
    parser.add_argument("--full", action="store_true", default=None,
                        help="one terminal row per fixture (default: one row per tag "
                             "when there are more than 40 fixtures)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list every UNRESOLVED cell (default: one line for them all)")
    parser.add_argument("--report-dir", type=Path, default=Path("report"), metavar="DIR",
                        help="where parity.json, parity-timings.json, parity.md and "
                             "parity.html go (default: report/)")


class _Progress:
    """A rich progress bar on a terminal; nothing otherwise (CI logs stay plain)."""

    def __init__(self, total):
        self.bar = None
        if sys.stderr.isatty() and total:
            from rich.console import Console
            from rich.progress import Progress
            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("fixtures", total=total)

    def __enter__(self):
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()

    def __call__(self, done, total, name):
        if self.bar:
            self.bar.update(self.task, completed=done, description=name[:30])


def _available(engines):
    """The default columns minus Lua runtimes this lupa lacks (said on one line
    each); a runtime asked for by --backends is never dropped: it shows ERROR."""
    try:
        from micrograd_lab.lua_port import available_runtimes
        present = set(available_runtimes())
    except Exception as exc:  # no lupa at all: every Lua column is left out
        present, why = set(), f"lua_port cannot be loaded: {exc}"
    else:
        why = "lupa has no such runtime here"
    from micrograd_lab.lua_port.runtimes import column_runtime
    keep = []
    for name in engines:
        if name in LUA_ENGINES and column_runtime(name) not in present:
            print(f"{name}: not available, left out ({why})", file=sys.stderr)
            continue
        keep.append(name)
    return tuple(keep)


def main(args):
    try:
        fixtures, malformed = load_corpus(args.fixtures_dir, names=args.fixtures or None,
                                          tags=args.tags or None)
    except UnknownFixtures as exc:
        print(f"harness parity: --fixtures: {exc}", file=sys.stderr)
        return 2
    if not fixtures and not malformed:
        print("no fixture matches the filters", file=sys.stderr)
        return 1
    try:
        writable_folder(args.report_dir)
    except UnwritableFolder as exc:
        print(exc, file=sys.stderr)
        return 2
    chosen = tuple(dict.fromkeys(n for n in args.backends if n != REFERENCE)) \
        or _available(MATRIX_ENGINES)
    jobs = args.jobs or default_jobs()
    start = time.perf_counter()
    try:
        with _Progress(len(fixtures)) as progress:
            result = run(fixtures, [ENGINES[name] for name in chosen], malformed=malformed,
                         expected=True, vs_torch=True, jobs=jobs, progress=progress)
    except Interrupted as stop:
        write_reports(stop.result, args.report_dir, "parity")
        print(f"interrupted: {stop.result.final_line()} so far; the partial report is in "
              f"{args.report_dir}/parity.{{json,md,html}}", file=sys.stderr)
        return INTERRUPTED_EXIT
    seconds = time.perf_counter() - start
    print_report(result, full=args.full, verbose=args.verbose)
    write_reports(result, args.report_dir, "parity")
    (args.report_dir / "parity-timings.json").write_text(timings_json(result, seconds, jobs))
    print(f"reports: {args.report_dir}/parity.{{json,md,html}} ({seconds:.1f} s)")
    print(result.final_line())
    return 0 if result.ok() else 1

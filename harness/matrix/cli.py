"""python -m harness parity: every fixture on every backend, reported.

Ends with the line `N passed, M failed[, K skipped]` (cells: one fixture on
one backend) and exits 1 on any FAIL or ERROR or malformed fixture.
"""
import argparse
import sys
import time
from pathlib import Path

from lua_port.runtimes import INTEGER_RUNTIMES

from ..backends import BACKEND_NAMES, INTERPRETER_COLUMNS, LUA_COLUMNS, LUA_RUNTIMES, REFERENCE
from ..fixture import TAGS, UnknownFixtures, load_corpus
from .report_html import matrix_html
from .report_json import matrix_json, timings_json
from .report_md import matrix_markdown
from .report_terminal import print_report
from ..judge.verdict import MATRIX_STATUSES, STATUS
from .runner import DEFAULT_BACKENDS, default_jobs, run_matrix


def _names(text):
    return [part for part in text.split(",") if part]


def _list_of(kind, allowed):
    """An argparse type: comma-separated names, each one of `allowed`."""
    def parse(text):
        names = _names(text)
        unknown = [n for n in names if n not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {kind} {', '.join(unknown)}; choose from {', '.join(allowed)}")
        return names
    parse.__name__ = f"{kind} list"  # argparse names the type in its messages
    return parse


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_arguments(parser):
    parser.description = (
        "Run every fixture on every backend and compare each value and gradient with "
        "python_ref (and with torch). The Lua columns "
        f"{', '.join(LUA_RUNTIMES)} run lua_port as users run it (LuaJIT with its JIT on), "
        f"each in a worker process; {', '.join(INTERPRETER_COLUMNS)} run LuaJIT's interpreter "
        f"alone; on {', '.join(INTEGER_RUNTIMES)} a fixture with integral numbers also runs "
        "with them as Lua integers, and the cell shows the worse run. Cells: "
        + "; ".join(f"{s}: {STATUS[s].meaning} [{STATUS[s].counted}]" for s in MATRIX_STATUSES)
        + ". Budgets: harness/tolerances.py. Writes parity.json, parity.md and "
        "parity.html to the report folder.")
    parser.add_argument("--fixtures", type=_names, action="extend", default=[], metavar="NAMES",
                        help="only these fixtures: names or shell globs, comma separated "
                             "or repeated (e.g. 'lecture-*,deep-chain-100000')")
    parser.add_argument("--tags", type=_list_of("tag", TAGS), action="extend", default=[], metavar="TAGS",
                        help="only fixtures with any of these tags, comma separated "
                             f"({', '.join(TAGS)})")
    parser.add_argument("--backends", type=_list_of("backend", BACKEND_NAMES), action="extend", default=[],
                        metavar="NAMES",
                        help="only these columns, comma separated (default: all of "
                             f"{', '.join(DEFAULT_BACKENDS)}); {REFERENCE} always runs "
                             "as the reference and torch as the second opinion")
    parser.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N",
                        help=f"worker processes (default: the cores available, here "
                             f"{default_jobs()}); 1 runs in this process")
    parser.add_argument("--full", action="store_true", default=None,
                        help="one terminal row per fixture (default: one row per tag "
                             "when there are more than 40 fixtures)")
    parser.add_argument("--report-dir", type=Path, default=Path("report"), metavar="DIR",
                        help="where parity.json, parity-timings.json, parity.md and "
                             "parity.html go (default: report/)")
    parser.add_argument("--fixtures-dir", type=Path, default=None, metavar="DIR",
                        help="load fixtures from DIR instead of harness/fixtures/")


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


def _available(backends):
    """The default columns minus Lua runtimes this lupa lacks (said on one line
    each); a runtime asked for by --backends is never dropped: it shows ERROR."""
    try:
        from lua_port import available_runtimes
        present = set(available_runtimes())
    except Exception as exc:  # no lupa at all: every Lua column is left out
        present, why = set(), f"lua_port cannot be loaded: {exc}"
    else:
        why = "lupa has no such runtime here"
    from lua_port.runtimes import column_runtime
    keep = []
    for name in backends:
        if name in LUA_COLUMNS and column_runtime(name) not in present:
            print(f"{name}: not available, left out ({why})", file=sys.stderr)
            continue
        keep.append(name)
    return tuple(keep)


def write_reports(result, report_dir, seconds, jobs):
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "parity.json").write_text(matrix_json(result))
    (report_dir / "parity-timings.json").write_text(timings_json(result, seconds, jobs))
    (report_dir / "parity.md").write_text(matrix_markdown(result))
    (report_dir / "parity.html").write_text(matrix_html(result))


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
    backends = tuple(dict.fromkeys(args.backends)) or _available(DEFAULT_BACKENDS)
    jobs = args.jobs or default_jobs()
    start = time.perf_counter()
    with _Progress(len(fixtures)) as progress:
        result = run_matrix(fixtures, backends, malformed, jobs=jobs, progress=progress)
    seconds = time.perf_counter() - start
    print_report(result, full=args.full)
    write_reports(result, args.report_dir, seconds, jobs)
    print(f"reports: {args.report_dir}/parity.{{json,md,html}} ({seconds:.1f} s)")
    print(result.final_line())
    return 0 if result.ok() else 1

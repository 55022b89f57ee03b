"""Facts about a RunResult that every report shows the same way: the cells
by tag, the groups' text, the rules a cell was judged by, the budgets."""
from collections import defaultdict

from ..diagnoses.common import name_rank
from ..judge import tolerances
from ..judge.conventions import CONVENTIONS
from ..judge.verdict import CLOSE, NOT_RUN, STATUS, STATUSES
from ..levels import LEVELS, level_of
from . import cell_groups

# What each verdict means (shown by every report, with how it counts).
VERDICTS = {s: STATUS[s].meaning for s in STATUSES}

# The rules of the comparison, in words (parity.json and check.json carry them).
RULES = {
    "ulp": "ulps = float64 steps between the values; +0.0 == -0.0; nan == nan; an infinity "
           "against anything else, or nan against a number, is infinitely far",
    "budget": "per-node ulp budgets from harness/judge/tolerances.py (first-order error "
              "propagation of the per-op table); a node without a listed op must match exactly",
    "fd": tolerances.FD_RULE,
    "expected": "the fixture's expected values against python_ref, within the fixture's "
                "[tolerance] ulps (default 0)",
    "vs_torch": "the same evaluation against torch, with both budgets added",
    "counts": "a cell is one fixture on one backend, or one probe on one runtime of a port; "
              "FAIL and ERROR fail, N/A and UNRESOLVED are skipped, a malformed fixture is one "
              "failed cell; a probe that finds a wrong value or runs that differ is a FAIL, one "
              "where the port raised or crashed an ERROR, one cut short by the manifest's limits "
              "or not run is skipped",
    "unresolved": "a value whose allowed error is half its magnitude or more is neither CLOSE "
                  "nor FAIL: no digit of it is checked; the cell gives the bound and why",
    "lua": "lua51 ... luajit21 run lua_port as users run it, each runtime in a worker process "
           "stopped by a CPU-time limit, LuaJIT with its JIT compiler on (compiling at a "
           "loop's first iteration); the -interp columns run LuaJIT's interpreter alone",
    "integers": "on Lua 5.3+ a fixture with integral inputs or constants runs twice, as floats "
                "and with those numbers as Lua integers; the cell is the worse run, marked "
                "variant 'integers' (and '(integers)' in the tables) when that run is the one "
                "shown",
}
CONVENTION_TEXT = {tag: c.what for tag, c in CONVENTIONS.items()}


def first_tag(fixture):
    return fixture.tags[0] if fixture.tags else "untagged"


def by_tag(fixtures):
    """{first tag: [FixtureResult]} in the order the tags first appear."""
    groups = defaultdict(list)
    for f in fixtures:
        groups[first_tag(f)].append(f)
    return dict(groups)


def column_cells(fixtures, column):
    """The cells of one column over some fixtures (None where it has none)."""
    return [f.cells.get(column) for f in fixtures]


def group_text(fixtures, column, sep=", "):
    return cell_groups.text(column_cells(fixtures, column), sep)


def group_status(fixtures, column):
    return cell_groups.status(column_cells(fixtures, column))


def status_counts(fixtures, column):
    return cell_groups.counts(column_cells(fixtures, column))


def max_ulps(fixtures, column):
    """The largest ulp distance a CLOSE cell of this column showed, and where."""
    best, where = 0, None
    for f in fixtures:
        cell = f.cells.get(column)
        if cell is not None and cell.status == CLOSE and cell.max_ulps > best:
            best, where = cell.max_ulps, (f.name, cell.worst)
    return best, where


def not_exact(result, statuses=None):
    """[(fixture, column, cell)] of every cell that is not EXACT (or whose
    status is in statuses), in the order a student reads them: the levels
    that count first, by level; then fixtures named after the lecture,
    micrograd's own, the rest, the edges and the fuzzer's finds; the
    smallest first.  (A 50,000-node chain's FAIL came first, and the two
    lecture nodes that showed the bug were 70 lines below it.)"""
    fixtures = sorted(result.fixtures, key=lambda f: (
        not result.is_counted(f), LEVELS.index(level_of(f.tags)), name_rank(f.name), f.nodes))
    return [(f, column, cell) for f in fixtures for column, cell in f.cells.items()
            if (cell.status in statuses if statuses else cell.status != "EXACT")]


def failing_probes(result):
    """[(engine, Probe)] of every probe that counts as a FAIL or ERROR."""
    return [(engine, probe) for engine, probe in result.probe_cells() if probe.verdict]


def probe_label(probe):
    """What a report calls a probe's outcome: FAIL or ERROR where it counts
    as one, else its own status (ok, warn, not run)."""
    return probe.verdict or probe.status


def printed_groups(result):
    """[(engines, summary)]: what the port printed (print(), or a command
    port's stderr), one entry per distinct summary with the engines that
    printed it."""
    groups = []
    for engine, summary in result.printed.items():
        for entry in groups:
            if entry[1] == summary:
                entry[0].append(engine)
                break
        else:
            groups.append(([engine], summary))
    return groups


def printed_lines(summary):
    """The summary's lines as text, each with how often it came."""
    lines = [(f"(x{n}) " if n > 1 else "") + line for line, n in summary["lines"]]
    if summary["more"]:
        lines.append(f"... and {summary['more']} more lines")
    return lines


def not_run_causes(result):
    """[(cause, {column: NOT RUN cells})]: why cells were not run, each cause
    once (the budget, fail-fast on a runtime, Ctrl-C), in corpus order."""
    causes = {}
    for f, column, cell in not_exact(result, (NOT_RUN,)):
        per = causes.setdefault(cell.message, {})
        per[column] = per.get(column, 0) + 1
    return list(causes.items())


def ulp_budgets(result):
    """{engine: its UlpBudget} of the engines judged in ulps."""
    return {name: b for name, b in result.budgets.items()
            if b is not None and b.kind == "ulps"}


def tolerance_table(result):
    """The budgets of the run as data (parity.json's and check.json's "tolerances")."""
    budgets = ulp_budgets(result)
    return {"ops": {name: {op: {"data": e.data, "grad": e.grad, "reason": e.reason}
                           for op, e in b.table.items()}
                    for name, b in budgets.items() if b.table},
            "reorders_gradients": {name: b.reorders for name, b in budgets.items() if b.reorders},
            "known_deviations": [{"backend": name, "op": d.op, "reason": d.reason}
                                 for name, b in budgets.items() for d in b.known_deviations]}


def deviation_rows(result):
    """(engine, its deviation classes, the measured largest distance, where)
    per column: what each engine was allowed and how far it went."""
    rows = []
    for column in result.columns:
        top, where = max_ulps(result.fixtures, column)
        budget = result.budgets.get(column)
        classes = []
        if budget is not None and budget.kind == "ulps":
            classes = [f"`{op}` ({b.data}/{b.grad} ulp)" for op, b in budget.table.items()]
            if budget.reorders:
                classes.append("gradient accumulation order")
            classes = classes or ["none: must be EXACT"]
        at = f"{where[0]}, {where[1].node}.{where[1].field}" if where else "-"
        measured = f"{top:g}"
        rel = [f.cells[column].max_rel for f in result.fixtures
               if column in f.cells and f.cells[column].max_rel is not None]
        if rel:   # finite differences: the relative error is what their rule bounds
            measured, classes = f"relative {max(rel):.2e}", [tolerances.FD_RULE]
        rows.append((column, ", ".join(classes) or "-", measured, at))
    return rows

"""Facts about a CheckResult that every report shows the same way."""
from .. import cell_groups
from ..matrix.summary import by_tag
from ..judge.verdict import CLOSE, CONVENTION, ERROR, EXACT, FAIL, NA, UNRESOLVED, UNSUPPORTED

__all__ = ["by_tag", "group_text", "group_status", "VERDICTS"]

VERDICTS = {
    EXACT: "every value and gradient bit-identical with python_ref",
    CLOSE: "within the ulp budget of the port's runtime (harness/tolerances.py PORT_BUDGETS)",
    FAIL: "a value or gradient outside its budget: the first such node is named",
    ERROR: "the port raised, crashed, ran out of time or memory, or broke the protocol",
    NA: "not applicable here",
    UNSUPPORTED: "the port has no op this fixture needs (the op probe found it): skipped",
    CONVENTION: "differs only where the fixture's tagged convention lets engines differ",
    UNRESOLVED: "the allowed error is half the value or more, so no digit is checked: "
                "neither a pass nor a failure (skipped); the cell gives the bound and why",
}


def run_cells(fixtures, run):
    """One runtime's cells over some fixtures (None where it has none)."""
    return [run.cells.get(f.name) for f in fixtures]


def group_status(fixtures, run):
    return cell_groups.status(run_cells(fixtures, run))


def group_text(fixtures, run, sep=", "):
    """harness.cell_groups.text of one runtime over a group of fixtures."""
    return cell_groups.text(run_cells(fixtures, run), sep)


def not_passing(result):
    """[(fixture, runtime, cell)] of every cell that is not EXACT, CLOSE or N/A."""
    out = []
    for f in result.fixtures:
        for run in result.runs:
            cell = run.cells.get(f.name)
            if cell is not None and cell.status not in (EXACT, CLOSE, NA):
                out.append((f, run, cell))
    return out

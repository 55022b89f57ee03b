"""Facts about a CheckResult that every report shows the same way."""
from ..matrix.summary import by_tag
from ..verdict import (CLOSE, CONVENTION, ERROR, EXACT, FAIL, MOST_SEVERE_FIRST, NA, UNRESOLVED,
                       UNSUPPORTED)

__all__ = ["by_tag", "ORDER", "status_counts", "group_text", "group_status", "VERDICTS"]

# Worst first: the order of a group's counts, and which colours a group
# (the verdict module's order, so every status has its place).
ORDER = MOST_SEVERE_FIRST

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


def status_counts(fixtures, run):
    counts = {s: 0 for s in ORDER}
    for f in fixtures:
        cell = run.cells.get(f.name)
        if cell is not None:
            counts[cell.status] += 1
    return counts


def group_status(fixtures, run):
    counts = status_counts(fixtures, run)
    return next((s for s in ORDER if counts[s]), EXACT)


def group_text(fixtures, run, sep=", "):
    counts = status_counts(fixtures, run)
    return sep.join(f"{counts[s]} {s}" for s in ORDER if counts[s]) or "-"


def not_passing(result):
    """[(fixture, runtime, cell)] of every cell that is not EXACT, CLOSE or N/A."""
    out = []
    for f in result.fixtures:
        for run in result.runs:
            cell = run.cells.get(f.name)
            if cell is not None and cell.status not in (EXACT, CLOSE, NA):
                out.append((f, run, cell))
    return out

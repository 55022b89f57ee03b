"""Facts about a MatrixResult that every report shows the same way."""
from collections import defaultdict

from ..verdict import CLOSE, MOST_SEVERE_FIRST, STATUSES, worst


def first_tag(result):
    return result.tags[0] if result.tags else "untagged"


def by_tag(results):
    """{first tag: [FixtureResult]} in the order the tags first appear."""
    groups = defaultdict(list)
    for r in results:
        groups[first_tag(r)].append(r)
    return dict(groups)


def status_counts(results, column):
    counts = {s: 0 for s in STATUSES}
    for r in results:
        cell = r.cells.get(column)
        if cell is not None:
            counts[cell.status] += 1
    return counts


def max_ulps(results, column):
    """The largest ulp distance a passing cell of this column showed, and where."""
    best, where = 0, None
    for r in results:
        cell = r.cells.get(column)
        if cell is not None and cell.status == CLOSE and cell.max_ulps > best:
            best, where = cell.max_ulps, (r.name, cell.worst)
    return best, where


def group_text(results, column, sep=", "):
    """A compact cell for a group of fixtures: counts of each status, worst
    first, with the largest ulp distance of the CLOSE ones."""
    counts = status_counts(results, column)
    top, _ = max_ulps(results, column)
    rel = [r.cells[column].max_rel for r in results
           if column in r.cells and r.cells[column].max_rel is not None]
    bound = f" <=rel {max(rel):.1e}" if rel else f" <={top:.3g}"
    parts = [f"{counts[s]} {s}" + (bound if s == CLOSE else "")
             for s in MOST_SEVERE_FIRST if counts[s]]
    return sep.join(parts) or "-"


def group_status(results, column):
    return worst(r.cells[column].status for r in results if column in r.cells)

"""Facts about a MatrixResult that every report shows the same way."""
from collections import defaultdict

from .. import cell_groups
from ..judge.verdict import CLOSE


def first_tag(result):
    return result.tags[0] if result.tags else "untagged"


def by_tag(results):
    """{first tag: [FixtureResult]} in the order the tags first appear."""
    groups = defaultdict(list)
    for r in results:
        groups[first_tag(r)].append(r)
    return dict(groups)


def column_cells(results, column):
    """The cells of one column over some fixtures (None where it has none)."""
    return [r.cells.get(column) for r in results]


def status_counts(results, column):
    return cell_groups.counts(column_cells(results, column))


def max_ulps(results, column):
    """The largest ulp distance a passing cell of this column showed, and where."""
    best, where = 0, None
    for r in results:
        cell = r.cells.get(column)
        if cell is not None and cell.status == CLOSE and cell.max_ulps > best:
            best, where = cell.max_ulps, (r.name, cell.worst)
    return best, where


def group_text(results, column, sep=", "):
    """harness.cell_groups.text of one column over a group of fixtures."""
    return cell_groups.text(column_cells(results, column), sep)


def group_status(results, column):
    return cell_groups.status(column_cells(results, column))

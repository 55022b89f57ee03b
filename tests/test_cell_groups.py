"""A group of cells reads the same in the matrix and in the check: counts
worst first, the CLOSE bound, the colour of the group."""
from types import SimpleNamespace

from harness.reports import cell_groups
from harness.check.report_summary import group_status as check_status, group_text as check_text
from harness.parity.summary import group_text as matrix_text
from harness.judge.verdict import CLOSE, EXACT, FAIL, NA, Cell


def test_counts_text_and_status_skip_missing_cells():
    cells = [Cell(EXACT), Cell(CLOSE, max_ulps=4), None, Cell(CLOSE, max_ulps=2), Cell(FAIL),
             Cell(NA, message="why")]
    assert cell_groups.counts(cells)[CLOSE] == 2 and sum(cell_groups.counts(cells).values()) == 5
    assert cell_groups.text(cells) == "1 FAIL, 2 CLOSE <=4, 1 N/A, 1 EXACT"
    assert cell_groups.status(cells) == FAIL
    assert cell_groups.text([None]) == "-" and cell_groups.status([]) == EXACT


def test_finite_differences_cells_give_a_relative_bound():
    cells = [Cell(CLOSE, max_rel=3e-9), Cell(EXACT, max_rel=0.0)]
    assert cell_groups.text(cells) == "1 CLOSE <=rel 3.0e-09, 1 EXACT"
    # the bound is the CLOSE cells' own: a FAIL's error is not a CLOSE one's
    assert cell_groups.text([Cell(FAIL, max_rel=0.5), Cell(CLOSE, max_rel=1e-9)]) == \
        "1 FAIL, 1 CLOSE <=rel 1.0e-09"


def test_the_check_and_the_matrix_word_a_group_alike():
    cells = {"a": Cell(CLOSE, max_ulps=7), "b": Cell(EXACT)}
    fixtures = [SimpleNamespace(name=n) for n in cells]
    run = SimpleNamespace(cells=cells)
    results = [SimpleNamespace(name=n, cells={"lua54": c}) for n, c in cells.items()]
    assert check_text(fixtures, run) == matrix_text(results, "lua54") == "1 CLOSE <=7, 1 EXACT"
    assert check_status(fixtures, run) == CLOSE

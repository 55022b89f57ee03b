"""A group of cells as every report shows it: counts worst first, the
CLOSE bound in words a person reads, the colour of the group."""
import math

from micrograd_lab.harness.judge.compare import Mismatch
from micrograd_lab.harness.judge.verdict import CLOSE, EXACT, FAIL, NA, Cell
from micrograd_lab.harness.reports import cell_groups


def test_counts_text_and_status_skip_missing_cells():
    cells = [Cell(EXACT), Cell(CLOSE, max_ulps=4), None, Cell(CLOSE, max_ulps=2), Cell(FAIL),
             Cell(NA, message="why")]
    assert cell_groups.counts(cells)[CLOSE] == 2 and sum(cell_groups.counts(cells).values()) == 5
    assert cell_groups.text(cells) == "1 FAIL, 2 CLOSE <=4 ulp, 1 N/A, 1 EXACT"
    assert cell_groups.status(cells) == FAIL
    assert cell_groups.text([None]) == "-" and cell_groups.status([]) == EXACT


def test_finite_differences_cells_give_a_relative_bound():
    cells = [Cell(CLOSE, max_rel=3e-9), Cell(EXACT, max_rel=0.0)]
    assert cell_groups.text(cells) == "1 CLOSE <=rel 3.0e-09, 1 EXACT"
    # the bound is the CLOSE cells' own: a FAIL's error is not a CLOSE one's
    assert cell_groups.text([Cell(FAIL, max_rel=0.5), Cell(CLOSE, max_rel=1e-9)]) == \
        "1 FAIL, 1 CLOSE <=rel 1.0e-09"


def _close(ulps, reference, candidate):
    worst = Mismatch("y", "tanh", 1, "y = x.tanh()", "grad", reference, candidate, ulps,
                     abs(candidate - reference), abs(candidate - reference) / abs(reference)
                     if reference else math.inf, ulps)
    return Cell(CLOSE, max_ulps=ulps, worst=worst)


def test_a_large_ulp_distance_reads_as_a_relative_error_or_near_zero():
    # a few ulps are shown as ulps; past that, what the digits say
    assert cell_groups.text([_close(3, 1.0, 1.0 + 3 * 2**-52)]) == "1 CLOSE <=3 ulp"
    assert cell_groups.text([_close(2**40, 1e-3, 1e-3 * (1 + 1e-12))]) == \
        "1 CLOSE <=rel 1.0e-12"
    assert cell_groups.text([_close(2.75e11, 1e-310, 2e-310)]) == "1 CLOSE near zero"
    assert cell_groups.text([_close(2.75e11, 0.0, 1e-300)]) == "1 CLOSE near zero"

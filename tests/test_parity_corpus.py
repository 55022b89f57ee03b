"""The whole fixture corpus as pytest cases: one per fixture, with the
fixture's name as its id (`lecture-l-minus-8`), asserting that every cell of
its row is EXACT or CLOSE within its budget (harness.judge.tolerances), or
N/A with a reason; a failure lists each bad cell as `fixture[column]`.

The `expected` column checks a fixture's own numbers against python_ref.
Fixtures over BIG nodes run on two backends here (lua51 and luajit21, one
per Lua VM family) to keep the suite fast; `make parity` runs every backend
on them.  One case per row, not per cell: the row's reference and budgets
are computed once, and 3,000 cells as 3,000 pytest cases cost more in
pytest's own bookkeeping than in judging.
"""
import pytest

from micrograd_lab.harness.engines.registry import ENGINES, MATRIX_ENGINES, get_engine
from micrograd_lab.harness.judge.tolerances import BudgetCache
from micrograd_lab.harness.judge.verdict import ERROR, FAIL, NA, judge_expected
from micrograd_lab.harness.run import EXPECTED, judge_runs

from shared_corpus import ERRORS as MALFORMED, FIXTURES

BIG = 20_000
BIG_BACKENDS = ("lua51", "luajit21")


def columns_of(fixture):
    if len(fixture.program.steps) >= BIG:
        return BIG_BACKENDS
    return ((EXPECTED,) if fixture.expected else ()) + MATRIX_ENGINES


def test_corpus_has_no_malformed_fixture():
    assert not MALFORMED, "\n".join(str(e) for e in MALFORMED)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.name for f in FIXTURES])
def test_row(fixture):
    program = fixture.program
    reference = get_engine("python_ref").evaluate(program)
    cache = BudgetCache(program, reference)
    bad = []
    for column in columns_of(fixture):
        if column == EXPECTED:
            cell, _ = judge_expected(fixture, reference, None, cache, ENGINES["torch"].budget)
        else:
            cell = judge_runs(get_engine(column), program, reference, cache)[0]
        if cell.status in (FAIL, ERROR):
            bad.append(f"{fixture.name}[{column}] {cell.status}: {cell.detail()}")
        elif cell.status == NA and not cell.message:
            bad.append(f"{fixture.name}[{column}] N/A without a reason")
    assert not bad, "\n".join(bad)

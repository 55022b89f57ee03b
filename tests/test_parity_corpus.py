"""The whole fixture corpus as pytest cases: one per fixture and backend,
with ids like `lecture-l-minus-8[lua54]`, each asserting the cell is EXACT
or CLOSE within its budget (harness.judge.tolerances), or N/A with a reason.

The `expected` case checks a fixture's own numbers against python_ref.
Fixtures over BIG nodes run on two backends here (lua51 and luajit21, one
per Lua VM family) to keep the suite fast; `make parity` runs every backend
on them.
"""
import functools

import pytest

from micrograd_lab.harness.engines.registry import ENGINES, MATRIX_ENGINES, get_engine
from micrograd_lab.harness.judge.tolerances import BudgetCache
from micrograd_lab.harness.judge.verdict import ERROR, FAIL, NA, judge_expected
from micrograd_lab.harness.run import EXPECTED, evaluate_and_judge

from shared_corpus import BY_NAME, ERRORS as MALFORMED, FIXTURES

BIG = 20_000
BIG_BACKENDS = ("lua51", "luajit21")


def _cases():
    for fixture in FIXTURES:
        big = len(fixture.program.steps) >= BIG
        columns = BIG_BACKENDS if big else (EXPECTED,) + MATRIX_ENGINES
        # a big fixture's cells share one pytest-xdist worker, and so its reference
        marks = pytest.mark.xdist_group(f"parity-{fixture.name}") if big else ()
        for column in columns:
            yield pytest.param(fixture.name, column, id=f"{fixture.name}[{column}]", marks=marks)


@functools.lru_cache(maxsize=2)
def reference(name):
    """python_ref on one fixture, once for all its backends."""
    return get_engine("python_ref").evaluate(BY_NAME[name].program)


def test_corpus_has_no_malformed_fixture():
    assert not MALFORMED, "\n".join(str(e) for e in MALFORMED)


@pytest.mark.parametrize("name, column", list(_cases()))
def test_cell(name, column):
    fixture = BY_NAME[name]
    ref = reference(name)
    if column == EXPECTED:
        if not fixture.expected:
            pytest.skip("no expected values")
        cell, _ = judge_expected(fixture, ref, None, BudgetCache(fixture.program, ref),
                                 ENGINES["torch"].budget)
    else:
        cell = evaluate_and_judge(get_engine(column), fixture.program, ref)
    assert cell.status not in (FAIL, ERROR), f"{name}[{column}] {cell.status}: {cell.detail()}"
    if cell.status == NA:
        assert cell.message, "an N/A cell must say why"

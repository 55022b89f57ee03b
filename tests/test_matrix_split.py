"""The matrix's process pool: a fixture split across workers (its backends
shared out) gives the same cells, in the same order, as one run in-process."""
from harness.fixture import load_corpus
from harness.matrix import runner
from harness.matrix.report_json import matrix_json

BACKENDS = ("lua51", "luajit21", "torch", "fd")


def test_split_shares_out_every_backend_once():
    groups = runner._split(("lua51", "lua54", "torch", "fd", "luajit21"), 2)
    assert sorted(b for g in groups for b in g) == ["fd", "lua51", "lua54", "luajit21", "torch"]
    assert len(groups) == 2 and any("fd" in g for g in groups)


def test_split_fixtures_match_one_process(monkeypatch):
    fixtures, _ = load_corpus(names=["lecture-*", "deep-tanh-chain-1000"])
    assert len(fixtures) > 3
    alone = runner.run_matrix(fixtures, BACKENDS, jobs=1)
    monkeypatch.setattr(runner, "SPLIT_STEPS", 5)   # every fixture of 5+ nodes is split
    tasks = runner._tasks(fixtures, BACKENDS, 2)
    assert len(tasks) > len(fixtures)
    split = runner.run_matrix(fixtures, BACKENDS, jobs=2)
    assert matrix_json(split) == matrix_json(alone)
    assert [list(r.cells) for r in split.fixtures] == [list(r.cells) for r in alone.fixtures]

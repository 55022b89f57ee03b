"""The matrix's process pool: a fixture split across workers (its backends
shared out) gives the same cells, in the same order, as one run in-process."""
from harness.fixture import load_corpus
from harness.parity import runner
from harness.parity.report_json import matrix_json

BACKENDS = ("lua51", "luajit21", "torch", "fd")


def test_split_shares_out_every_backend_once():
    groups = runner._split(("lua51", "lua54", "torch", "fd", "luajit21"), 2)
    assert sorted(b for g in groups for b in g) == ["fd", "lua51", "lua54", "luajit21", "torch"]
    assert len(groups) == 2 and any("fd" in g for g in groups)


def test_only_the_last_round_of_big_fixtures_is_split(monkeypatch):
    fixtures, _ = load_corpus(names=["deep-*chain-*"])
    big = [f for f in fixtures if len(f.program.steps) >= runner.SPLIT_STEPS]
    assert len(big) == 3
    tasks = runner._tasks(fixtures, BACKENDS, 2)
    per_fixture = [sum(1 for t in tasks if t[0] == i) for i in range(len(fixtures))]
    assert sum(per_fixture) == len(fixtures) + 1   # 3 big on 2 workers: one is split
    split = fixtures[per_fixture.index(2)]
    assert split.name == "deep-neg-chain-100000"   # the smallest: one argument per step


def test_split_fixtures_match_one_process(monkeypatch):
    fixtures, _ = load_corpus(names=["lecture-*", "deep-tanh-chain-1000"])
    assert [f.name for f in fixtures if len(f.program.steps) >= 1000] == ["deep-tanh-chain-1000"]
    assert len(fixtures) > 3
    alone = runner.run_matrix(fixtures, BACKENDS, jobs=1)
    # one big fixture and two workers: it is split (two big ones would not be)
    monkeypatch.setattr(runner, "SPLIT_STEPS", 1000)
    tasks = runner._tasks(fixtures, BACKENDS, 2)
    assert len(tasks) == len(fixtures) + 1
    assert [t[3][0] for t in sorted(tasks, key=lambda t: t[3])][:2] == [1, 1]
    split = runner.run_matrix(fixtures, BACKENDS, jobs=2)
    assert matrix_json(split) == matrix_json(alone)
    assert [list(r.cells) for r in split.fixtures] == [list(r.cells) for r in alone.fixtures]

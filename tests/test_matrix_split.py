"""The runner's process pool: a fixture split across workers (its engines
shared out) gives the same cells, in the same order, as one run in-process."""
from micrograd_lab.harness import run as runner, schedule
from micrograd_lab.harness.engines.registry import ENGINES
from micrograd_lab.harness.fixture import load_corpus
from micrograd_lab.harness.reports.as_json import run_json

BACKENDS = ("lua51", "luajit21", "torch", "fd")
SPECS = tuple(ENGINES[name] for name in BACKENDS)


def _plan(fixtures, specs=SPECS):
    return runner.Plan(tuple(fixtures), tuple(specs), expected=True, vs_torch=True)


def _matrix(fixtures, jobs):
    return runner.run(fixtures, SPECS, expected=True, vs_torch=True, jobs=jobs)


def test_split_shares_out_every_engine_once():
    names = ("lua51", "lua54", "torch", "fd", "luajit21")
    specs = [ENGINES[n] for n in names]
    groups = schedule._split(specs, tuple(range(len(specs))), 2)
    assert sorted(names[i] for g in groups for i in g) == sorted(names)
    assert len(groups) == 2 and any(names.index("fd") in g for g in groups)


def test_only_the_last_round_of_big_fixtures_is_split():
    fixtures, _ = load_corpus(names=["deep-*chain-*"])
    big = [f for f in fixtures if len(f.program.steps) >= schedule.SPLIT_STEPS]
    assert len(big) == 3
    tasks = schedule.fixture_tasks(_plan(fixtures), 2, (None,) * len(SPECS))
    per_fixture = [sum(1 for t in tasks if t[1] == i) for i in range(len(fixtures))]
    assert sum(per_fixture) == len(fixtures) + 1   # 3 big on 2 workers: one is split
    split = fixtures[per_fixture.index(2)]
    assert split.name == "deep-neg-chain-100000"   # the smallest: one argument per step


def test_split_fixtures_match_one_process(monkeypatch):
    fixtures, _ = load_corpus(names=["lecture-*", "deep-tanh-chain-1000"])
    assert [f.name for f in fixtures if len(f.program.steps) >= 1000] == ["deep-tanh-chain-1000"]
    assert len(fixtures) > 3
    alone = _matrix(fixtures, jobs=1)
    # one big fixture and two workers: it is split (two big ones would not be)
    monkeypatch.setattr(schedule, "SPLIT_STEPS", 1000)
    tasks = schedule.fixture_tasks(_plan(fixtures), 2, (None,) * len(SPECS))
    assert len(tasks) == len(fixtures) + 1
    big = next(i for i, f in enumerate(fixtures) if f.name == "deep-tanh-chain-1000")
    assert [t[1] for t in tasks[:2]] == [big, big]   # the split fixture's tasks run first
    split = _matrix(fixtures, jobs=2)
    assert run_json(split) == run_json(alone)
    assert [list(r.cells) for r in split.fixtures] == [list(r.cells) for r in alone.fixtures]

"""The mutation score's machinery: the table applies to today's engines, a
planted bug is caught by the check (and an equivalent one is not), and the
score counts by runtime family.  `make mutants` runs the whole table."""
import pytest

from micrograd_lab import python_ref
from micrograd_lab.harness.fixture import load_corpus
from micrograd_lab.harness.mutants import nn_oracle
from micrograd_lab.harness.mutants.cli import score_lines
from micrograd_lab.harness.mutants.plant import EditDoesNotApply, mutated_text
from micrograd_lab.harness.mutants.run import Outcome, run_mutant
from micrograd_lab.harness.mutants.table import MUTANTS, Mutant, by_name
from micrograd_lab.lua_port import available_runtimes


def test_every_edit_applies_exactly_once_to_todays_sources():
    for mutant in MUTANTS:
        assert mutated_text(mutant) != (mutant_source := open(mutant.file).read()), mutant.name
        for old, new in mutant.edits:
            assert mutant_source.count(old) == 1, (mutant.name, mutant.file, old)


def test_an_edit_that_no_longer_applies_is_refused_by_name():
    stale = Mutant("stale", "python_ref/engine.py", "a drifted table", (("no such text", "x"),))
    with pytest.raises(EditDoesNotApply, match="mutant stale: the text to replace occurs 0 times"):
        mutated_text(stale)


def test_the_table_plants_at_least_thirty_bugs_in_both_languages():
    names = {m.name for m in MUTANTS}
    assert len(names) >= 30
    for language in ("python", "lua"):
        mine = [m.name for m in MUTANTS if m.language == language]
        assert len(mine) == len(set(mine)) >= 30
    assert all(m.equivalent == "" or len(m.equivalent) > 20 for m in MUTANTS)


def test_unknown_mutant_names_are_refused():
    with pytest.raises(KeyError, match="unknown mutant no-such-bug"):
        by_name(["no-such-bug"])


def _fixtures(*names):
    fixtures, malformed = load_corpus(names=list(names))
    assert not malformed and len(fixtures) == len(names)
    return fixtures


REFERENCE_NN = None


def _nn_reference():
    global REFERENCE_NN
    REFERENCE_NN = REFERENCE_NN or nn_oracle.python_observations(python_ref)
    return REFERENCE_NN


def _mutant(name, language):
    return next(m for m in by_name([name]) if m.language == language)


def test_a_python_mutant_is_caught_by_the_fixture_that_shows_it():
    outcome = run_mutant(_mutant("add-grad-assigned", "python"),
                         _fixtures("lecture-reuse-a-plus-a", "lecture-l-minus-8"), (), _nn_reference())
    assert any(why.startswith("lecture-reuse-a-plus-a: FAIL") for why in outcome.caught["python"])


@pytest.mark.skipif("lua54" not in available_runtimes(), reason="lupa has no lua54 here")
def test_a_lua_mutant_without_a_visited_set_is_caught():
    # b = a + a survives it (a leaf visited twice has no backward to repeat);
    # an intermediate node used twice runs its backward twice.  No probes and
    # no 1,000-node reuse fixture: without a visited set those explode until
    # the time limit (make mutants runs them).
    outcome = run_mutant(_mutant("no-visited-set", "lua"),
                         _fixtures("lecture-reuse-a-plus-a", "micrograd-sanity-check"), ("lua54",),
                         _nn_reference(), probes=())
    assert "micrograd-sanity-check: FAIL" in outcome.caught["lua54"]
    assert not any(w.startswith("lecture-reuse-a-plus-a:") for w in outcome.caught["lua54"])


@pytest.mark.skipif("lua54" not in available_runtimes(), reason="lupa has no lua54 here")
def test_an_equivalent_mutant_survives():
    mutant = _mutant("sub-as-add-neg", "lua")
    assert mutant.equivalent
    outcome = run_mutant(mutant, _fixtures("sub-edge-0-0", "sub-edge-inf-inf", "lecture-l-minus-8"),
                         ("lua54",), _nn_reference())
    assert outcome.caught["lua54"] == []


def test_an_nn_mutant_is_caught_by_the_nn_oracle():
    outcome = run_mutant(_mutant("nn-zero-grad-missing", "python"),
                         _fixtures("lecture-l-minus-8"), (), _nn_reference())
    assert [why for why in outcome.caught["python"] if why.startswith("nn grads1[1]")]


def test_the_score_counts_a_family_only_where_every_runtime_caught_it():
    real, other, same = (_mutant("add-grad-assigned", "lua"), _mutant("neg-sign-lost", "lua"),
                         _mutant("sub-as-add-neg", "lua"))
    outcomes = [Outcome(real, {"lua51": ["x: FAIL"], "lua54": ["x: FAIL"], "luajit21": ["y"]}),
                Outcome(other, {"lua51": ["x: FAIL"], "lua54": [], "luajit21": ["y"]}),
                Outcome(same, {"lua51": [], "lua54": [], "luajit21": []})]
    lines = score_lines(outcomes)
    assert "  PUC Lua: 1 / 2, 1 equivalent" in lines
    assert "  LuaJIT: 2 / 2, 1 equivalent" in lines
    assert f"    survived: neg-sign-lost ({other.bug})" in lines


def test_a_mutant_equivalent_on_some_runtimes_counts_only_where_it_is_a_bug():
    wraps = _mutant("integer-data", "lua")
    assert wraps.equivalent_here("luajit21") and not wraps.equivalent_here("lua54")
    lines = score_lines([Outcome(wraps, {"lua51": [], "lua54": ["probe numbers: wraps"],
                                         "luajit21": []})])
    assert "  PUC Lua: 1 / 1" in lines and "  LuaJIT: 0 / 0, 1 equivalent" in lines


@pytest.mark.skipif("lua54" not in available_runtimes(), reason="lupa has no lua54 here")
def test_a_cancelling_tanh_derivative_is_caught_where_its_t_is_exact():
    # Lua 5.4's own tanh may be 2 ulp off, but at 7 it gives C's t: only a
    # measured error may excuse the derivative, so 1 - t*t fails there.
    outcome = run_mutant(_mutant("tanh-grad-cancelling", "lua"),
                         _fixtures("tanh-at-7", "tanh-at-0p5"), ("lua54",), _nn_reference(),
                         probes=())
    assert "tanh-at-7: FAIL" in outcome.caught["lua54"]
    assert not any(w.startswith("tanh-at-0p5:") for w in outcome.caught["lua54"])

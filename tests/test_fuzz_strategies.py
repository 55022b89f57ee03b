"""The program strategies: every op of the registry, numbers on both sides,
node reuse, edge inputs, depth; a new registry op is fuzzed with no change."""
import dataclasses
import math
import operator

import pytest
from hypothesis import find, given

from micrograd_lab.harness.fuzz import profiles
from micrograd_lab.harness.fuzz.strategies import programs
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.ops import OPS

# One pytest-xdist worker runs this file: the sample is drawn once.
pytestmark = pytest.mark.xdist_group("fuzz-sample")


def _sample(n=300):
    drawn = []

    @profiles.quick(n)
    @given(programs())
    def collect(program):
        drawn.append(program)
    collect()
    return drawn


@pytest.fixture(scope="module")
def sample():
    """300 drawn programs, drawn once for the module's tests (not at collection)."""
    return _sample()


@pytest.fixture(scope="module")
def steps(sample):
    return [s for p in sample for s in p.steps]


def test_every_registry_op_is_drawn(steps):
    assert {s.op for s in steps} == set(OPS)


def test_numbers_on_either_side_of_every_binary_op(steps):
    for name, op in OPS.items():
        if op.kind != "binary":
            continue
        kinds = {tuple(a.kind for a in s.args) for s in steps if s.op == name}
        assert ("num", "node") in kinds and ("node", "num") in kinds, name
        assert ("num", "num") not in kinds   # `2 + 3` is not a graph


def test_nodes_are_reused_and_used_twice_by_one_op(sample, steps):
    assert any(len(s.args) == 2 and s.args[0] == s.args[1] and s.args[0].kind == "node"
               for s in steps)
    uses = [sum(a == arg for s in p.steps for a in s.args)
            for p in sample for arg in {a for s in p.steps for a in s.args if a.kind == "node"}]
    assert max(uses) >= 3


def test_inputs_come_from_the_edges_too(sample):
    values = [v for p in sample for _, v in p.inputs]
    assert any(math.isnan(v) for v in values)
    assert any(math.isinf(v) for v in values)
    assert any(v == 0.0 and math.copysign(1.0, v) < 0 for v in values)
    assert any(0.0 < abs(v) < 2.2250738585072014e-308 for v in values)   # subnormal


def test_depth_and_width_vary_and_output_is_a_step(sample):
    assert {len(p.steps) for p in sample} >= set(range(1, 9))
    assert max(len(p.inputs) for p in sample) >= 4
    assert all(p.output in {s.out for s in p.steps} for p in sample)
    assert any(p.output != p.steps[-1].out for p in sample)


def test_every_drawn_program_runs_on_the_reference(sample):
    for program in sample[:100]:
        assert set(interpret(program)) == set(program.node_ids())


def test_shrinking_gives_small_integers_first():
    # the smallest program with a tanh of a non-zero input
    program = find(programs(), lambda p: any(s.op == "tanh" and p.inputs[0][1] != 0.0
                                             for s in p.steps),
                   settings=profiles.quick(100))
    # one input, the smallest integer that is not 0; one tanh and at most one
    # step before it (hypothesis cannot always delete a leading step)
    assert program.inputs == (("x1", 1.0),)
    assert program.steps[-1].op == "tanh" and len(program.steps) <= 2


def test_a_new_registry_op_is_fuzzed_with_no_other_change(monkeypatch):
    cube = dataclasses.replace(OPS["tanh"], name="cube", syntax="x.cube()", method="cube",
                               apply=operator.methodcaller("cube"), ordinary=(5.0, 6.0),
                               edges=(7.5,))
    monkeypatch.setitem(OPS, "cube", cube)
    # hypothesis starts with the simplest programs: draw enough to get past them
    assert "cube" in {s.op for p in _sample(300) for s in p.steps}


def test_the_quick_profile_draws_the_same_programs_whatever_modules_are_loaded(
        tmp_path, monkeypatch):
    """hypothesis mines constants from the project's loaded modules; the
    quick profile must not depend on them (nor on which tests ran first)."""
    import importlib
    import sys

    from hypothesis import find, settings

    from micrograd_lab.harness.fuzz import profiles
    from micrograd_lab.harness.fuzz.strategies import programs

    def drawn():
        seen = []
        with profiles.same_programs_everywhere(profiles.quick()):
            try:
                find(programs(max_steps=4), lambda p: seen.append(p) and False,
                     settings=settings(profiles.quick(), max_examples=30))
            except Exception:   # NoSuchExample: nothing "fails"
                pass
        return [repr(p) for p in seen]   # repr: a nan input is not equal to itself

    before = drawn()
    (tmp_path / "odd_constants.py").write_text("ODD = (-7.125e19, 3.0625e-13, 12345.6789)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("odd_constants")
    try:
        assert drawn() == before
    finally:
        sys.modules.pop("odd_constants", None)

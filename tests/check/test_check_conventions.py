"""CONVENTION: the convention tags agree with what each fixture's program
pins, and a cell reads CONVENTION only when every difference is one its
tagged convention covers (a verdict that can fail: each case has a twin
with one more difference, which stays FAIL)."""
import math

import pytest

from micrograd_lab.harness.engines.registry import get_engine
from micrograd_lab.harness.judge.conventions import CONVENTIONS, pinned_conventions
from micrograd_lab.harness.judge.verdict import CONVENTION, with_conventions as convention_cell
from micrograd_lab.harness.judge.verdict import FAIL, compare
from micrograd_lab.harness.fixture import TAGS

from shared_corpus import BY_NAME, FIXTURES

# Searching a program for what it pins needs python_ref's values: the few big
# fixtures are left out, and must not use an op a convention lives on.
SMALL = 5000
CONVENTION_OPS = {"relu", "pow", "div", "log"}


def reference(name):
    return get_engine("python_ref").evaluate(BY_NAME[name].program)


def judged(name, candidate, tags=None):
    fixture = BY_NAME[name]
    ref = reference(name)
    cell = compare(ref, candidate, fixture.program)
    assert cell.status == FAIL   # every case below differs from python_ref
    return convention_cell(cell, fixture.tags if tags is None else tags, fixture.program,
                           ref, candidate, None)


def changed(evaluation, **values):
    """evaluation with some values replaced: node=(data, grad), None keeps one."""
    out = dict(evaluation)
    for node, (data, grad) in values.items():
        old = out[node]
        out[node] = (old[0] if data is None else data, old[1] if grad is None else grad)
    return out


def test_every_convention_is_a_documented_tag():
    assert set(CONVENTIONS) <= set(TAGS)


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if len(f.program.node_ids()) <= SMALL],
                         ids=lambda f: f.name)
def test_convention_tags_are_exactly_what_the_program_pins(fixture):
    pinned = pinned_conventions(fixture.program, reference(fixture.name))
    assert [t for t in fixture.tags if t in CONVENTIONS] == pinned


def test_big_fixtures_use_no_op_a_convention_lives_on():
    big = [f for f in FIXTURES if len(f.program.node_ids()) > SMALL]
    assert big
    for fixture in big:
        assert not {s.op for s in fixture.program.steps} & CONVENTION_OPS, fixture.name


def test_relu_gradient_at_zero_upstream_of_the_kink_is_a_convention():
    ref = reference("relu-at-zero-in-a-neuron")
    # relu passing the gradient at 0: the whole neuron upstream gets it
    port = changed(ref, n=(None, 3.0), **{"n.1": (None, 3.0)}, b=(None, 3.0),
                   w=(None, 1.5), x=(None, 6.0))
    cell = judged("relu-at-zero-in-a-neuron", port)
    assert cell.status == CONVENTION
    assert cell.message.startswith("relu-grad-at-zero (first difference: ")
    assert "node " in cell.message   # the first difference, named
    # the same port with a wrong value downstream of the kink: a FAIL
    assert judged("relu-at-zero-in-a-neuron", changed(port, y=(None, 2.0))).status == FAIL
    # and without the tag, the same differences are a FAIL
    assert judged("relu-at-zero-in-a-neuron", port, tags=("edges",)).status == FAIL


def test_relu_gradient_at_nan():
    port = changed(reference("relu-edge-nan"), x=(None, 0.0))
    assert judged("relu-edge-nan", port).status == CONVENTION
    # a wrong value of relu(nan) itself is not the convention
    assert judged("relu-edge-nan", changed(port, y=(0.0, None))).status == FAIL


def test_gradient_of_x_to_the_0_at_0_flowing_upstream():
    nan = math.nan
    port = changed(reference("pow-zero-exponent-of-a-difference"),
                   u=(None, nan), x=(None, nan), y=(None, nan))
    cell = judged("pow-zero-exponent-of-a-difference", port)
    assert cell.status == CONVENTION and cell.message.startswith("pow-grad-at-zero (")
    assert judged("pow-zero-exponent-of-a-difference",
                  changed(port, w=(None, 2.0))).status == FAIL


def test_sign_of_a_zero_needs_the_flipped_zero_as_evidence():
    ref = reference("neg-zero-then-div")
    assert math.copysign(1.0, ref["y"][0]) < 0
    # -x as 0 - x: y = +0.0, so a / y = +inf and da = +inf
    port = changed(ref, y=(0.0, None), z=(math.inf, None), a=(None, math.inf))
    cell = judged("neg-zero-then-div", port)
    assert cell.status == CONVENTION and cell.message.startswith("zero-sign (")
    # the same infinities with y still -0.0: nothing explains them
    assert judged("neg-zero-then-div", changed(port, y=(-0.0, None))).status == FAIL
    # a difference upstream of the zero is not covered
    assert judged("neg-zero-then-div", changed(port, x=(1.0, None))).status == FAIL


def test_a_fixture_pinning_two_conventions_covers_both():
    ref = reference("relu-minus-zero-then-div")
    # relu(-0.0) = +0.0 and relu'(0) = 1: z = +inf, da = +inf, dx = dy = -inf
    port = changed(ref, y=(0.0, None), z=(math.inf, None), a=(None, math.inf),
                   x=(None, -math.inf))
    cell = judged("relu-minus-zero-then-div", port)
    assert cell.status == CONVENTION
    assert cell.message.startswith("relu-grad-at-zero, zero-sign (")
    # tagged with only one of them, the other difference stays a FAIL
    only = ("edges", "zero-sign")
    assert judged("relu-minus-zero-then-div", port, tags=only).status == FAIL


def test_a_fail_names_the_first_difference_no_convention_covers():
    # Value ** Value at nan**0 whose exponent gets no gradient: a.grad = 0 * nan**-1 = nan
    # is the pow-grad-at-zero convention's; b.grad = 0 against nan is the port's fault
    ref = reference("pow-value-edge-nan-to-0")
    cell = judged("pow-value-edge-nan-to-0", changed(ref, a=(None, math.nan), b=(None, 0.0)))
    assert cell.status == FAIL
    assert (cell.first_fail.node, cell.first_fail.field) == ("b", "grad")
    assert cell.first_fail.candidate == 0.0 and math.isnan(cell.first_fail.reference)
    assert "node b (input) grad: expected nan, got 0.0" in cell.detail()
    assert cell.message == "pow-grad-at-zero covers a.grad, not this"

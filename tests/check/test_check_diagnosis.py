"""The diagnosis signatures on hand-made evaluations: each fires on the
values its bug makes, and not on values that only look like them."""
import math

import pytest

from harness.engines.registry import get_engine
from harness.diagnoses import examine
from harness.diagnoses.simulate import EVERY_OP, Backward, simulate
from harness.judge.verdict import compare

from shared_corpus import BY_NAME

FIXTURES = {name: BY_NAME[name] for name in [
    "reuse-doubling-1000", "tanh-edge-1em10", "lecture-neuron-tanh", "lecture-neuron-exp",
    "lecture-reuse-ab", "micrograd-sanity-check", "lecture-l-minus-8", "nn-lecture-mlp-loss",
    "lecture-f-at-3"]}


def bugs(name, evaluation, runtime="lua54"):
    fixture = FIXTURES[name]
    reference = get_engine("python_ref").evaluate(fixture.program)
    cell = compare(reference, evaluation, fixture.program)
    return [(e.bug, e.node) for e in examine(fixture, fixture.program, reference, evaluation,
                                              cell, runtime) if not e.against]


def reference(name):
    return dict(get_engine("python_ref").evaluate(FIXTURES[name].program))


@pytest.mark.parametrize("name", ["lecture-reuse-ab", "micrograd-sanity-check",
                                  "lecture-neuron-exp", "nn-lecture-mlp-loss"])
def test_the_simulated_correct_backward_is_python_refs(name):
    program = FIXTURES[name].program
    ref = reference(name)
    grads, _ = simulate(program, ref, Backward())
    for node in program.node_ids():
        assert math.isclose(grads[node], ref[node][1], rel_tol=1e-12, abs_tol=1e-300), node


def test_an_integer_that_wrapped_is_named_where_it_first_wraps():
    evaluation = reference("reuse-doubling-1000")
    for k in range(1, 939):   # integers: 2^63 and above wrap (2^64 and up to 0)
        node = "x" if k == 1 else f"x#{k}"
        grad = evaluation[node][1]
        evaluation[node] = (evaluation[node][0], -grad if grad == 2.0**63 else 0.0)
    assert bugs("reuse-doubling-1000", evaluation) == [("integer-wrap", "x#938")]


def test_gradients_that_are_only_zero_are_not_called_a_wrap():
    evaluation = reference("reuse-doubling-1000")
    for node in list(evaluation)[:-1]:
        evaluation[node] = (evaluation[node][0], 0.0)
    assert ("integer-wrap", "x#938") not in bugs("reuse-doubling-1000", evaluation)


def test_tanh_through_exp_is_named_beyond_the_budget_only():
    evaluation = reference("tanh-edge-1em10")
    evaluation["y"] = (1.000000082640371e-10, evaluation["y"][1])   # (e^2x - 1)/(e^2x + 1)
    assert bugs("tanh-edge-1em10", evaluation) == [("tanh-exp", "y")]
    # 1 ulp off, where the exp formula happens to land too: any port's tanh may be
    evaluation = reference("lecture-neuron-tanh")
    t = evaluation["o"][0]
    evaluation["o"] = (math.nextafter(t, -math.inf), evaluation["o"][1])
    assert evaluation["o"][0] == 0.7071067811865476
    assert "tanh-exp" not in [b for b, _ in bugs("lecture-neuron-tanh", evaluation)]


def test_division_as_a_power_needs_the_reciprocals_product():
    evaluation = reference("lecture-neuron-exp")
    data, grad = evaluation["o"]
    evaluation["o"] = (4.828427124746192 * 6.828427124746192 ** -1, grad)
    assert evaluation["o"][0] != data
    assert bugs("lecture-neuron-exp", evaluation) == [("div-pow", "o")]
    evaluation["o"] = (math.nextafter(data, -math.inf), grad)   # off the other way
    assert bugs("lecture-neuron-exp", evaluation) == []


def test_structural_bugs_by_the_whole_gradient_pattern():
    ref = reference("lecture-reuse-ab")
    program = FIXTURES["lecture-reuse-ab"].program
    for walk, assign, bug in [("reversed", True, "assigned"), ("forward", False, "wrong-order")]:
        grads, _ = simulate(program, ref, Backward(walk, EVERY_OP if assign else frozenset()))
        evaluation = {n: (ref[n][0], grads[n]) for n in ref}
        assert [b for b, _ in bugs("lecture-reuse-ab", evaluation)] == [bug]
    ref = reference("micrograd-sanity-check")
    program = FIXTURES["micrograd-sanity-check"].program
    grads, _ = simulate(program, ref, Backward("no-visited"))
    evaluation = {n: (ref[n][0], grads[n]) for n in ref}
    assert [b for b, _ in bugs("micrograd-sanity-check", evaluation)] == ["no-visited"]
    # one gradient more off than the bug makes: no claim
    evaluation["x"] = (evaluation["x"][0], evaluation["x"][1] + 1.0)
    assert bugs("micrograd-sanity-check", evaluation) == []


def test_the_simplest_explanation_is_named():
    # l-minus-8: no node is used twice, so assigning and adding agree: the
    # forward walk's values are also those of the forward walk with
    # assignment; one bug explains them, and that one is named
    ref = reference("lecture-l-minus-8")
    program = FIXTURES["lecture-l-minus-8"].program
    grads, _ = simulate(program, ref, Backward("forward"))
    evaluation = {n: (ref[n][0], grads[n]) for n in ref}
    assert [b for b, _ in bugs("lecture-l-minus-8", evaluation)] == ["wrong-order"]
    # f-at-3: x is used twice; assigning in python_ref's order keeps 4*x's -4,
    # the forward walk with adding gives x**2's part only: different, each named
    ref = reference("lecture-f-at-3")
    program = FIXTURES["lecture-f-at-3"].program
    named = set()
    for walk, assign in [("reversed", True), ("forward", False)]:
        grads, _ = simulate(program, ref, Backward(walk, EVERY_OP if assign else frozenset()))
        named |= {b for b, _ in bugs("lecture-f-at-3", {n: (ref[n][0], grads[n]) for n in ref})}
    assert named == {"assigned", "wrong-order"}

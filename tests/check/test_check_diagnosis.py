"""The diagnosis signatures on hand-made evaluations: each fires on the
values its bug makes, and not on values that only look like them."""
import math
from dataclasses import replace

import pytest

from micrograd_lab.harness.engines.registry import get_engine
from micrograd_lab.harness.diagnoses import examine, integer_wrap
from micrograd_lab.harness.diagnoses.common import Evidence, preference
from micrograd_lab.harness.diagnoses.exponential_walk import visits_once_per_path
from micrograd_lab.harness.diagnoses.float32 import to_float32
from micrograd_lab.harness.diagnoses.simulate import (BY_VALUE, DUPLICATES, DUPLICATES_REVERSED,
                                                      EVERY_OP, NO_TOPO, NO_VISITED,
                                                      SIMULATED_MAX_NODES, Backward, matches,
                                                      simulate)
from micrograd_lab.harness.judge.verdict import Cell, compare
from micrograd_lab.harness.lower import lower
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.program import INTEGERS

from shared_corpus import BY_NAME

FIXTURES = BY_NAME


def evidence(name, evaluation, runtime="lua54", cell=None):
    """What examine finds in an evaluation of the fixture (judged bit for bit,
    or the cell given)."""
    fixture = FIXTURES[name]
    reference = get_engine("python_ref").evaluate(fixture.program)
    cell = cell or compare(reference, evaluation, fixture.program)
    return examine(fixture, fixture.program, reference, evaluation, cell, runtime)


def bugs(name, evaluation, runtime="lua54"):
    return [(e.bug, e.node) for e in evidence(name, evaluation, runtime) if not e.against]


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


def test_the_simulated_correct_backward_gives_python_refs_gradients_on_every_fixture():
    # where it did not (g * (1/b) for python_ref's g / b, 0 * inf for a skipped
    # relu), a simulated bug explained failures it did not cause
    unfaithful = [name for name, fixture in FIXTURES.items()
                  if len(fixture.program.node_ids()) <= SIMULATED_MAX_NODES
                  and not matches(fixture.program, reference(name),
                                  simulate(fixture.program, reference(name)))]
    assert unfaithful == []


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
    evaluation = reference("found-f1f7ee5216fe")
    data, grad = evaluation["y"]
    evaluation["y"] = (0.34375 * 4.549819991750574e-86 ** -1, grad)
    assert evaluation["y"][0] != data
    assert bugs("found-f1f7ee5216fe", evaluation) == [("div-pow", "y")]
    evaluation["y"] = (math.nextafter(data, math.inf), grad)   # off the other way
    assert bugs("found-f1f7ee5216fe", evaluation) == []
    # the lecture level allows the lecture's own division its ulp: a lecture
    # fixture that fails for another bug says nothing of it (it was named,
    # and counted, above a Python student's real bug)
    evaluation = reference("lecture-neuron-exp")
    data, grad = evaluation["o"]
    evaluation["o"] = (4.828427124746192 * 6.828427124746192 ** -1, grad)
    assert evaluation["o"][0] != data
    assert "div-pow" not in {b for b, _ in bugs("lecture-neuron-exp", evaluation)}


def test_structural_bugs_by_the_whole_gradient_pattern():
    ref = reference("micrograd-sanity-check")
    program = FIXTURES["micrograd-sanity-check"].program
    for walk, assign, bug in [("reversed", True, "assigned"), ("forward", False, "wrong-order"),
                              ("no-visited", False, "no-visited")]:
        grads, _ = simulate(program, ref, Backward(walk, EVERY_OP if assign else frozenset()))
        evaluation = {n: (ref[n][0], grads[n]) for n in ref}
        assert [b for b, _ in bugs("micrograd-sanity-check", evaluation)] == [bug]
    # one gradient more off than the bug makes: no claim
    evaluation["x"] = (evaluation["x"][0], evaluation["x"][1] + 1.0)
    assert bugs("micrograd-sanity-check", evaluation) == []


def test_an_op_without_a_backward_ties_with_a_walk_and_neither_is_named():
    # reuse-ab (d = a*b, e = a + b, f = d*e): mul assigning, and add with no
    # backward, both leave a = 3 and b = -2
    assigning = simulated("lecture-reuse-ab", Backward(assigns=EVERY_OP))
    assert assigning == simulated("lecture-reuse-ab", Backward(silent=frozenset({"add"})))
    assert bugs("lecture-reuse-ab", assigning) == []
    # l-minus-8 walked forward: only L's own arguments get a gradient, as
    # when add's backward passes nothing down
    forward = simulated("lecture-l-minus-8", Backward("forward"))
    assert forward == simulated("lecture-l-minus-8", Backward(silent=frozenset({"add"})))
    assert bugs("lecture-l-minus-8", forward) == []
    # two ops without a backward: fd-cancelling-paths walked forward
    forward = simulated("fd-cancelling-paths-1e16", Backward("forward"))
    assert forward == simulated("fd-cancelling-paths-1e16", Backward(silent=frozenset({"add", "mul"})))
    assert bugs("fd-cancelling-paths-1e16", forward) == []
    # where one step shows the missing backward alone, derivative names it
    silent = simulated("lecture-number-2-times-x", Backward(silent=frozenset({"mul"})))
    (found,) = evidence("lecture-number-2-times-x", silent)
    assert (found.bug, found.ops) == ("derivative", ("mul",))
    assert "0 is what a mul whose result has no backward gives" in found.detail


def test_no_sort_joins_a_sort_without_a_visited_set_the_same_runtime_shows():
    # a Python port's _prev is a set: its sort without a visited set takes
    # two children in either order, and reversed it walks exactly as no sort
    # at all does (a Python student was told both bugs)
    from micrograd_lab.harness.diagnoses import _joined
    found = [Evidence("no-topo", "p", "slope-f-at-3-h-0p001", "h", ""),
             Evidence("no-visited", "p", "micrograd-sanity-check", "q.2", "")]
    assert {e.bug for e in _joined(found)} == {"no-visited"}
    assert {e.bug for e in _joined(found[:1])} == {"no-topo"}   # no sort at all, alone


def test_the_simplest_explanation_is_named():
    # reuse-ab: the forward walk's values are also those of the forward walk
    # with assignment; one bug explains them, and that one is named
    ref = reference("lecture-reuse-ab")
    program = FIXTURES["lecture-reuse-ab"].program
    grads, _ = simulate(program, ref, Backward("forward"))
    assert simulate(program, ref, Backward("forward", EVERY_OP))[0] == grads
    evaluation = {n: (ref[n][0], grads[n]) for n in ref}
    assert [b for b, _ in bugs("lecture-reuse-ab", evaluation)] == ["wrong-order"]


def simulated(name, backward):
    ref = reference(name)
    grads, _ = simulate(FIXTURES[name].program, ref, backward)
    return {n: (ref[n][0], grads[n]) for n in ref}


def test_no_sort_at_all_and_a_sort_without_a_visited_set_are_told_apart():
    # sanity-check reuses z and q: both walks run their backward once per
    # path, but recursing passes on the gradient gathered so far
    assert [b for b, _ in bugs("micrograd-sanity-check",
                               simulated("micrograd-sanity-check", Backward(NO_TOPO)))] == \
        ["no-topo"]
    assert [b for b, _ in bugs("micrograd-sanity-check",
                               simulated("micrograd-sanity-check", Backward(NO_VISITED)))] == \
        ["no-visited"]


def test_a_sort_that_appends_a_node_twice():
    # children pushed in argument order or in reverse: either appends a twice
    # (d#2 = d + d * 2 + ...), and what follows is counted again
    for walk in (DUPLICATES, DUPLICATES_REVERSED):
        found = bugs("micrograd-test-more-ops", simulated("micrograd-test-more-ops",
                                                          Backward(walk)))
        assert [b for b, _ in found] == ["duplicates"], walk
    # where no node is pushed twice before it is appended, the walk is
    # python_ref's, and the fixture cannot show the bug
    ref = reference("lecture-neuron-tanh")
    assert simulate(FIXTURES["lecture-neuron-tanh"].program, ref, Backward(DUPLICATES)) == \
        simulate(FIXTURES["lecture-neuron-tanh"].program, ref, Backward())


@pytest.mark.parametrize("name, ops, named", [
    ("lecture-reuse-a-plus-a", {"add"}, ("add",)),
    ("micrograd-sanity-check", {"mul"}, ("mul",)),
    ("micrograd-sanity-check", {"add", "mul"}, ("mul", "add")),
    ("micrograd-sanity-check", {"relu"}, ("relu",)),   # z.relu() at z < 0 assigns 0
    ("reuse-exp-plus-its-argument", {"exp"}, ("exp",)),
    ("reuse-relu-plus-its-argument", {"relu"}, ("relu",)),
    ("lecture-f-at-3", {"pow", "mul", "sub", "add"}, ("pow",))])
def test_the_op_whose_backward_assigns_is_named(name, ops, named):
    # sanity-check: both ops write a node used twice, and both are named;
    # relu, inactive there, passes nothing in python_ref but assigns g * 0;
    # f-at-3 (3*x**2 - 4*x + 5): x**2 runs last, so pow alone explains it
    found = evidence(name, simulated(name, Backward(assigns=frozenset(ops))))
    assert [(e.bug, e.ops) for e in found] == [("assigned", named)]
    assert found[0].detail.startswith(f"assigning in {', '.join(named)}: ")


def test_a_fixture_where_two_ops_each_explain_the_assignment_names_neither():
    # found-db17ec441a6b on a port without dot (lowered to + and *): add
    # assigning loses n1's 1 beside the 1e300 the mul carries, and mul
    # assigning gives the same gradients.  The fixture cannot tell which op
    # assigns; it named mul for a port whose add assigned.
    fixture = FIXTURES["found-db17ec441a6b"]
    lowered = lower(fixture.program, {"dot"})
    reference = dict(get_engine("python_ref").evaluate(lowered))
    for assigning in ({"add"}, {"mul"}):
        grads, _ = simulate(lowered, reference, Backward(assigns=frozenset(assigning)))
        port = {n: (reference[n][0], grads[n]) for n in reference}
        cell = compare(reference, port, lowered)
        assert cell.status == "FAIL"
        assert examine(fixture, lowered, reference, port, cell, "lua54") == []
    # where one op alone explains it, that op is named (the lecture's a + a)
    assert [e.ops for e in evidence("lecture-reuse-a-plus-a",
                                    simulated("lecture-reuse-a-plus-a",
                                              Backward(assigns=frozenset({"add"}))))] == [("add",)]


def test_a_wrong_derivative_names_the_op_whose_backward_wrote_it():
    # tanh's backward as 1 - t: the FAIL is at n (an add), the op at fault tanh
    one_minus_t = Backward(partials={"tanh": lambda args, out, partials: [1 - out]})
    [found] = evidence("lecture-neuron-tanh", simulated("lecture-neuron-tanh", one_minus_t))
    assert (found.bug, found.node, found.ops) == ("derivative", "n", ("tanh",))
    assert "`o = n.tanh()` alone" in found.detail
    assert "tanh's local derivative reads 0.292893, python_ref's 0.5" in found.detail
    # a wrong slope in b of a / b: the op and which argument
    over_b = Backward(partials={"div": lambda args, out, partials: [partials[0], 2 * partials[1]]})
    [found] = evidence("div-1-3", simulated("div-1-3", over_b))
    assert (found.bug, found.ops) == ("derivative", ("div",))
    assert "div's local derivative for its second argument, b, reads" in found.detail


def test_a_wrong_gradient_with_two_writers_or_a_wrong_upstream_names_no_derivative():
    # lecture-reuse-ab: a and b each feed d = a*b and e = a + b: either step
    # could have written the wrong gradient
    twice = Backward(partials={"mul": lambda args, out, partials: [2 * d for d in partials]})
    found = evidence("lecture-reuse-ab", simulated("lecture-reuse-ab", twice))
    assert "derivative" not in {e.bug for e in found}
    # the right formula, its digits lost (1 - t*t at t = 1 - 4e-9): not another
    # formula, but the cancellation, named as such; 1 - t, at the same t, is
    # within 1e-6 of 1 - t**2 too, and is neither
    for name in ("tanh-at-10", "tanh-at-7"):
        cancelling = Backward(partials={"tanh": lambda args, out, partials: [1 - out * out]})
        port = simulated(name, cancelling)
        assert compare(reference(name), port, FIXTURES[name].program).status == "FAIL"
        assert [(e.bug, e.node, e.ops) for e in evidence(name, port)] == \
            [("tanh-cancels", "x", ("tanh",))]
    tiny = {**reference("tanh-at-10")}
    tiny["x"] = (tiny["x"][0], tiny["x"][1] * (1 + 4e-9))
    assert evidence("tanh-at-10", tiny) == []
    # the output's own gradient wrong: nothing says which backward is at fault
    ref = reference("lecture-neuron-tanh")
    assert evidence("lecture-neuron-tanh", {**ref, "o": (ref["o"][0], 2.0)}) == []


def test_the_derivative_diagnoses_name_nothing_another_bug_explains():
    # a walk without a visited set runs n2 = n1 + n1's backward twice: no
    # visited set and duplicates both fit, so structural names neither, and
    # add's "derivative" is no explanation either (found by a review)
    name = "found-97fd38e7d790"
    assert [e.bug for e in evidence(name, simulated(name, Backward(NO_VISITED)))] == []
    # 1 - t*t in tanh and a dot whose backward is 0.1% off: the cancellation
    # is the first gradient to differ, but it does not explain the rest
    cancel = {"tanh": lambda args, out, partials: [1 - out * out]}
    off = {"dot": lambda args, out, partials: [d * 1.001 for d in partials]}
    name = "nn-mlp-tanh-3-4-4-1"
    assert [e.bug for e in evidence(name, simulated(name, Backward(partials=cancel)))] == \
        ["tanh-cancels"]
    assert evidence(name, simulated(name, Backward(partials={**cancel, **off}))) == []
    # a Lua integer run's gradient wrapped to 0 is not a derivative of 0
    name = "lecture-neuron-tanh"
    port = simulated(name, Backward(partials={"tanh": lambda args, out, partials: [1 - out]}))
    cell = replace(compare(reference(name), port, FIXTURES[name].program), variant=INTEGERS)
    assert evidence(name, port, cell=cell) == []


def test_an_exponent_whose_gradient_is_never_set():
    ref = reference("pow-value-2-to-3")
    assert bugs("pow-value-2-to-3", {**ref, "b": (3.0, 0.0)}) == [("exponent-grad", "b")]
    # another fault: not the exponent's gradient never set, only the slope
    # pow's backward gave b (the derivative fallback, from that node alone)
    assert bugs("pow-value-2-to-3", {**ref, "b": (3.0, 1.0)}) == [("derivative", "b")]
    # at nan**0 the plain formula's nan for a (a convention) and 0 for b
    ref = reference("pow-value-edge-nan-to-0")
    found = evidence("pow-value-edge-nan-to-0", {**ref, "a": (math.nan, math.nan),
                                                 "b": (0.0, 0.0)})
    assert [(e.bug, e.ops) for e in found] == [("exponent-grad", ("pow",))]


def test_division_whose_slope_squares_the_denominator():
    ref = reference("div-edge-1e200-1e200")
    [found] = evidence("div-edge-1e200-1e200", {**ref, "b": (1e200, -0.0)})
    assert (found.bug, found.node, found.ops) == ("div-square", "b", ("div",))
    assert "-a/b**2, where b**2 overflows to inf" in found.detail
    assert bugs("div-edge-1e200-1e200", {**ref, "b": (1e200, -2e-200)}) == [("derivative", "b")]


def test_a_sum_of_negative_zeros_that_comes_out_positive():
    ref = reference("sum-of-minus-zeros-then-div")
    port = {**ref, "s": (0.0, -math.inf), "z": (math.inf, 1.0)}
    [found] = evidence("sum-of-minus-zeros-then-div", port)
    assert (found.bug, found.node) == ("sum-zero", "s")
    assert found.detail == "sum(-0.0, -0.0, -0.0) is 0.0, python_ref -0.0"
    # the sign is a fact of any cell's values, right ones say nothing
    assert bugs("sum-of-minus-zeros-then-div", dict(ref)) == []


def test_single_precision_from_an_input_read_back_as_its_float32():
    ref = reference("add-0p1-0p2")
    port = {node: tuple(to_float32(x) for x in pair) for node, pair in ref.items()}
    [found] = evidence("add-0p1-0p2", port)
    assert (found.bug, found.node) == ("float32", "a")
    assert found.detail.startswith("the input 0.1 reads back as 0.10000000149011612")
    # one value that is no float32 (a float64 port off elsewhere): no claim
    port["y"] = (0.30000000000000004, 2.0)
    assert bugs("add-0p1-0p2", port) == []
    # every number a float32 already: nothing tells the precisions apart (the
    # derivative fallback speaks, of the one step that gives a its gradient)
    ref = reference("lecture-d-abc")
    assert bugs("lecture-d-abc", {**ref, "a": (ref["a"][0], 0.0)}) == [("derivative", "a")]


@pytest.mark.parametrize("name", ["tanh-edge-1em300", "div-grad-subnormal-divisor",
                                  "log-edge-5em324"])
def test_a_float32_port_is_not_blamed_for_its_ops_on_the_numbers_it_holds(name):
    # a float32 port reads 1e-300 as 0: tanh(0) = 0 was "tanh through exp",
    # 1e-10 / 0 = inf "division as b**-1", log(0) "log wrong at subnormals"
    program = FIXTURES[name].program
    held = replace(program, inputs=tuple((n, to_float32(x)) for n, x in program.inputs))
    port = {node: tuple(to_float32(x) for x in pair)   # each op on the numbers it holds
            for node, pair in get_engine("python_ref").evaluate(held).items()}
    assert port != reference(name)
    assert {bug for bug, _ in bugs(name, port)} <= {"float32"}, bugs(name, port)


def test_a_log_wrong_at_subnormals_only():
    ref = reference("log-edge-5em324")
    [found] = evidence("log-edge-5em324", {**ref, "y": (-709.0895657128241, ref["y"][1])})
    assert (found.bug, found.against) == ("libm-subnormal", False)
    assert found.detail.endswith("the log of the number read as if it were normal "
                                 "(2^-1023 * 1.f)")
    # the same op off at an ordinary argument is evidence against it
    ref = reference("log-at-2")
    [against] = evidence("log-at-2", {**ref, "y": (ref["y"][0] * (1 + 1e-9), ref["y"][1])})
    assert (against.bug, against.against) == ("libm-subnormal", True)


def test_errors_that_name_their_cause():
    # a line the port printed where a protocol message was due
    cell = Cell.error("protocol: program 3: not a JSON line (Expecting value: line 1 column 1 "
                      "(char 0)): 'evaluating 2 steps'")
    cell = replace(cell, message=cell.message.removeprefix("RuntimeError: "))
    [printed] = evidence("lecture-d-abc", None, cell=cell)
    assert printed.bug == "stdout-print" and "'evaluating 2 steps'" in printed.detail
    # Python's math.exp raising in tanh past x = 355, with the place it raised
    cell = replace(cell, message="error: OverflowError: math range error [at scalar.py:9 in "
                                 "tanh]")
    [overflow] = evidence("tanh-edge-400", None, cell=cell)
    assert (overflow.bug, overflow.place) == ("tanh-exp", "scalar.py:9")
    assert overflow.detail == ("tanh(400.0) raises OverflowError: math range error: "
                               "exp(800.0) overflows")
    assert evidence("tanh-at-0p5", None, cell=cell) == []
    # out of time on a small graph with astronomically many paths, not on a long chain
    cell = replace(cell, message="timeout: lua54: still running after 0.5 s")
    [walk] = evidence("reuse-doubling-1000", None, cell=cell)
    assert walk.bug == "exponential-walk" and "10^301 times" in walk.detail
    assert evidence("lecture-d-abc", None, cell=cell) == []
    # f = d*e, d = a*b, e = a + b: f, d and e once, a and b by two paths each
    assert visits_once_per_path(FIXTURES["lecture-reuse-ab"].program) == 7


def test_an_exponent_gradient_zero_for_a_negative_base_only():
    ref = reference("rpow-edge-minus-2-to-2")   # (-2) ** x: python_ref's x.grad is nan
    [found] = evidence("rpow-edge-minus-2-to-2", {**ref, "x": (2.0, 0.0)})
    assert (found.bug, found.node) == ("exponent-grad-negative-base", "x")
    assert "the base is -2.0" in found.detail


def test_division_whose_numerator_slope_is_g_times_the_reciprocal():
    ref = reference("div-grad-subnormal-divisor")   # y = x / b, b = 1e-310: 1/b is inf
    port = {**ref, "x": (ref["x"][0], math.inf)}
    [found] = evidence("div-grad-subnormal-divisor", port)
    assert (found.bug, found.node, found.ops) == ("div-reciprocal", "x", ("div",))
    # not the slope through b**2, which the product g * (1/b) also reproduces for b
    assert bugs("div-grad-subnormal-divisor", {**port, "b": (1e-310, -math.inf)}) == [
        ("div-reciprocal", "x")]


def test_a_number_on_the_left_computed_the_other_way_round():
    ref = reference("lecture-number-2-minus-x")   # y = 2 - x at x = 3
    [found] = evidence("lecture-number-2-minus-x", {**ref, "y": (1.0, 1.0)})
    assert (found.bug, found.node, found.ops) == ("operands-swapped", "y", ("sub",))
    assert bugs("lecture-number-2-minus-x", {**ref, "y": (5.0, 1.0)}) == []   # another fault


def test_the_integer_advice_makes_floats_and_keeps_the_sign_of_zero():
    # it said x + 0.0, and -0.0 + 0.0 is 0.0: a student who followed it met new
    # failures on the zero-sign fixtures; x * 1.0 makes a float and keeps -0.0
    lua = pytest.importorskip("lupa.lua54").LuaRuntime()
    [bug] = integer_wrap.BUGS
    assert "x * 1.0" in bug.advice("lua")
    made = lua.eval("{math.type(3 * 1.0), 1 / (-0.0 * 1.0), 1 / (-0.0 + 0.0)}")
    assert (made[1], made[2], made[3]) == ("float", -math.inf, math.inf)


def test_an_ordinary_point_is_shown_before_an_edge():
    # relu's `out.data >= 0` was shown at relu-edge-minus-5em324 (a subnormal)
    found = [Evidence("derivative", "lua54", where, "x", "", size=2)
             for where in ("relu-edge-minus-5em324", "relu-at-minus-2", "fd-relu",
                           "lecture-neuron-relu")]
    assert [e.where for e in sorted(found, key=preference)] == [
        "lecture-neuron-relu", "relu-at-minus-2", "relu-edge-minus-5em324", "fd-relu"]


def test_the_languages_pow_rule_is_named_and_a_pow_off_elsewhere_is_not():
    # JavaScript's 1 ** NaN is NaN, C99's 1: the rule of the language, named
    nan_pow = reference("pow-value-edge-1-to-nan")
    nan_pow["y"] = (math.nan, nan_pow["y"][1])
    [found] = [e for e in evidence("pow-value-edge-1-to-nan", nan_pow) if not e.against]
    assert (found.bug, found.node, found.against) == ("pow-nan-rule", "y", False)
    assert found.detail == "1.0 ** nan is nan, python_ref 1.0"
    # a pow off at an ordinary point: the op itself, evidence against the rule
    off = reference("pow-value-minus-2-to-2")
    off["y"] = (off["y"][0] * (1 + 1e-9), off["y"][1])
    assert [(e.bug, e.against) for e in evidence("pow-value-minus-2-to-2", off)
            if e.bug == "pow-nan-rule"] == [("pow-nan-rule", True)]


def test_the_example_shown_does_not_depend_on_the_order_evidence_arrives():
    # two tanh-edge fixtures of one size: the workers' finishing order chose
    # which one a C++ student saw, and it changed between runs
    found = [Evidence("tanh-exp", "p", where, "y", "", size=2)
             for where in ("tanh-edge-1em300", "tanh-edge-1em10")]
    assert sorted(found, key=preference) == sorted(reversed(found), key=preference)
    assert sorted(found, key=preference)[0].where == "tanh-edge-1em10"


def test_a_second_backward_adding_nothing_joins_assigned_gradients_where_shown():
    # a Python port whose mul assigned was also told its backward zeroed the graph
    from micrograd_lab.harness.diagnoses import _joined
    zeroes = Evidence("zeroes-graph", "p", "probe backward-twice", "a", "6.0 as after one")
    assigned = Evidence("assigned", "p", "lecture-reuse-ab", "b", "assigning in mul")
    assert {e.bug for e in _joined([zeroes, assigned])} == {"assigned"}
    assert {e.bug for e in _joined([zeroes])} == {"zeroes-graph"}


def test_a_value_equal_to_python_refs_is_no_wrapped_integer():
    # -2^63 is its own 64-bit wrap: a port that seeded backward with 0 (every
    # gradient 0, its data right) read "data is -2^63 where python_ref has -2^63"
    name = "integers-negate-min"
    seeded_zero = {node: (data, 0.0) for node, (data, _) in reference(name).items()}
    assert [e for e in evidence(name, seeded_zero) if e.bug == "integer-wrap"] == []


def test_an_output_never_seeded_with_1_names_no_seed_alone():
    # backward without `self.grad = 1.0`: every step multiplies by 0, so every
    # gradient is 0 (-0.0 below a negative derivative), the forward exact.
    # No walk nor derivative starts from 0: no-seed is named, and only it
    for name in ("lecture-d-abc", "lecture-reuse-ab", "micrograd-sanity-check",
                 "lecture-neuron-tanh"):
        ref = reference(name)
        unseeded = {n: (data, -0.0 if grad < 0 else 0.0) for n, (data, grad) in ref.items()}
        output = FIXTURES[name].program.output
        [found] = evidence(name, unseeded)
        assert (found.bug, found.node) == ("no-seed", output), name
        assert found.detail.startswith("the output's gradient is 0.0 after backward, "
                                       "python_ref 1.0, and so is every gradient")


def test_zero_gradients_that_are_not_all_zero_or_a_wrong_forward_name_no_seed():
    ref = reference("lecture-d-abc")
    unseeded = {n: (data, 0.0) for n, (data, _) in ref.items()}
    # a gradient the port did give: something ran backward from somewhere
    assert "no-seed" not in {e.bug for e in evidence("lecture-d-abc",
                                                     {**unseeded, "a": (2.0, 1.0)})}
    # the output seeded after the walk (its gradient 1, the rest 0): not this bug
    output = FIXTURES["lecture-d-abc"].program.output
    seeded_late = {**unseeded, output: (ref[output][0], 1.0)}
    assert "no-seed" not in {e.bug for e in evidence("lecture-d-abc", seeded_late)}
    # a forward that is off explains the cell first
    assert "no-seed" not in {e.bug for e in evidence(
        "lecture-d-abc", {**unseeded, output: (ref[output][0] + 1.0, 0.0)})}


def test_steps_that_never_ran_need_more_ops_than_can_lack_a_backward():
    # seeded, no step run: every gradient but the output's 0
    def no_steps(name):
        ref, output = reference(name), FIXTURES[name].program.output
        return {n: (data, 1.0 if n == output else 0.0) for n, (data, _) in ref.items()}
    # f-at-3 has pow, mul, sub and add: no three of them without a backward give it
    [found] = evidence("lecture-f-at-3", no_steps("lecture-f-at-3"))
    assert (found.bug, found.node) == ("steps-never-run", "y")
    # sanity-check's add, mul and relu might each lack a backward: not said
    assert "steps-never-run" not in {e.bug for e in evidence("micrograd-sanity-check",
                                                             no_steps("micrograd-sanity-check"))}


def test_a_java_stack_overflow_is_a_recursion_limit():
    # "stack overflow" missed java.lang.StackOverflowError
    from micrograd_lab.harness.diagnoses.recursion import RECURSION
    assert RECURSION.search("error: java.lang.StackOverflowError [at Value.java:40]")
    assert not RECURSION.search("error: java.lang.ArithmeticException: / by zero")


def test_the_walk_by_value_decides_nothing_where_a_value_is_nan():
    # a Lua table refuses nan as a key, and sets of other languages differ
    name = next(n for n, f in FIXTURES.items() if len(f.program.node_ids()) < 50
                and any(v != v for v, _ in reference(n).values()))
    assert simulate(FIXTURES[name].program, reference(name), Backward(BY_VALUE)) is None
    assert simulate(FIXTURES["lecture-reuse-ab"].program, reference("lecture-reuse-ab"),
                    Backward(BY_VALUE)) is not None


def test_a_number_exponent_cut_to_an_integer():
    ref = reference("pow-10-to-1p5")
    [found] = [e for e in evidence("pow-10-to-1p5", {**ref, "y": (10.0, ref["y"][1])})
               if not e.against]
    assert (found.bug, found.node) == ("exponent-truncated", "y")
    assert found.detail == f"10.0 ** 1.5 is 10.0, python_ref {ref['y'][0]!r}: 10.0 ** 1"
    # cut down (math.floor) as well as towards zero
    ref = reference("pow-0p25-to-minus-0p5")
    [found] = [e for e in evidence("pow-0p25-to-minus-0p5", {**ref, "y": (4.0, ref["y"][1])})
               if not e.against]
    assert found.detail.endswith("0.25 ** -1")
    # a saturating cast: Java's (int) 1e300 is 2147483647, and (-1) ** it is -1
    program = parse_program("y = x ** 1e300", {"x": -1.0}, "y")
    ref = get_engine("python_ref").evaluate(program)
    fixture = replace(FIXTURES["pow-10-to-1p5"], name="huge-exponent", program=program)
    port = {**ref, "y": (-1.0, ref["y"][1])}
    [found] = [e for e in examine(fixture, program, ref, port, compare(ref, port, program), "java")
               if not e.against]
    assert found.detail == "-1.0 ** 1e+300 is -1.0, python_ref 1.0: -1.0 ** 2147483647"
    # past the range, x86's conversion (Go's int(1e300)) gives the lowest integer
    program = parse_program("y = x ** 1e300", {"x": 2.0}, "y")
    ref = get_engine("python_ref").evaluate(program)
    port = {**ref, "y": (0.0, ref["y"][1])}
    [found] = [e for e in examine(replace(fixture, program=program), program, ref, port,
                                  compare(ref, port, program), "go") if not e.against]
    # (the 32-bit lowest, -2147483648, gives 0 as well, and is the one named)
    assert found.detail == "2.0 ** 1e+300 is 0.0, python_ref inf: 2.0 ** -2147483648"
    # another wrong value says nothing of the exponent
    ref = reference("pow-10-to-1p5")
    assert ("exponent-truncated", "y") not in bugs("pow-10-to-1p5", {**ref, "y": (31.0, 1.0)})


def _by_value_port(program, ref):
    """What a port whose visited set is keyed by value gives: python_ref's
    values, the walk by value's gradients."""
    grads, _ = simulate(program, ref, Backward(BY_VALUE))
    return {node: (ref[node][0], grads[node]) for node in program.node_ids()}


def test_a_visited_set_keyed_by_value_is_named_where_it_merges_a_value():
    ref = reference("lecture-reuse-ab")   # f = d = -6: d is never walked
    port = _by_value_port(FIXTURES["lecture-reuse-ab"].program, ref)
    assert ("visited-by-value", "b") in bugs("lecture-reuse-ab", port)


def test_zeros_that_meet_by_chance_name_no_visited_set():
    # n1 = x1 + x1 is 0 and so is n2 = n1 * 1e300: a port without add's
    # backward gives what the walk by value gives, and is no such port
    name = "found-9116f5c9c74e"
    port = _by_value_port(FIXTURES[name].program, reference(name))
    assert port != reference(name)
    assert "visited-by-value" not in {bug for bug, _ in bugs(name, port)}
    # it still fits, unnamed: another walk that fits the fixture is unsure, and
    # the derivative fallback (which speaks where no walk fits) stays silent
    from micrograd_lab.harness.diagnoses import structural

    program, ref = FIXTURES[name].program, reference(name)
    assert (structural.UNNAMED,) in [b for b, _ in structural.explanations(program, ref, port)]
    assert bugs(name, port) == []


def test_pows_number_exponent_is_no_node_of_the_walk_by_value():
    # micrograd's x ** 2 keeps 2 as a number: a * b = 2 is not taken as visited
    program = parse_program("p = x ** 2.0\nq = a * b\nt = p + q\ns = c * d\nr = t + s",
                            {"x": 3.0, "a": 1.0, "b": 2.0, "c": 1.0, "d": 3.0}, "r")
    ref = get_engine("python_ref").evaluate(program)
    port = _by_value_port(program, ref)
    assert (port["a"][1], port["b"][1]) == (2.0, 1.0)
    assert port["c"][1] == 0.0   # s = 3 = x: the walk by value leaves s out


def test_an_op_is_judged_only_on_the_arguments_python_ref_holds():
    from micrograd_lab.harness.diagnoses.common import holds_its_arguments

    step = FIXTURES["div-1-3"].program.step_by_id()["y"]   # y = a / b
    ref = reference("div-1-3")
    assert holds_its_arguments(step, ref, ref)
    for a in (math.nextafter(ref["a"][0], math.inf), -ref["a"][0], math.nan, None):
        assert not holds_its_arguments(step, ref, {**ref, "a": (a, 0.0)}), a
    zero = {**ref, "a": (0.0, 0.0)}
    assert not holds_its_arguments(step, zero, {**zero, "a": (-0.0, 0.0)})   # the sign counts
    nan = {**ref, "a": (math.nan, 0.0)}
    assert holds_its_arguments(step, nan, {**nan, "a": (-math.nan, 0.0)})    # nan is nan


def test_a_node_only_below_a_merged_zero_is_not_a_merged_value():
    # c = 0 makes m = c * q zero, and the walk by value leaves m out; q = 7
    # below it is then never walked, but was never taken for another node:
    # a port without mul's backward was named visited-by-value at c
    program = parse_program("s = a + b\nu = s + w\nq = d + e\nm = c * q\nh = m + g\nr = u + h",
                            {"a": 2.0, "b": -2.0, "w": 5.0, "c": 0.0, "d": 3.0, "e": 4.0,
                             "g": 3.0}, "r")
    ref = get_engine("python_ref").evaluate(program)
    grads, _ = simulate(program, ref, Backward(partials={"mul": lambda args, out, own: [0.0, 0.0]}))
    port = {node: (ref[node][0], grads[node]) for node in program.node_ids()}
    fixture = replace(FIXTURES["lecture-d-abc"], name="cascade", program=program)
    found = examine(fixture, program, ref, port, compare(ref, port, program), "lua54")
    assert port != ref and "visited-by-value" not in {e.bug for e in found if not e.against}


def test_the_lecture_graph_composes_sub_neg_and_div_as_micrograd_does():
    from micrograd_lab.harness.diagnoses.lecture_graph import lecture_graph
    from micrograd_lab.harness.parse import parse_program
    program = parse_program("a = 2 - x\nb = x - 2\nc = -b\nd = c / x\ne = 2 / d\nf = e / 4",
                            {"x": 3.0}, "f")
    composed = [(s.out, s.op, tuple(a.value for a in s.args)) for s in lecture_graph(program).steps]
    assert composed == [
        ("a~l1", "mul", ("x", -1.0)), ("a", "add", ("a~l1", 2.0)),   # __rsub__: (-x) + 2
        ("b", "add", ("x", -2.0)),                                    # x + -2.0: a number
        ("c", "mul", ("b", -1.0)),
        ("d~l1", "pow", ("x", -1.0)), ("d", "mul", ("c", "d~l1")),
        ("e~l1", "pow", ("d", -1.0)), ("e", "mul", ("e~l1", 2.0)),   # __rtruediv__
        ("f", "mul", ("e", 0.25))]
    plain = parse_program("y = x * x", {"x": 3.0}, "y")
    assert lecture_graph(plain) is plain


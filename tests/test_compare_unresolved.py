"""UNRESOLVED: a value whose allowed error is half its magnitude or more is
neither CLOSE nor FAIL, and finite differences estimate their own error from
the points they evaluate.  Every false CLOSE and false FAIL the corpus and
outside fixtures showed is a case here."""
import math
import struct
import sys

import pytest
from hypothesis import given, strategies as st

from micrograd_lab.harness.engines.registry import get_engine
from micrograd_lab.harness.engines.fd import output_noise
from micrograd_lab.harness.judge.compare import rel_error, ulp_distance, ulp_reach
from micrograd_lab.harness.fixture import load_corpus
from micrograd_lab.harness.fuzz import profiles
from micrograd_lab.harness.fuzz.oracle import Oracle
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.program import Arg, Program, Step
from micrograd_lab.harness.judge.verdict import (CLOSE, CONVENTION, ERROR, EXACT, FAIL, NA, NOT_RUN, PASSED,
    PASSING, SKIPPED, STATUS, STATUSES, UNRESOLVED, UNSUPPORTED, FAILED, compare)
from micrograd_lab.harness.run import evaluate_and_judge

ONE = Program((("x", 1.0),), (Step("y", "neg", (Arg.node("x"),), 1, "y = -x"),), "y")


def _data(x):
    """An evaluation of ONE whose input x has data x (everything else fixed)."""
    return {"x": (x, -1.0), "y": (-1.0, 1.0)}


def test_ulp_reach_is_the_farther_of_the_two_directions():
    assert ulp_reach(1.0, 1) == 2.0**-52              # up: 1 + 2^-52; down: 1 - 2^-53
    assert ulp_reach(1.0, 2**51) == 0.5               # up to 1.5 exactly
    assert ulp_reach(0.0, 3) == 3 * 5e-324
    assert ulp_reach(1.7976931348623157e308, 1) == math.inf   # past the largest float
    assert ulp_reach(1.0, 0) == 0.0 and ulp_reach(math.inf, 5) == 0.0


def test_every_status_is_counted_passed_failed_or_skipped():
    assert set(STATUSES) == {EXACT, CLOSE, FAIL, ERROR, NA, UNRESOLVED, UNSUPPORTED, CONVENTION,
                             NOT_RUN}
    # NOT RUN (the budget, fail-fast, Ctrl-C stopped the run first) fails a run
    assert {s for s in STATUSES if STATUS[s].counted == FAILED} == {FAIL, ERROR, NOT_RUN}
    assert {s for s in STATUSES if STATUS[s].counted == SKIPPED} == {NA, UNRESOLVED, UNSUPPORTED}
    assert {s for s in STATUSES if STATUS[s].counted == PASSED} == {EXACT, CLOSE, CONVENTION}
    assert set(PASSING) == set(STATUSES) - {FAIL, ERROR, NOT_RUN}
    assert len({STATUS[s].severity for s in STATUSES}) == len(STATUSES)


def test_the_boundary_is_half_the_value():
    # 1.25 is 2**50 ulps above 1.0; a budget of 2**51 - 1 ulps reaches 0.4999... of
    # the value (checked: CLOSE), 2**51 ulps reach 0.5 (nothing checked: UNRESOLVED)
    checked = compare(_data(1.0), _data(1.25), ONE, {"x": (2**51 - 1, 0)})
    assert checked.status == CLOSE and checked.passed
    unchecked = compare(_data(1.0), _data(1.25), ONE, {"x": (2**51, 0)})
    assert unchecked.status == UNRESOLVED and unchecked.counted == SKIPPED
    assert unchecked.unresolved.node == "x" and unchecked.unresolved.bound == 0.5
    assert unchecked.summary() == "UNRESOLVED x.data"
    assert "no digit is checked" in unchecked.detail() and "0.5" in unchecked.detail()
    assert unchecked.to_json()["unresolved"]["bound"] == 0.5


def test_a_resolved_value_over_its_budget_fails():
    # 1.75 is 3 * 2**50 ulps away: over 2**51 - 1, which checks the leading digit
    assert compare(_data(1.0), _data(1.75), ONE, {"x": (2**51 - 1, 0)}).status == FAIL
    # the same distance within a budget as large as the value: neither CLOSE nor FAIL
    assert compare(_data(1.0), _data(1.75), ONE, {"x": (2**52, 0)}).status == UNRESOLVED
    # beyond an ulp budget however large: a correct engine is never that far off
    assert compare(_data(1.0), _data(1.75), ONE, {"x": (2**51, 0)}).status == FAIL
    assert compare(_data(0.0), _data(-30000.0), ONE, {"x": (10**6, 0)}).status == FAIL


def test_a_reference_zero_is_unresolved_under_any_budget_but_exact_under_none():
    zero = {"x": (0.0, 1.0)}
    program = Program((("x", 0.0),), (), "x")
    assert compare(zero, {"x": (1e-300, 1.0)}, program, 10**19).status == UNRESOLVED
    assert compare(zero, {"x": (1e-300, 1.0)}, program, 0).status == FAIL


def test_values_of_another_kind_fail_whatever_the_budget():
    program = Program((("x", 0.0),), (), "x")
    for other in (math.nan, math.inf):
        cell = compare({"x": (0.0, 1.0)}, {"x": (other, 1.0)}, program, 2**64)
        assert cell.status == FAIL and cell.first_fail.ulps == math.inf


def test_a_failure_elsewhere_in_the_cell_wins_over_an_unresolved_value():
    program = Program((("a", 0.0), ("b", 2.0)), (), "b")
    ref = {"a": (0.0, 1.0), "b": (2.0, 1.0)}
    cand = {"a": (1e-9, 1.0), "b": (2.5, 1.0)}
    cell = compare(ref, cand, program, {"a": (2**63, 0)})   # a: within, unresolved
    assert cell.status == FAIL and cell.first_fail.node == "b"


def test_finite_differences_mode_resolves_against_the_allowance():
    # rel_tol * max(1, |g|) + noise must stay under half |g|
    assert compare(_data(1e-8), _data(2e-8), ONE, rel_tol=1e-6).status == UNRESOLVED
    assert compare(_data(3.0), _data(3.0000001), ONE, rel_tol=1e-6).status == CLOSE
    assert compare(_data(3.0), _data(3.1), ONE, rel_tol=1e-6).status == FAIL
    assert compare(_data(3.0), _data(3.1), ONE, rel_tol=1e-6,
                   noise={"x": 1.5}).status == UNRESOLVED


finite = st.floats(allow_nan=False, allow_infinity=False)
LARGEST = 0x7FEFFFFFFFFFFFFF   # the largest finite float's bits


def _moved(x, ulps):
    """x moved by ulps float64 steps (clamped to the finite floats)."""
    (bits,) = struct.unpack("<q", struct.pack("<d", x))
    position = bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)
    position = max(-LARGEST, min(LARGEST, position + ulps))
    (y,) = struct.unpack("<d", struct.pack("<q", abs(position)))
    return -y if position < 0 else y


@profiles.quick(400)
@given(finite, st.integers(-2**62, 2**62), st.integers(0, 2**63))
def test_close_never_lets_a_value_be_more_than_half_off(ref, move, ulps):
    cand = _moved(ref, move)
    cell = compare(_data(ref), _data(cand), ONE, {"x": (ulps, 0)})
    if cell.status == CLOSE:
        assert rel_error(ref, cand) < 0.5
    assert (cell.status == EXACT) == (ulp_distance(ref, cand) == 0)
    if cell.status == FAIL:
        assert ulp_distance(ref, cand) > ulps


@profiles.quick(300)
@given(finite, finite, st.floats(0.0, 1e300))
def test_close_never_lets_an_fd_gradient_be_more_than_half_off(ref, cand, noise):
    cell = compare(_data(ref), _data(cand), ONE, rel_tol=1e-6, noise={"x": noise})
    if cell.status == CLOSE:
        assert rel_error(ref, cand) < 0.5


# --- the cases: each was a false CLOSE or a false FAIL ---------------------

FD_CASES = ("exp-edge-minus-745", "lecture-l-nudge-a", "slope-d-nudge-a", "slope-d-nudge-b",
            "slope-d-nudge-c", "fd-swamped-huge-square", "fd-cancelling-paths-1e16",
            "found-db17ec441a6b", "found-9116f5c9c74e")
SATURATING = ("found-61b389b3a578", "found-17246ff861ba")


@pytest.fixture(scope="module")
def fixtures():
    found, errors = load_corpus(names=FD_CASES + SATURATING
                                + ("found-b76635089437", "lecture-l-minus-8"))
    assert not errors
    return {f.name: f for f in found}


@pytest.mark.parametrize("name", FD_CASES)
def test_finite_differences_that_check_no_digit_are_unresolved(fixtures, name):
    program = fixtures[name].program
    cell = evaluate_and_judge(get_engine("fd"), program, interpret(program))
    assert cell.status == UNRESOLVED, cell.detail()
    found = cell.unresolved
    assert found.field == "grad" and found.bound >= 0.5 * abs(found.reference)
    assert "fd's error estimate at step" in cell.message


def test_the_false_fail_is_gone_because_rounding_is_estimated_where_fd_evaluates(fixtures):
    # n1 = x1 + x1; n2 = dot(n1, [n1, x2], [1e+300, x2]); n3 = n2 * n1 at x1 = 0:
    # small at the point, about 1e290 one step away on either side
    program = fixtures["found-db17ec441a6b"].program
    center = interpret(program)
    fd = get_engine("fd")
    found = fd.evaluate(program)
    assert found["x1"][1] == 0.0 and center["x1"][1] == 2.0   # the quotient lost the slope
    assert output_noise(program, center) < 1e-10          # the center sees nothing wrong
    assert found.noise["x1"] > 1e270                       # the points evaluated do
    assert Oracle(["fd"]).check(program) == []             # no longer a fuzzer finding


def test_a_slope_that_halving_the_step_moves_by_half_has_no_bound(fixtures):
    # sigmoid(2e300 * x1) at 0: the steps see a jump, D(h/2) = 2 D(h)
    program = fixtures["found-9116f5c9c74e"].program
    cell = evaluate_and_judge(get_engine("fd"), program, interpret(program))
    assert cell.unresolved.bound == math.inf and "h**2" in cell.message


@pytest.mark.parametrize("name", SATURATING)
def test_a_step_past_the_scale_halves_until_the_slope_is_checked(fixtures, name):
    # tanh(n1 + n1**2), n1 = 1527892 x1 (3055783 x1), at 0: tanh is 1 at
    # x1 +- h and x1 +- h/2, so D(h) and D(h/2) agree on about 0; their second
    # differences do not shrink by 4, so the step halves until they do, and
    # fd's slope there is checked (no longer UNRESOLVED, and right)
    program = fixtures[name].program
    slope = interpret(program)["x1"][1]
    found = get_engine("fd").evaluate(program)
    h = sys.float_info.epsilon ** (1 / 3)
    assert found.noise["x1"] < abs(slope) / 2                    # a digit is checked
    assert abs(found["x1"][1] - slope) <= found.noise["x1"]      # and it is right
    assert float(found.reasons["x1"].split()[2].rstrip(":")) < h / 4   # at a smaller step
    assert Oracle(["fd"]).check(program) == []             # no longer a fuzzer finding


def test_a_saturated_even_part_alone_keeps_the_bound():
    # x + tanh((1e6 x)**2) at 0: the even part is 1 at the first steps (its
    # second differences do not shrink by 4 per halving) and the odd part is
    # x: the step halves until the even part is smooth, and fd's slope 1 is
    # checked there
    steps = (Step("u", "mul", (Arg.node("x"), Arg.num(1e6)), 1, "u = x * 1e6"),
             Step("v", "mul", (Arg.node("u"), Arg.node("u")), 2, "v = u * u"),
             Step("t", "tanh", (Arg.node("v"),), 3, "t = v.tanh()"),
             Step("y", "add", (Arg.node("x"), Arg.node("t")), 4, "y = x + t"))
    program = Program((("x", 0.0),), steps, "y")
    found = get_engine("fd").evaluate(program)
    assert found["x"][1] == pytest.approx(1.0, rel=1e-6)
    assert found.noise["x"] < 1e-3
    assert float(found.reasons["x"].split()[2].rstrip(":")) < sys.float_info.epsilon ** (1 / 3)


def test_torch_cancellation_to_zero_is_unresolved_not_close(fixtures):
    # python_ref's gradient is 0.0, torch's -1.487e284: the budget of the
    # cancellation (its terms are 1e300-scale) is larger than anything left
    program = fixtures["found-b76635089437"].program
    cell = evaluate_and_judge(get_engine("torch"), program, interpret(program))
    assert cell.status == UNRESOLVED and cell.unresolved.node == "x1"
    assert cell.unresolved.reference == 0.0 and abs(cell.unresolved.candidate) > 1e280
    assert "error bound propagated" in cell.message


def test_finite_differences_still_check_and_fail_an_ordinary_slope(fixtures):
    program = fixtures["lecture-l-minus-8"].program
    reference = interpret(program)
    assert evaluate_and_judge(get_engine("fd"), program, reference).status == CLOSE
    wrong = dict(reference)
    data, grad = wrong["a"]
    wrong["a"] = (data, grad * 1.01)      # a 1% error in the reference's gradient
    cell = evaluate_and_judge(get_engine("fd"), program, wrong)
    assert cell.status == FAIL and cell.first_fail.node == "a"


@pytest.mark.parametrize("a", [228209.60686469928, 3765088.94])
def test_a_pair_of_steps_at_the_regimes_edge_counts_only_once_confirmed(a):
    # tanh(a x - 1) at 0: at the pair of steps where the slopes first agree
    # within a quarter, |D(h/2) - D(h)| understates the error (7% off, 6%
    # allowed); the next pair's gap must shrink by about 4 before it counts
    steps = (Step("u", "mul", (Arg.node("x"), Arg.num(a)), 1, f"u = x * {a!r}"),
             Step("v", "sub", (Arg.node("u"), Arg.num(1.0)), 2, "v = u - 1.0"),
             Step("y", "tanh", (Arg.node("v"),), 3, "y = v.tanh()"))
    program = Program((("x", 0.0),), steps, "y")
    slope = interpret(program)["x"][1]
    found = get_engine("fd").evaluate(program)
    assert abs(found["x"][1] - slope) <= found.noise["x"]
    assert Oracle(["fd"]).check(program) == []

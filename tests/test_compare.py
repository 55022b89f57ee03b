"""The comparator: ulp distances at the edges of float64 and cell verdicts."""
import contextlib
import math
from dataclasses import replace

import pytest
from hypothesis import given, strategies as st

from micrograd_lab.harness.judge.compare import (Mismatch, abs_error, expected_evaluation, rel_error,
                                                  ulp_distance)
from micrograd_lab.harness.fuzz import profiles
from micrograd_lab.harness.judge.verdict import CLOSE, EXACT, FAIL, NA, ERROR, Cell, compare
from micrograd_lab.harness.program import Arg, Program, Step

TINY = 5e-324  # the smallest subnormal


@pytest.mark.parametrize("a, b, ulps", [
    (1.0, 1.0, 0),
    (1.0, math.nextafter(1.0, 2.0), 1),
    (1.0, math.nextafter(1.0, 0.0), 1),
    (1.0, 1.0 + 4 * 2.0**-52, 4),
    (-1.0, math.nextafter(-1.0, -2.0), 1),
    (0.0, TINY, 1),
    (-TINY, TINY, 2),                      # across zero: -tiny, 0, +tiny
    (0.0, -0.0, 0),                        # signed zeros are equal (documented)
    (2.2250738585072014e-308, math.nextafter(2.2250738585072014e-308, 0.0), 1),  # normal/subnormal
    (1.7976931348623157e308, math.nextafter(1.7976931348623157e308, 0.0), 1),
    (math.inf, math.inf, 0),
    (-math.inf, -math.inf, 0),
    (math.inf, -math.inf, math.inf),
    (math.inf, 1.7976931348623157e308, math.inf),
    (math.nan, math.nan, 0),
    (math.nan, -math.nan, 0),
    (math.nan, 1.0, math.inf),
    (math.inf, math.nan, math.inf),
])
def test_ulp_distance(a, b, ulps):
    assert ulp_distance(a, b) == ulps
    assert ulp_distance(b, a) == ulps


def test_ulp_distance_counts_every_float_between():
    x = 0.1
    for _ in range(37):
        x = math.nextafter(x, 1.0)
    assert ulp_distance(0.1, x) == 37
    assert ulp_distance(-0.1, -x) == 37


def test_abs_and_rel_error():
    assert abs_error(2.0, 2.5) == 0.5
    assert rel_error(2.0, 2.5) == 0.25
    assert rel_error(0.0, 1e-300) == math.inf
    assert abs_error(math.nan, math.nan) == 0.0
    assert rel_error(math.inf, math.inf) == 0.0


def _program():
    # c = a * b ; d = c.tanh()
    return Program(inputs=(("a", 0.5), ("b", 2.0)),
                   steps=(Step("c", "mul", (Arg.node("a"), Arg.node("b")), 1, "c = a * b"),
                          Step("d", "tanh", (Arg.node("c"),), 2, "d = c.tanh()")),
                   output="d")


REF = {"a": (0.5, 0.8399486832280524), "b": (2.0, 0.2099871708070131),
       "c": (1.0, 0.41997434161402614), "d": (0.7615941559557649, 1.0)}


def _nudged(node, field, steps):
    out = dict(REF)
    data, grad = out[node]
    pair = [data, grad]
    for _ in range(abs(steps)):
        pair[field] = math.nextafter(pair[field], math.inf if steps > 0 else -math.inf)
    out[node] = tuple(pair)
    return out


def test_identical_is_exact():
    cell = compare(REF, dict(REF), _program())
    assert cell.status == EXACT and cell.passed and cell.compared == 8


def test_one_ulp_without_budget_fails_naming_node_field_and_line():
    cell = compare(REF, _nudged("c", 1, 1), _program())
    assert cell.status == FAIL and not cell.passed
    fail = cell.first_fail
    assert (fail.node, fail.op, fail.field, fail.ulps, fail.line) == ("c", "mul", "grad", 1, 1)
    assert fail.text == "c = a * b"
    assert repr(REF["c"][1]) in cell.detail() and "1 ulp" in cell.detail()


def test_within_budget_is_close_with_max_ulps():
    cand = _nudged("d", 0, 2)
    cell = compare(REF, cand, _program(), budget={"d": (2, 0)})
    assert cell.status == CLOSE and cell.max_ulps == 2 and cell.worst.node == "d"
    assert compare(REF, cand, _program(), budget={"d": (1, 0)}).status == FAIL
    assert compare(REF, cand, _program(), budget={"d": (0, 2)}).status == FAIL
    assert compare(REF, cand, _program(), budget=2).status == CLOSE


def test_first_failing_value_is_where_a_wrong_value_first_appears():
    # a wrong value forward comes before any gradient (the gradients follow from it)
    cand = _nudged("d", 0, 5)
    cand["a"] = (0.5, math.nextafter(REF["a"][1], 0.0))
    cell = compare(REF, cand, _program())
    assert cell.first_fail.node == "d" and cell.first_fail.field == "data"
    assert cell.max_ulps == 5 and cell.worst.node == "d"
    # among gradients only, the step nearest the output comes first, inputs last
    cand = {**REF, "a": (REF["a"][0], math.nextafter(REF["a"][1], 0.0)),
            "d": (REF["d"][0], math.nextafter(REF["d"][1], 0.0))}
    cell = compare(REF, cand, _program())
    assert cell.first_fail.node == "d" and cell.first_fail.field == "grad"
    cand = {**REF, "a": (REF["a"][0], math.nextafter(REF["a"][1], 0.0))}
    assert compare(REF, cand, _program()).first_fail.node == "a"


def test_none_values_are_not_compared():
    cand = {name: (None, grad) for name, (_, grad) in REF.items()}
    cell = compare(REF, cand, _program())
    assert cell.status == EXACT and cell.compared == 4


def test_nan_matches_nan_and_infinity_signs_must_agree():
    prog = Program(inputs=(("x", 0.0),), steps=(), output="x")
    assert compare({"x": (math.nan, 1.0)}, {"x": (math.nan, 1.0)}, prog).status == EXACT
    cell = compare({"x": (math.inf, 1.0)}, {"x": (-math.inf, 1.0)}, prog, budget=10**9)
    assert cell.status == FAIL and cell.first_fail.ulps == math.inf


def test_relative_mode_for_finite_differences():
    cand = {"a": (None, REF["a"][1] * (1 + 1e-9)), "b": (None, REF["b"][1] * (1 + 1e-3))}
    cell = compare(REF, cand, _program(), rel_tol=1e-6)
    assert cell.status == FAIL and cell.first_fail.node == "b"
    cand["b"] = (None, REF["b"][1])
    assert compare(REF, cand, _program(), rel_tol=1e-6).status == CLOSE
    noisy = {"b": (None, REF["b"][1] + 1e-3)}
    assert compare(REF, noisy, _program(), rel_tol=1e-6, noise={"b": 2e-3}).status == CLOSE


def test_error_and_na_cells():
    cell = Cell.error(ValueError("bad thing\n  on two lines"))
    assert cell.status == ERROR and cell.message == "ValueError: bad thing on two lines"
    assert not cell.passed
    na = Cell.not_applicable("relu kink")
    assert na.status == NA and na.passed and na.detail() == "relu kink"


def test_json_has_no_bare_infinities():
    cell = compare({"x": (1.0, 1.0)}, {"x": (math.inf, 1.0)}, Program((("x", 1.0),), (), "x"))
    data = cell.to_json()
    assert data["max_ulps"] == "inf" and data["first_fail"]["candidate"] == "inf"


def test_expected_evaluation():
    assert expected_evaluation({"d": {"data": 4.0}, "a": {"grad": -3.0, "data": None}}) == {
        "d": (4.0, None), "a": (None, -3.0)}


def test_relative_mode_reports_the_relative_error():
    cand = {"a": (None, REF["a"][1] * (1 + 1e-9))}
    cell = compare(REF, cand, _program(), rel_tol=1e-6)
    assert cell.status == CLOSE and 0 < cell.max_rel <= 1e-9 and cell.summary().startswith("CLOSE rel")
    assert cell.to_json()["max_rel_err"] == cell.max_rel


def _two_nodes():
    return Program(inputs=(("x", 1.0),), steps=(Step("y", "neg", (Arg.node("x"),)),), output="y")


def test_kept_pairs_tells_evaluations_apart_and_ends_with_its_block():
    from micrograd_lab.harness.judge import compare as compare_module
    program = _two_nodes()
    reference = {"x": (1.0, -1.0), "y": (-1.0, 1.0)}
    same = dict(reference)
    off = {"x": (1.0, -1.0), "y": (math.nextafter(-1.0, 0.0), 1.0)}
    with compare_module.kept_pairs():
        assert compare(reference, same, program).status == EXACT
        assert compare(reference, off, program).status == FAIL      # not the kept `same`
        assert compare(reference, same, program).status == EXACT
        missing = {"x": (1.0, None), "y": (-1.0, 1.0)}
        assert compare(missing, missing, program).compared == 3      # a None is not compared
    assert compare_module._kept is None
    # the reference every column is compared with stays kept however many columns pass
    with compare_module.kept_pairs():
        for i in range(compare_module._PAIRS_KEPT + 3):
            compare(reference, {"x": (1.0, -1.0), "y": (-1.0, float(i))}, program)
            assert any(kept is reference for kept, *_ in compare_module._kept)
    # outside a block nothing is kept: an evaluation changed in place is read again
    reference["y"] = off["y"]
    assert compare(reference, same, program).status == FAIL


def _differences_by_hand(reference, candidate, program):
    """differences() as the per-node loop it replaced: the fast paths must agree with it."""
    compared, found = 0, []
    for node in program.node_ids():
        if reference.get(node) is None or candidate.get(node) is None:
            continue
        for index in (0, 1):
            ref, cand = reference[node][index], candidate[node][index]
            if ref is None or cand is None:
                continue
            compared += 1
            if ulp_distance(ref, cand):
                found.append((node, index, ulp_distance(ref, cand)))
    return compared, found


_VALUES = st.one_of(st.none(), st.sampled_from([0.0, -0.0, 1.0, math.nan, math.inf, 5e-324]),
                    st.floats(allow_nan=True, allow_infinity=True))
_PAIRS = st.one_of(st.none(), st.tuples(_VALUES, _VALUES))


@profiles.quick(300)
@given(st.lists(_PAIRS, min_size=2, max_size=2), st.lists(_PAIRS, min_size=2, max_size=2),
       st.booleans())
def test_differences_agree_with_the_per_node_loop(ref_pairs, cand_pairs, kept):
    from micrograd_lab.harness.judge import compare as compare_module
    program = _two_nodes()
    reference = {n: p for n, p in zip(("x", "y"), ref_pairs) if p is not None}
    candidate = {n: p for n, p in zip(("x", "y"), cand_pairs) if p is not None}
    for evaluation in ([candidate, dict(reference)] if kept else [candidate]):
        with compare_module.kept_pairs() if kept else contextlib.nullcontext():
            compared, found = compare_module.differences(reference, evaluation, program)
            # twice: a kept list must give the same answer
            assert compare_module.differences(reference, evaluation, program) == (compared, found)
        assert (compared, [(d.node, d.index, d.ulps) for d in found]) == \
            _differences_by_hand(reference, evaluation, program)


def test_a_fail_shows_the_value_farthest_off_next_to_the_first():
    # the first difference, where a wrong value first appears, is a 1-ulp
    # value; a gradient is far more wrong: the detail names both
    cand = dict(REF)
    cand["d"] = (math.nextafter(REF["d"][0], math.inf), REF["d"][1])
    cand["a"] = (REF["a"][0], -21.0)
    cell = compare(REF, cand, _program())
    assert cell.status == FAIL and (cell.first_fail.node, cell.first_fail.field) == ("d", "data")
    assert (cell.worst_fail.node, cell.worst_fail.field) == ("a", "grad")
    assert cell.detail().endswith(f"; farthest off: node a (input) grad: expected "
                                  f"{REF['a'][1]!r}, got -21.0 (relative error "
                                  f"{abs(-21.0 - REF['a'][1]) / abs(REF['a'][1]):.2g})")
    assert cell.to_json()["worst_fail"]["node"] == "a"
    # where the first is also the farthest, it is named once
    cand["a"] = REF["a"]
    assert compare(REF, cand, _program()).worst_fail is None


def test_a_distance_of_more_ulps_than_anyone_reads_is_said_absolutely_too():
    # a student read "expected 0.0, got 6000.0, 4.66332e+18 ulp (allowed 4.44843e+18)"
    far = Mismatch("l", "mul", 3, "l = d * f", "data", 0.0, 6000.0, 4.66332e18, 6000.0,
                   math.inf, 4.44843e18)
    assert far.describe().endswith("expected 0.0, got 6000.0, off by 6e+03, 2.55e-11 allowed "
                                   "(4.66332e+18 ulp, 4.44843e+18 allowed)")
    near = Mismatch("y", "mul", 3, "y = x * 2", "data", 1.0, 1.0000000000000004, 2, 4.4e-16,
                    4.4e-16, 1)
    assert near.describe().endswith("2 ulp (allowed 1)")


def test_a_close_cell_of_more_ulps_than_anyone_reads_gives_its_distance():
    # a slope fixture's cell read "CLOSE 2.7e+11 ulp" in the terminal (a value near 0,
    # where an ulp is tiny): it now reads how far off it is
    worst = Mismatch("a", "input", 0, "", "grad", 1e-20, 1.0000000001e-20, 2.7e11, 1e-30,
                     1e-10, 1e12)
    assert Cell(CLOSE, max_ulps=2.7e11, worst=worst).summary() == "CLOSE rel 1.0e-10"
    at_zero = replace(worst, reference=0.0, candidate=1e-30)   # no relative error: absolute
    assert Cell(CLOSE, max_ulps=4.6e18, worst=at_zero).summary() == "CLOSE off by 1.0e-30"
    assert Cell(CLOSE, max_ulps=3, worst=replace(worst, ulps=3)).summary() == "CLOSE 3 ulp"


def test_a_long_source_line_is_cut_in_the_message():
    # wide-dot-1000's line printed whole: a FAIL line of 11,909 characters
    text = "y = dot(0, [" + ", ".join(f"w{i}" for i in range(1000)) + "], [...])"
    far = Mismatch("y", "dot", 7, text, "data", 1.0, 2.0, 4.5e15, 1.0, 1.0, 4)
    assert len(far.describe()) < 200 and "line 7: y = dot(0, [w0, w1" in far.describe()
    assert far.to_json()["text"] == text   # the report's data keeps it whole

"""The registry's engines: torch keeps every intermediate gradient, finite
differences know where they do not apply, Lua runtimes are built once."""
import math

import pytest

from micrograd_lab.lua_port.runtimes import RUNTIMES as LUA_RUNTIMES

from micrograd_lab.harness.engines.base import NotApplicable, UnavailableEngine
from micrograd_lab.harness.engines.registry import get_engine
from micrograd_lab.harness.engines.fd import MAX_INPUTS, chosen_inputs
from micrograd_lab.harness.judge.verdict import CLOSE, ERROR, EXACT, FAIL, NA, compare
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.program import Arg, Program, Step
from micrograd_lab.harness.judge.tolerances import FD_REL_TOL
from micrograd_lab.harness.run import evaluate_and_judge

LECTURE = ("e = a*b\nd = e + c\nL = d*f", {"a": 2.0, "b": -3.0, "c": 10.0, "f": -2.0}, "L")
REUSE = ("b = a + a\nc = b * a\nd = c - a\ne = d / b", {"a": 3.0}, "e")
NEURON = ("n = x1*w1 + x2*w2 + b\no = n.tanh()",
          {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}, "o")


def prog(case):
    text, inputs, output = case
    return parse_program(text, inputs, output)


@pytest.mark.parametrize("case", [LECTURE, REUSE], ids=["lecture-L", "reuse"])
def test_torch_gives_every_intermediate_gradient_equal_to_python_ref(case):
    p = prog(case)
    ref, got = interpret(p), get_engine("torch").evaluate(p)
    assert set(got) == set(p.node_ids())
    assert compare(ref, got, p).status == EXACT
    if case is LECTURE:   # the lecture's numbers, intermediates included
        assert got["d"] == (4.0, -2.0) and got["e"] == (-6.0, -2.0) and got["L"] == (-8.0, 1.0)


def test_torch_pow_three_is_a_different_rounding():
    # torch evaluates x**3 as x*x*x: one ulp from C pow here, inside the pow budget
    p = parse_program("t = x.tanh()\ny = t ** 3", {"x": 4.0}, "y")
    ref = interpret(p)
    assert evaluate_and_judge(get_engine("torch"), p, ref).status in (EXACT, CLOSE)


def test_torch_survives_a_graph_deeper_than_its_stack():
    # built directly: a 3,000-line program text is slow to parse
    ids = ["x"] + [f"x#{i}" for i in range(2, 3002)]
    steps = tuple(Step(out, "add", (Arg.node(prev), Arg.num(1.0)))
                  for prev, out in zip(ids, ids[1:]))
    p = Program((("x", 0.0),), steps, ids[-1])
    got = get_engine("torch").evaluate(p)
    assert got[p.output] == (3000.0, 1.0) and got["x"] == (0.0, 1.0)


def test_torch_unreached_node_has_zero_gradient():
    p = parse_program("u = a * 2\ny = a + 1", {"a": 1.5}, "y")
    assert get_engine("torch").evaluate(p)["u"] == (3.0, 0.0)


def test_fd_agrees_where_smooth():
    p = prog(NEURON)
    fd = get_engine("fd")
    got = fd.evaluate(p)
    assert set(got) == {"x1", "x2", "w1", "w2", "b"}
    assert all(data is None for data, _ in got.values())
    ref = interpret(p)
    for name, (_, grad) in got.items():
        assert abs(grad - ref[name][1]) <= FD_REL_TOL * max(1.0, abs(ref[name][1]))
    assert compare(ref, got, p, rel_tol=FD_REL_TOL, noise=got.noise).passed


def test_fd_catches_a_wrong_gradient():
    p = prog(NEURON)
    fd = get_engine("fd")
    got = fd.evaluate(p)
    wrong = dict(interpret(p))
    wrong["w1"] = (wrong["w1"][0], wrong["w1"][1] * (1 + 1e-4))
    cell = compare(wrong, got, p, rel_tol=FD_REL_TOL, noise=got.noise)
    assert cell.status == FAIL and cell.first_fail.node == "w1"


@pytest.mark.parametrize("x, why", [(0.0, "kink"), (-0.0, "kink"), (1e-9, "crosses a kink")])
def test_fd_not_applicable_at_relu_kink(x, why):
    p = parse_program("y = x.relu()\nz = y * 3 + x", {"x": x}, "z")
    with pytest.raises(NotApplicable, match=why):
        get_engine("fd").evaluate(p)
    assert evaluate_and_judge(get_engine("fd"), p, interpret(p)).status == NA


@pytest.mark.parametrize("text, x", [("y = x.log()", -1.0), ("y = x.exp()", 800.0),
                                     ("y = 1 / x", 0.0)])
def test_fd_not_applicable_off_the_domain(text, x):
    p = parse_program(text, {"x": x}, "y")
    assert evaluate_and_judge(get_engine("fd"), p, interpret(p)).status == NA


def test_fd_not_applicable_where_its_quotient_overflows():
    # x + x * 1.797e308: the slope 1.7976931348458363e308 is finite, a hair
    # under the largest double; the quotient's rounding carries it over (inf)
    p = parse_program("y = x + x * 1.7976931348458363e308", {"x": 0.5}, "y")
    with pytest.raises(NotApplicable, match="quotient at input x is not finite"):
        get_engine("fd").evaluate(p)
    assert evaluate_and_judge(get_engine("fd"), p, interpret(p)).status == NA


def test_fd_relu_away_from_kink_agrees():
    p = parse_program("y = x.relu()\nz = y * 3 + x", {"x": 0.5}, "z")
    got = get_engine("fd").evaluate(p)
    assert math.isclose(got["x"][1], 4.0, rel_tol=1e-9)


def test_fd_differentiates_at_most_max_inputs():
    inputs = {f"x{i}": float(i) for i in range(200)}
    text = "s = sum(0.0, " + ", ".join(inputs) + ")"
    p = parse_program(text, inputs, "s")
    chosen = chosen_inputs(p)
    assert len(chosen) == MAX_INPUTS and chosen[0] == "x0" and chosen[-1] == "x199"
    assert sorted(get_engine("fd").evaluate(p)) == sorted(chosen)


def test_get_engine_builds_once_per_process_and_refuses_unknown_names():
    assert get_engine("torch") is get_engine("torch")
    with pytest.raises(KeyError, match="unknown engine"):
        get_engine("lua99")


def test_unavailable_engine_is_an_error_cell():
    p = prog(LECTURE)
    cell = evaluate_and_judge(UnavailableEngine("lua56", "not built"), p, interpret(p))
    assert cell.status == ERROR and "lua56 is not available: not built" in cell.message


@pytest.mark.parametrize("runtime", LUA_RUNTIMES)
def test_lua_runtime_matches_python_ref_on_the_lecture(runtime):
    backend = get_engine(runtime)
    if isinstance(backend, UnavailableEngine):
        pytest.skip(backend.reason)
    p = prog(LECTURE)
    assert backend is get_engine(runtime)          # one engine per process
    assert compare(interpret(p), backend.evaluate(p), p).status == EXACT
    assert backend.version                           # shown in the report


@pytest.mark.parametrize("text, x", [("y = 0.34375 / x", 3.3), ("y = 0.0 / x", 1e-300)])
def test_torch_number_over_value_is_a_direct_division(text, x):
    # torch's float / tensor is reciprocal(x) * float: 1 ulp off, and a nan gradient at 0/tiny
    p = parse_program(text, {"x": x}, "y")
    assert compare(interpret(p), get_engine("torch").evaluate(p), p).status == EXACT


def test_every_engine_has_its_line_in_the_figures():
    from micrograd_lab.harness.companion.style import engine_style
    from micrograd_lab.harness.engines.registry import ENGINES
    colours = {}
    for name, entry in ENGINES.items():
        style = engine_style(name)
        assert style == dict(entry.style) and "color" in style, name
        colours.setdefault(style["color"], []).append(name)
    # one colour per engine, the interpreter alone drawn as its runtime is
    assert all(len(names) == 1 or all(n.startswith(names[0]) for n in names)
               for names in colours.values()), colours

"""Budgets: only nodes a listed op reaches get ulps, and how many follows the
error's flow (harness.judge.tolerances, with each engine's budget from the
registry)."""
import math

import pytest

from micrograd_lab.harness.engines.registry import ENGINES, get_engine
from micrograd_lab.harness.judge import tolerances
from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.judge.verdict import CLOSE, EXACT, NA, judge
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.run import evaluate_and_judge

def node_budgets(program, reference, engine, candidate=None):
    return ENGINES[engine].budget.node_budgets(program, reference, candidate)


MIXED = parse_program("u = a * b\nt = c.tanh()\ny = u + t", {"a": 1.5, "b": 0.3, "c": 0.7}, "y")


@pytest.mark.parametrize("backend", ["lua51", "lua52", "luajit21", "python_ref"])
def test_exact_backends_get_no_budget(backend):
    assert node_budgets(MIXED, interpret(MIXED), backend) == {}


def test_lua54_budget_only_where_tanh_flows():
    budget = node_budgets(MIXED, interpret(MIXED), "lua54")
    assert budget["u"] == (0, 0) and budget["a"] == (0, 0) and budget["b"] == (0, 0)
    assert budget["t"][0] >= 2 * tolerances.SAFETY      # its own 2 ulp, doubled
    assert budget["y"][0] >= 1                          # inherits t's error
    assert budget["c"][1] >= 1                          # its gradient is 1 - t*t


def test_no_listed_op_no_budget():
    p = parse_program("y = a * b + a", {"a": 1.5, "b": 0.3}, "y")
    assert node_budgets(p, interpret(p), "lua54") == {}


def test_tanh_near_saturation_amplifies_the_gradient_budget():
    """d tanh = (1-t)(1+t) cancels near |t| = 1: a 2-ulp t moves it by thousands of ulps."""
    def grad_budget(x):
        p = parse_program("y = x.tanh()", {"x": x}, "y")
        return node_budgets(p, interpret(p), "lua54")["x"][1]
    assert grad_budget(0.3) <= 16
    assert grad_budget(5.0) > 1000


def test_torch_reordered_accumulation_gets_a_budget_only_with_three_contributions():
    two = parse_program("y = a * a", {"a": 1.1}, "y")
    three = parse_program("b = a * a\ny = b * a", {"a": 1.1}, "y")
    assert node_budgets(two, interpret(two), "torch").get("a", (0, 0)) == (0, 0)
    assert node_budgets(three, interpret(three), "torch")["a"][1] > 0


def test_budgets_never_cover_an_infinity():
    p = parse_program("y = x.tanh() * 1e308 * 10", {"x": 0.5}, "y")
    ref = interpret(p)
    budget = node_budgets(p, ref, "torch")
    assert math.isinf(ref["y"][0]) and budget["y"][0] == 0


def test_known_torch_deviation_is_na_with_its_reason_and_lua_is_exact():
    p = parse_program("y = x ** 0.5", {"x": -math.inf}, "y")
    ref = interpret(p)
    cell = evaluate_and_judge(get_engine("torch"), p, ref)
    assert cell.status == NA and "sqrt(-inf) = nan" in cell.message
    assert ENGINES["lua54"].budget.known_deviation(p, ref) is None
    ordinary = parse_program("y = x ** 0.5", {"x": 2.0}, "y")
    assert ENGINES["torch"].budget.known_deviation(ordinary, interpret(ordinary)) is None
    assert evaluate_and_judge(get_engine("torch"), ordinary,
                              interpret(ordinary)).status in (EXACT, CLOSE)


def test_every_deviation_names_a_known_class_and_a_reason():
    from micrograd_lab.harness.ops import DEVIATION_CLASSES, OPS
    for op in OPS.values():
        for cls, entry in op.deviations.items():
            assert cls in DEVIATION_CLASSES
            assert entry.reason and entry.data >= 0 and entry.grad >= 0
    budgets = {name: e.budget for name, e in ENGINES.items() if e.allowance == "ulps"}
    assert "| torch | `tanh` |" in tolerances.describe(budgets)
    # an engine's table is what its classes list, the larger of two and both reasons
    port = tolerances.port_budget("port-luajit20", ("luajit20",))
    assert port.table["log"].data == 1 and port.table["log"].grad == 1
    assert "LuaJIT 2.0" in port.table["log"].reason and "g/x" in port.table["log"].reason


# The fuzzer's program on which luajit20 failed: n2 = n1 ** 0.75 is 1 ulp
# off (LuaJIT 2.0's own pow), and its gradient 1/n2 with it.
POW_THEN_LOG = parse_program("n1 = 7.092506517744907e-266 * x1\nn2 = n1 ** 0.75\nn3 = n2.log()",
                             {"x1": 6.664230538482197e+16}, "n3")


def test_a_derivative_inherits_its_operands_measured_error():
    ref = interpret(POW_THEN_LOG)
    # n2 as python_ref has it: its gradient 1/n2 has nothing to be excused
    assert node_budgets(POW_THEN_LOG, ref, "luajit20", ref)["n2"][1] == 0
    n2 = math.nextafter(ref["n2"][0], math.inf)
    moved = dict(ref, n2=(n2, 1.0 / n2), n3=(math.log(n2), 1.0))
    budget = node_budgets(POW_THEN_LOG, ref, "luajit20", moved)
    # 1/n2**2 overflows (n2 is about 5.7e-187): the bound must not
    assert budget["n2"][1] >= ulp_distance(ref["n2"][1], 1.0 / n2) == 1


def test_the_libm_allowance_of_tanh_never_reaches_its_derivative():
    p = parse_program("y = x.tanh()", {"x": 7.0}, "y")
    ref = interpret(p)
    exact = node_budgets(p, ref, "lua54", ref)
    assert exact["y"][0] >= 2 * tolerances.SAFETY   # the value may be its 2 ulp off
    assert exact["x"][1] <= 4                       # t is not: (1 - t)(1 + t) must hold
    t = math.nextafter(math.nextafter(ref["y"][0], 0.0), 0.0)   # a tanh 2 ulp off
    slope = (1.0 - t) * (1.0 + t)
    moved = {"x": (7.0, slope), "y": (t, 1.0)}
    budget = node_budgets(p, ref, "lua54", moved)
    assert budget["x"][1] >= ulp_distance(ref["x"][1], slope) > 100000


def test_bit_identical_evaluations_compute_no_budget(monkeypatch):
    computed = []
    real = tolerances.node_budgets
    monkeypatch.setattr(tolerances, "node_budgets",
                        lambda *args, **kw: computed.append(args[2]) or real(*args, **kw))
    p = parse_program("y = x.tanh()", {"x": 0.5}, "y")
    ref = interpret(p)
    lua54 = ENGINES["lua54"].budget
    cache = tolerances.BudgetCache(p, ref)
    assert judge(lua54, p, ref, dict(ref), cache).status == EXACT
    assert computed == []
    t = math.nextafter(ref["y"][0], 1.0)
    moved = dict(ref, y=(t, 1.0))
    assert judge(lua54, p, ref, moved, cache).status == CLOSE
    assert judge(lua54, p, ref, moved, cache).status == CLOSE
    assert len(computed) == 1   # once for that evaluation


def test_luajit20s_int32_power_is_known_for_a_users_port_and_not_for_ours():
    from micrograd_lab.harness.engines.budgets import lua_port_budget
    p = parse_program("y = (-1/0) ** x", {"x": 2147483649.0}, "y")
    ref = interpret(p)
    assert "int32" in lua_port_budget("luajit20").known_deviation(p, ref)
    assert lua_port_budget("lua54").known_deviation(p, ref) is None
    assert ENGINES["luajit20"].budget.known_deviation(p, ref) is None   # ieee.pow mends it
    jit20 = lua_port_budget("luajit20")
    # an even exponent: +inf on both, but the base's derivative raises -inf
    # to the odd 2147483649; and -2^31 (the derivative of x ** -(2^31 - 1)) is an
    # int32 to LuaJIT (no nan there)
    for text, x, known in (("y = (-1/0) ** x", 2147483648.0, False),
                           ("y = x ** 2147483650.0", -math.inf, True),
                           ("y = x ** -2147483647.0", -1.5, False),
                           ("y = x ** -2147483649.0", -1.5, True),
                           ("y = x ** 2147483648.5", -math.inf, False)):
        p = parse_program(text, {"x": x}, "y")
        assert (jit20.known_deviation(p, interpret(p)) is not None) == known, text


def test_lua54s_own_square_is_allowed_an_ulp_and_no_other_power_is():
    # Lua 5.4+ computes x^2 as x*x, every other power by C's pow
    for text, allowed in (("y = x ** 2.0", True), ("y = x ** 3.0", False),
                          ("y = x ** 0.5", False)):
        p = parse_program(text, {"x": 1.1026946322817226}, "y")
        ref = interpret(p)
        for engine in ("lua54", "lua55"):
            assert (ENGINES[engine].budget.node_budgets(p, ref)["y"][0] > 0) == allowed, text
        assert ENGINES["lua53"].budget.node_budgets(p, ref).get("y", (0, 0))[0] == 0

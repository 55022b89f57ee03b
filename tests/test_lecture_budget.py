"""The deviation class lecture (harness.ops.LECTURE): what a port's budget
gains on lecture-level fixtures, so the lecture's own formulas pass there
(micrograd 0.1.0's a * b**-1, tanh through exp with 1 - t**2), each bound
derived, none wide enough to pass a wrong formula."""
import math
import random

import pytest

from micrograd_lab.harness.engines.budgets import lua_port_budget
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.judge.tolerances import port_budget
from micrograd_lab.harness.judge.verdict import CLOSE, EXACT, FAIL, judge
from micrograd_lab.harness.ops import LECTURE, OPS
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.run import budget_at_level

micrograd = pytest.importorskip("micrograd.engine", reason="micrograd 0.1.0 is not installed "
                                                           "(pip install -e '.[dev]')")
PASSING = (EXACT, CLOSE)
BUDGET = lua_port_budget("lua54")
ON_LECTURE = BUDGET.on_lecture_level()


def lecture_tanh(self):
    """tanh as the lecture writes it (micrograd 0.1.0 has none)."""
    x = self.data
    t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
    out = micrograd.Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t ** 2) * out.grad
    out._backward = _backward
    return out


def wrong_tanh(self):
    """The same with the derivative written 1 - t: a wrong formula."""
    out = lecture_tanh(self)
    t = out.data

    def _backward():
        self.grad += (1 - t) * out.grad
    out._backward = _backward
    return out


@pytest.fixture
def with_tanh(monkeypatch):
    """micrograd 0.1.0's Value with a tanh of one's choice."""
    def choose(tanh):
        monkeypatch.setattr(micrograd.Value, "tanh", tanh, raising=False)
    return choose


def Micrograd(x, label=""):
    """A leaf of micrograd 0.1.0 itself, as harness.interpret makes one."""
    return micrograd.Value(x)


def verdicts(text, inputs, value_class, budget):
    program = parse_program(text, inputs, "y")
    return judge(budget, program, interpret(program), interpret(program, value_class)).status


def ordinary_points(n, low, high, seed):
    rng = random.Random(seed)
    return [rng.uniform(low, high) for _ in range(n)]


def test_a_port_gains_the_lecture_class_on_the_lecture_level_only():
    assert LECTURE not in BUDGET.classes and BUDGET.lecture == (LECTURE,)
    assert ON_LECTURE.classes == BUDGET.classes + (LECTURE,) and ON_LECTURE.lecture == ()
    assert budget_at_level(BUDGET, ("ops",)) is ON_LECTURE
    assert budget_at_level(BUDGET, ("ops", "edges")) is BUDGET
    assert budget_at_level(BUDGET, ("nn",)) is ON_LECTURE
    # the lab's own engines have no lecture class
    from micrograd_lab.harness.engines.registry import ENGINES
    assert budget_at_level(ENGINES["lua54"].budget, ("ops",)) is ENGINES["lua54"].budget
    assert set(OPS["div"].deviations[LECTURE].reason.split()) >= {"b**-1", "1", "ulp"}


def test_micrograd_division_passes_on_the_lecture_level_and_not_without():
    # a * b**-1 is 1 ulp off a / b in about a quarter of all pairs
    failing = 0
    for a, b in zip(ordinary_points(400, -100, 100, 1), ordinary_points(400, -100, 100, 2)):
        text = "y = a / b\nz = y * c"   # the quotient's error carried on, and its gradients
        inputs = {"a": a, "b": b, "c": 1.7}
        assert verdicts(text, inputs, Micrograd, ON_LECTURE) in PASSING, (a, b)
        failing += verdicts(text, inputs, Micrograd, BUDGET) == FAIL
    assert failing > 50


def test_the_lectures_tanh_passes_on_the_lecture_level_and_not_without(with_tanh):
    with_tanh(lecture_tanh)
    failing = 0
    for x in ordinary_points(400, -3, 3, 3) + [0.1, -0.01, 1e-3, 0.8813735870195432]:
        text = "y = (x * w).tanh()"
        assert verdicts(text, {"x": x, "w": 1.5}, Micrograd, ON_LECTURE) in PASSING, x
        failing += verdicts(text, {"x": x, "w": 1.5}, Micrograd, BUDGET) == FAIL
    assert failing > 10


def test_a_wrong_formula_fails_on_the_lecture_level(with_tanh):
    with_tanh(wrong_tanh)
    for x in (0.5, -1.0, 2.0):
        assert verdicts("y = x.tanh()", {"x": x}, Micrograd, ON_LECTURE) == FAIL


@pytest.mark.parametrize("op, scale_at", [("tanh", 0.5), ("div", None)])
def test_each_bound_is_derived_not_loose(op, scale_at):
    # the derivation's bound is at most a few times what was measured (the
    # reasons quote the measurements): tanh through exp 6 ulp of the scale
    # where 2 were measured, a * b**-1 1 ulp where 1 was
    entry = OPS[op].deviations[LECTURE]
    assert (entry.data, entry.grad) == {"tanh": (6, 1), "div": (1, 2)}[op]
    if op == "tanh":
        t = math.tanh(scale_at)
        assert entry.data_scale([scale_at], t) == max(abs(t), 1 - t * t)
        assert entry.grad_scale([scale_at], t) == 1.0
        worst = max(abs((math.exp(2 * x) - 1) / (math.exp(2 * x) + 1) - math.tanh(x))
                    / math.ulp(entry.data_scale([x], math.tanh(x)))
                    for x in ordinary_points(20_000, -5, 5, 4))
        assert 1 <= worst <= entry.data
    else:
        worst = max(abs(a * b ** -1 - a / b) / math.ulp(a / b)
                    for a, b in zip(ordinary_points(20_000, -9, 9, 5),
                                    ordinary_points(20_000, -9, 9, 6)))
        assert worst == entry.data


def test_the_report_names_what_a_port_gains_on_the_lecture_level():
    from micrograd_lab.harness.judge.tolerances import describe
    text = describe({"port-lua54": port_budget("port-lua54")})
    assert "| port-lua54, lecture-level fixtures | `tanh` | 6 | 1 |" in text
    assert "(ulps of max(|t|, 1 - t**2); the derivative's: 1)" in text

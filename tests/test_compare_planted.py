"""Planted wrong engines: the comparator names the node, the field and the
ulp distance; a backend that raises is an ERROR cell."""
import functools
import math

import pytest

from micrograd_lab.harness.engines.base import Engine as BaseEngine
from micrograd_lab.harness.engines.budgets import command_port_budget
from micrograd_lab.harness.engines.registry import ENGINES
from micrograd_lab.harness.fixture import load_corpus
from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.judge.tolerances import EXACT as EXACT_BUDGET
from micrograd_lab.harness.judge.verdict import CLOSE, ERROR, EXACT, FAIL
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.run import evaluate_and_judge
from micrograd_lab.python_ref import ieee
from micrograd_lab.python_ref.engine import Value


class TanhGradOneUlpHigh(Value):
    """tanh's local gradient one ulp too high."""
    __slots__ = ()

    def tanh(self):
        t = math.tanh(self.data)
        out = TanhGradOneUlpHigh(t, (self,), "tanh")

        def _backward(out):  # the engine calls it with its node
            self.grad += out.grad * math.nextafter((1.0 - t) * (1.0 + t), math.inf)
        out._backward = _backward
        return out


class DivByPower(Value):
    """a / b as a * b**-1, as the original micrograd does."""
    __slots__ = ()

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else DivByPower(other)
        return self * other ** -1


class TanhGradCancelling(Value):
    """tanh's local gradient as 1 - t*t, which cancels as t nears 1."""
    __slots__ = ()

    def tanh(self):
        out = Value.tanh(self)

        def _backward(out):
            t = out.data
            self.grad += out.grad * (1.0 - t * t)
        out._backward = _backward
        return out


class DivGradOverSquare(Value):
    """d(a/b)/db as -a/b**2, whose b*b over- or underflows where the answer does not."""
    __slots__ = ()

    def __truediv__(self, other):
        out = Value.__truediv__(self, other)

        def _backward(out):
            a, b = out._prev
            a.grad += ieee.div(out.grad, b.data)
            b.grad += -out.grad * ieee.div(a.data, b.data * b.data)
        out._backward = _backward
        return out


class Engine(BaseEngine):
    """python_ref's loop on another Value class, judged as our own engines are
    (bit-identical: no budget), or by the budget given."""

    def __init__(self, name, value_class, budget=EXACT_BUDGET):
        self.name, self.value_class, self.budget = name, value_class, budget

    def evaluate(self, program, *, integers=False):
        return interpret(program, self.value_class)


class Broken(BaseEngine):
    name, budget = "broken", EXACT_BUDGET

    def evaluate(self, program, *, integers=False):
        raise RuntimeError("attempt to index a nil value (field 'grad')\nstack traceback: ...")


NEURON = parse_program("n = x1*w1 + x2*w2 + b\no = n.tanh()\nL = o * 2",
                       {"x1": 2.0, "x2": 0.5, "w1": -3.0, "w2": 1.0, "b": 6.7}, "L")
# interpret builds derived nodes as plain Values: the planted tanh must act on a leaf
TANH_OF_LEAF = parse_program("o = n.tanh()\nL = o * o + x", {"n": 0.8, "x": 1.5}, "L")


def test_tanh_gradient_one_ulp_off_fails_naming_the_node():
    p = TANH_OF_LEAF
    ref = interpret(p)
    planted = Engine("planted", TanhGradOneUlpHigh)
    cell = evaluate_and_judge(planted, p, ref)
    assert cell.status == FAIL
    assert (cell.first_fail.node, cell.first_fail.op, cell.first_fail.field) == ("n", "input", "grad")
    assert cell.first_fail.ulps == ulp_distance(ref["n"][1], planted.evaluate(p)["n"][1]) >= 1
    assert ref["o"] == planted.evaluate(p)["o"]   # values untouched, only the gradient


def test_planted_tanh_first_failure_names_node_op_and_line():
    # a program whose only input feeds tanh directly: the first failure is x's gradient
    p = parse_program("y = x.tanh()", {"x": 0.3}, "y")
    ref = interpret(p)
    cell = evaluate_and_judge(Engine("planted", TanhGradOneUlpHigh), p, ref)
    assert cell.status == FAIL
    assert (cell.first_fail.node, cell.first_fail.field, cell.first_fail.ulps) == ("x", "grad", 1)
    assert repr(ref["x"][1]) in cell.detail() and "1 ulp" in cell.detail()


def test_div_as_multiplication_by_inverse_fails_at_the_quotient():
    # 3 / 10 is 0.3, 3 * 10**-1 is 0.30000000000000004
    p = parse_program("q = x / 10\nz = q + 1", {"x": 3.0}, "z")
    ref = interpret(p)
    cell = evaluate_and_judge(Engine("planted", DivByPower), p, ref)
    assert cell.status == FAIL
    fail = cell.first_fail
    assert (fail.node, fail.op, fail.field, fail.ulps) == ("q", "div", "data", 1)
    assert fail.line == 1 and fail.text == "q = x / 10"
    assert "expected 0.3, got 0.30000000000000004" in cell.detail()


def test_correct_engine_copy_is_exact():
    assert evaluate_and_judge(Engine("copy", Value), NEURON, interpret(NEURON)).status == EXACT


def test_a_backend_that_raises_is_an_error_with_one_line():
    cell = evaluate_and_judge(Broken(), NEURON, interpret(NEURON))
    assert cell.status == ERROR and not cell.passed
    assert "\n" not in cell.message and cell.message.startswith("RuntimeError: attempt to index")


# (judged as, engine, fixture, verdict).  lua54's tanh may be 2 ulp off:
# that allowance once reached the derivative and let 1 - t*t pass (CLOSE,
# 26 ulp at tanh(3) where 513 were allowed); here t is C's, exact, and
# nothing excuses it.  A Python port may write div's derivative another way
# (2 ulp): -a/(b*b) rounds like -(a/b)/b until b*b leaves the range.
WRONG_FORMULAS = [
    *[("lua54", TanhGradCancelling, name, status)
      for name, status in [("tanh-at-0p5", EXACT), ("tanh-at-1", EXACT), ("tanh-at-3", FAIL),
                           ("tanh-at-7", FAIL), ("tanh-at-10", FAIL)]],
    *[("port-python", DivGradOverSquare, name, status)
      for name, status in [("div-1-3", EXACT), ("div-2-minus-0p1", CLOSE),
                           ("div-edge-1e200-1e200", FAIL), ("div-edge-1em200-1em200", FAIL)]],
]




@functools.cache
def wrong_formula_fixtures():
    """{name: fixture} of WRONG_FORMULAS (the corpus read once for all of them)."""
    fixtures, _ = load_corpus(names=sorted({n for _, _, n, _ in WRONG_FORMULAS}))
    return {f.name: f for f in fixtures}


@pytest.mark.parametrize("budget, value_class, name, status", WRONG_FORMULAS,
                         ids=[f"{c.__name__}-{n}" for _, c, n, _ in WRONG_FORMULAS])
def test_a_wrong_derivative_formula_fails_where_it_shows(budget, value_class, name, status):
    p = wrong_formula_fixtures()[name].program
    judged_as = {"lua54": ENGINES["lua54"].budget, "port-python": command_port_budget("python")}
    cell = evaluate_and_judge(Engine(budget, value_class, judged_as[budget]), p, interpret(p))
    assert cell.status == status, cell.detail()
    if status == FAIL:   # an input's gradient: the derivative, not the value
        assert (cell.first_fail.op, cell.first_fail.field) == ("input", "grad")

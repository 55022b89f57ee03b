"""Every unary and binary op of the registry (harness.ops) on python_ref
against the same op on torch float64 (its entry's apply and torch_apply), at
ordinary points and at the edges, values and gradients.

Budgets (ulps), each with its reason:
* binary ops, and unary ops whose result is an IEEE operation (neg, relu): 0.
  Both sides do the same IEEE operation, or call the C library's pow.
* unary ops whose value comes from the C math library (the entry's `libm`:
  exp, log, tanh, sigmoid), values and gradients: 2.  torch's CPU kernels use
  their own vectorised exp/log/tanh (SLEEF), not glibc's; each is within 1 ulp
  of the true value, so they can be 2 apart.
* x ** constant: 1, because torch rewrites some exponents (0.5 -> sqrt,
  -0.5 -> rsqrt, 3 -> x*x*x, -2 -> 1/(x*x)), rounding differently from pow.
The sign of a zero gradient is not compared (see harness/judge/compare.py).
"""
import itertools
import math

import pytest
import torch

from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.ops import OPS
from micrograd_lab.python_ref import Value

ORDINARY = (-2.5, -1.0, -0.3, 0.5, 0.7, 1.0, 2.0, 3.0)
EDGES = (0.0, -0.0, 1e-300, -1e-300, 5e-324, 1e-10, 1e300, -1e300,
         400.0, 1000.0, -1000.0, math.inf, -math.inf, math.nan)
POINTS = ORDINARY + EDGES

UNARY = [name for name, op in OPS.items() if op.kind == "unary"]
BINARY = [name for name, op in OPS.items() if op.kind == "binary"]
LIBM_ULPS = 2
EXPONENTS = (0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, -0.5, 1 / 3, 2.5)

# Where torch's rewrite of x**0.5 as sqrt(x) and x**-0.5 as rsqrt(x) changes
# the IEEE result itself: C's pow (which python_ref follows, as Lua does) gives
# pow(-0.0, 0.5) = +0.0, pow(-inf, 0.5) = +inf, pow(-0.0, -0.5) = +inf and
# pow(-inf, -0.5) = +0.0; sqrt and rsqrt give -0.0, nan, -inf and nan.
TORCH_SQRT_DEVIATIONS = {(-0.0, 0.5), (-math.inf, 0.5), (-0.0, -0.5), (-math.inf, -0.5)}


def _leaf(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def _grad(t):
    return t.grad.item() if t.grad is not None else 0.0


def _assert_close(what, ours, theirs, budget):
    if ours == 0.0 and theirs == 0.0:
        return  # the sign of a zero gradient is not an engine property
    assert ulp_distance(ours, theirs) <= budget, f"{what}: ours {ours!r}, torch {theirs!r}"


def test_every_unary_and_binary_op_is_checked():
    assert set(UNARY) | set(BINARY) == {n for n, op in OPS.items() if op.kind != "nary"}
    assert {"neg", "tanh"} <= set(UNARY) and {"add", "pow"} <= set(BINARY)


@pytest.mark.parametrize("name", UNARY)
def test_unary_op_against_torch(name):
    op = OPS[name]
    budget = LIBM_ULPS if op.libm else 0
    for x in POINTS:
        v, t = Value(x), _leaf(x)
        out, tout = op.apply(v), op.torch_apply(t)
        out.backward()
        tout.backward()
        _assert_close(f"{name}({x!r})", out.data, tout.item(), budget)
        _assert_close(f"d {name}({x!r})", v.grad, _grad(t), budget)


@pytest.mark.parametrize("name", BINARY)
def test_binary_op_against_torch(name):
    op = OPS[name]
    for x, y in itertools.product(POINTS, POINTS):
        a, b, ta, tb = Value(x), Value(y), _leaf(x), _leaf(y)
        out, tout = op.apply(a, b), op.torch_apply(ta, tb)
        out.backward()
        tout.backward()
        what = f"{x!r} {name} {y!r}"
        _assert_close(what, out.data, tout.item(), 0)
        _assert_close(f"d/da {what}", a.grad, _grad(ta), 0)
        _assert_close(f"d/db {what}", b.grad, _grad(tb), 0)


@pytest.mark.parametrize("number", [2.0, 0.5, 0.0, -2.0, 1.0])
def test_number_to_the_value_against_torch(number):
    for y in POINTS:
        b, tb = Value(y), _leaf(y)
        out, tout = number**b, number**tb
        out.backward()
        tout.backward()
        _assert_close(f"{number} ** {y!r}", out.data, tout.item(), 0)
        _assert_close(f"d/db {number} ** {y!r}", b.grad, _grad(tb), 0)


@pytest.mark.parametrize("n", EXPONENTS)
def test_constant_exponent_against_torch(n):
    for x in POINTS:
        if (x, n) in TORCH_SQRT_DEVIATIONS and math.copysign(1.0, x) < 0:
            continue  # checked by test_torch_sqrt_deviations_are_still_there
        v, t = Value(x), _leaf(x)
        out, tout = v**n, t**n
        out.backward()
        tout.backward()
        _assert_close(f"{x!r} ** {n}", out.data, tout.item(), 1)
        _assert_close(f"d {x!r} ** {n}", v.grad, _grad(t), 1)


def test_torch_sqrt_deviations_are_still_there():
    """If torch stops rewriting x**0.5 as sqrt(x), this exclusion can go."""
    assert math.copysign(1.0, (torch.tensor(-0.0, dtype=torch.float64) ** 0.5).item()) < 0
    assert math.isnan((torch.tensor(-math.inf, dtype=torch.float64) ** 0.5).item())
    assert (torch.tensor(-0.0, dtype=torch.float64) ** -0.5).item() == -math.inf
    assert (Value(-0.0) ** -0.5).data == math.inf
    assert math.copysign(1.0, (Value(-0.0) ** 0.5).data) > 0
    assert (Value(-math.inf) ** 0.5).data == math.inf


def test_tanh_gradient_keeps_precision_where_1_minus_t_squared_cancels():
    for x in (2.5, 3.0, 5.0, 10.0, 15.0, -7.0):
        v, t = Value(x), _leaf(x)
        v.tanh().backward()
        t.tanh().backward()
        assert ulp_distance(v.grad, t.grad.item()) <= 2

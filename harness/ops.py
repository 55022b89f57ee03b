"""The op set: one source of truth for the parser, the backends, the fuzzer and
the docs table.

Every op has a name (as it appears in an op list), how a fixture writes it,
its arity, how to apply it to engine objects (python_ref Values and torch
tensors both support these operators and methods), its domain, where it is
smooth (for finite differences) and the values a sampler should try.
"""
import math
import operator
from dataclasses import dataclass, field
from typing import Callable

EDGE_VALUES = (0.0, -0.0, 1e-300, -1e-300, 5e-324, 1e300, -1e300,
               math.inf, -math.inf, math.nan, 1.0, -1.0)


def _sign(x):
    return (x > 0.0) - (x < 0.0)


@dataclass(frozen=True)
class Op:
    name: str                 # the name in an op list
    kind: str                 # "binary", "unary" (a method) or "nary"
    syntax: str               # how a fixture program writes it
    apply: Callable           # apply(*args) on Values / tensors / floats
    domain: str               # where the result is a finite real number
    branch: Callable          # branch(*floats) -> hashable, None where not smooth
    ordinary: tuple = (-3.0, 3.0)    # where a sampler draws ordinary values
    edges: tuple = field(default=EDGE_VALUES)

    @property
    def arity(self):
        return {"binary": 2, "unary": 1}.get(self.kind)  # None: any number


def _pow_branch(base, exponent):
    if not (math.isfinite(base) and math.isfinite(exponent)):
        return None  # math.floor would raise on inf/nan; no derivative to check there
    if base > 0.0:
        return ("pos",)
    if exponent == math.floor(exponent) and base != 0.0:
        return ("int", _sign(base))
    if exponent == math.floor(exponent) and exponent >= 1.0:
        return ("int", 0)  # e.g. x**2 at 0 is smooth
    return None


def _unary(name, domain, branch, ordinary=(-3.0, 3.0)):
    return Op(name, "unary", f"x.{name}()", operator.methodcaller(name),
              domain, branch, ordinary)


OPS = {op.name: op for op in [
    Op("add", "binary", "a + b", operator.add, "all reals", lambda a, b: ()),
    Op("sub", "binary", "a - b", operator.sub, "all reals", lambda a, b: ()),
    Op("mul", "binary", "a * b", operator.mul, "all reals", lambda a, b: ()),
    Op("div", "binary", "a / b", operator.truediv, "b != 0",
       lambda a, b: (_sign(b),) if b != 0.0 else None),
    Op("pow", "binary", "a ** b", operator.pow,
       "a > 0, or an integer b (and a != 0 for b < 0)", _pow_branch, (0.1, 3.0)),
    Op("neg", "unary", "-x", operator.neg, "all reals", lambda x: ()),
    _unary("relu", "all reals (kink at 0)",
           lambda x: (_sign(x),) if x != 0.0 else None),
    _unary("tanh", "all reals", lambda x: ()),
    _unary("exp", "x < 709.78 (overflows to inf above)", lambda x: ()),
    _unary("log", "x > 0 (log(0) = -inf, log(x < 0) = nan)",
           lambda x: ("pos",) if x > 0.0 else None, (0.05, 5.0)),
    _unary("sigmoid", "all reals", lambda x: ()),
    # Fused n-ary nodes (python_ref's Value.sum / Value.dot), the chain of + and *.
    Op("sum", "nary", "sum(start, v1, v2, ...)", None, "all reals", lambda *a: ()),
    Op("dot", "nary", "dot(start, [w1, w2, ...], [x1, x2, ...])", None,
       "all reals", lambda *a: ()),
]}

BINARY_SYMBOLS = {"+": "add", "-": "sub", "*": "mul", "/": "div", "**": "pow"}
METHODS = tuple(name for name, op in OPS.items() if op.kind == "unary" and name != "neg")


def docs_table():
    """The op set as a Markdown table (README, report)."""
    rows = ["| op | written | domain |", "|---|---|---|"]
    rows += [f"| `{op.name}` | `{op.syntax}` | {op.domain} |" for op in OPS.values()]
    return "\n".join(rows)

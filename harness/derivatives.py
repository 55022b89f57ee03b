"""Local derivatives of every op and how fast they move, for error analysis.

local_derivatives(op, args, out) gives, for each argument i, (d_i, sens_i):
d_i = d out / d arg_i at these values, and sens_i = {j: |d d_i / d arg_j|,
"out": |d d_i / d out|}, how much d_i moves when an argument (or the op's own
output, which engines reuse in backward) moves.  Magnitudes only: they feed
error bounds (harness.tolerances), never an engine.
"""
import math

from python_ref import ieee


def _pow(x, n, out):
    d_base = 0.0 if n == 0.0 else n * ieee.pow(x, n - 1.0)
    d_base_dx = abs(n * (n - 1.0) * ieee.pow(x, n - 2.0)) if n not in (0.0, 1.0) else 0.0
    log_x = ieee.log(x) if x > 0.0 else 0.0
    cross = abs(ieee.pow(x, n - 1.0) * (1.0 + n * log_x)) if x > 0.0 else 0.0
    d_exp = out * log_x
    return [(d_base, {0: d_base_dx, 1: cross}),
            (d_exp, {0: cross, 1: abs(out * log_x * log_x)})]


def local_derivatives(op, a, out):
    if op in ("add", "sum"):
        return [(1.0, {}) for _ in a]
    if op == "sub":
        return [(1.0, {}), (-1.0, {})]
    if op == "neg":
        return [(-1.0, {})]
    if op == "mul":
        return [(a[1], {1: 1.0}), (a[0], {0: 1.0})]
    if op == "div":
        x, y = a
        inv = ieee.div(1.0, y)
        return [(inv, {1: inv * inv}),
                (-ieee.div(out, y), {"out": abs(inv), 1: abs(out * inv * inv)})]
    if op == "pow":
        return _pow(a[0], a[1], out)
    if op == "relu":
        return [(1.0 if out > 0.0 else 0.0, {})]
    if op == "tanh":
        return [(1.0 - out * out, {"out": 2.0 * abs(out)})]
    if op == "exp":
        return [(out, {"out": 1.0})]
    if op == "log":
        inv = ieee.div(1.0, a[0])
        return [(inv, {0: inv * inv})]
    if op == "sigmoid":
        return [((1.0 - out) * out, {"out": abs(1.0 - 2.0 * out)})]
    if op == "dot":
        n = (len(a) - 1) // 2
        ws, xs = range(1, 1 + n), range(1 + n, 1 + 2 * n)
        return ([(1.0, {})] + [(a[x], {x: 1.0}) for x in xs]
                + [(a[w], {w: 1.0}) for w in ws])
    raise KeyError(f"no derivative for op {op!r}")


def rounding_scale(op, a, out):
    """The magnitude one rounding of this op is relative to: the sum of the
    terms' magnitudes for additions (partial sums can exceed the result)."""
    if op in ("add", "sub", "sum"):
        return sum(abs(x) for x in a)
    if op == "dot":
        n = (len(a) - 1) // 2
        return abs(a[0]) + sum(abs(a[1 + i] * a[1 + n + i]) for i in range(n))
    return abs(out)

"""IEEE-754 versions of the float operations Python would raise on.

CPython raises ZeroDivisionError, ValueError or OverflowError (or returns a
complex number) where C, Lua and torch return inf or nan.  The engine needs the
C results, so every fallible operation goes through this module.  For every
input where Python does not raise, the result is Python's own, i.e. libm's,
so nothing here changes a value that was already right.
"""
import math

INF = math.inf
NAN = math.nan


def div(a, b):
    """a / b with IEEE results for a zero divisor."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0.0 or a != a:
            return NAN
        # The sign of the infinity is the xor of both signs (b may be -0.0).
        return math.copysign(INF, a) * math.copysign(1.0, b)


def exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def log(x):
    if x > 0.0 or x != x:
        return math.log(x)
    if x == 0.0:
        return -INF
    return NAN


def _is_odd_integer(y):
    return math.isfinite(y) and y == math.floor(y) and math.fmod(y, 2.0) != 0.0


def pow(x, y):
    """C99 pow: pole at 0 for negative y, nan for a negative base with a
    non-integer exponent, +-inf on overflow."""
    try:
        return math.pow(x, y)
    except OverflowError:
        sign = -1.0 if (x < 0.0 and _is_odd_integer(y)) else 1.0
        return sign * INF
    except ValueError:
        if x == 0.0:  # pole: 0 ** negative
            return math.copysign(INF, x) if _is_odd_integer(y) else INF
        return NAN  # negative finite base, non-integer finite exponent


def tanh(x):
    # libm's tanh saturates to 1.0 and keeps tanh(x) == x for tiny x.
    return math.tanh(x)

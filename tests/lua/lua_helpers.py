"""Helpers of the Lua port's tests: runtime and stand-alone parameters that
skip with a reason, a bitwise comparison of doubles, and the Lua MLP's
weights and output read through a LuaEngine."""
import shutil
import struct
from pathlib import Path

import pytest

from micrograd_lab.lua_port import RUNTIMES, available_runtimes

REPO = Path(__file__).resolve().parents[2]
AVAILABLE = available_runtimes()
STANDALONE = ("lua5.1", "lua5.4", "luajit")

# Where libm agrees with CPython's, every value is bit-identical.  Lua 5.3+
# bring their own tanh (within 2 ulp of C's); LuaJIT 2.0 has its own exp,
# log and pow (test_lua_libm.py measures the bounds).
BIT_EXACT_RUNTIMES = ("lua51", "lua52", "luajit21")


def runtime_params(runtimes=RUNTIMES):
    """pytest params for runtimes, skipped with a reason where lupa lacks one."""
    return [pytest.param(r, marks=pytest.mark.skipif(
        r not in AVAILABLE, reason=f"lupa has no {r} runtime here")) for r in runtimes]


def standalone_params():
    return [pytest.param(b, marks=pytest.mark.skipif(
        shutil.which(b) is None, reason=f"{b} is not installed (.ci/run installs it from Debian)"))
        for b in STANDALONE]


def bits(x):
    return struct.pack("<d", x).hex()


def same_bits(a, b):
    """Identical doubles (-0.0 != 0.0), where any nan matches any nan: which
    operand's nan an operation passes on (and so its sign) is up to the C
    compiler (CPython may compute a + b as b + a), so the lab compares
    nan with nan."""
    if a != a and b != b:
        return True
    return bits(a) == bits(b)


def mlp_weights(engine, nin, nouts, seed=0, **opts):
    """The parameter values of the Lua MLP(nin, nouts, seed=seed, **opts)."""
    return engine.execute(
        "local nin, nouts, opts = ...\n"
        "return mg.MLP(nin, nouts, opts):parameter_values()",
        nin, list(nouts), dict(opts, seed=seed), name="=(mlp_weights)")


def mlp_output(engine, nin, nouts, x, seed=0, **opts):
    """The Lua MLP's output data on input x (a float, or a list of floats)."""
    return engine.execute(
        "local nin, nouts, x, opts = ...\n"
        "local out = mg.MLP(nin, nouts, opts)(x)\n"
        "if mg.Value.is_value(out) then return out.data end\n"
        "local data = {}\n"
        "for i = 1, #out do data[i] = out[i].data end\n"
        "return data",
        nin, list(nouts), [float(v) for v in x], dict(opts, seed=seed),
        name="=(mlp_output)")

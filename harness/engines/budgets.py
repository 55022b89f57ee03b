"""Which budget a port's engine opens with: what its runtime's C library
computes otherwise than python_ref's (glibc through CPython), plus what any
port may write its own way (harness.judge.tolerances.port_budget)."""
import math

from micrograd_lab.lua_port.runtimes import SQUARING_RUNTIMES

from ..judge.tolerances import KnownDeviation, minus_zero_or_inf, port_budget
from ..ops import FDLIBM, LUA_SQUARE, LUAJIT20

# Every lupa runtime calls the C library, except LuaJIT 2.0 for exp, log, pow,
# and Lua 5.4+ for x^2 (x*x).
RUNTIME_LIBM = {"luajit20": (LUAJIT20,), **{r: (LUA_SQUARE,) for r in SQUARING_RUNTIMES}}


def _beyond_int32(args, constant):
    """A pow whose exponent, or the exponent - 1 its base's derivative
    raises the base to, is an integer beyond int32 (above 2^31 - 1 or below
    -2^31), where LuaJIT 2.0's ^ (testing integrality through int32) and C
    part: a negative finite base (nan against C's +-|x|**y), or -inf or -0.0
    to an odd exponent (the sign lost)."""
    base, exponent = args
    return any(_int32_fault(base, e) for e in (exponent, exponent - 1.0))


def _int32_fault(base, exponent):
    if not (math.isfinite(exponent) and exponent.is_integer()
            and (exponent >= 2.0 ** 31 or exponent < -2.0 ** 31)):
        return False
    if math.isfinite(base) and base < 0.0:
        return True
    return (minus_zero_or_inf(base) and abs(exponent) < 2.0 ** 53
            and abs(math.fmod(exponent, 2.0)) == 1.0)


# A user's port runs the runtime's own ^; ours mends it (lua_port's ieee.pow).
RUNTIME_KNOWN = {"luajit20": (KnownDeviation(
    "pow", _beyond_int32,
    "LuaJIT 2.0's ^ tests an integer exponent through int32: beyond 2^31 a negative "
    "base gives nan, and -inf or -0.0 to an odd exponent loses its sign, where C99 pow "
    "gives +-|x|**y (the runtime's, not the port's)"),)}
# A command port's language, as its hello names it: CPython calls the C
# library; another runtime (JavaScript's V8, or one not known here) brings
# its own (fdlibm's kin).
LANGUAGE_LIBM = {"python": ()}


def lua_port_budget(runtime):
    """A user's Lua port on a lupa runtime (lua54, luajit20, ...)."""
    return port_budget(f"port-{runtime}", RUNTIME_LIBM.get(runtime, ()),
                       RUNTIME_KNOWN.get(runtime, ()))


def command_port_budget(language, lua_runtime=None):
    """A command port in language (its hello's), or a Lua one run by a
    stand-alone interpreter whose hello names a runtime we know."""
    if lua_runtime is not None:
        return lua_port_budget(lua_runtime)
    language = language.lower()
    if language in LANGUAGE_LIBM:
        return port_budget(f"port-{language}", LANGUAGE_LIBM[language])
    return port_budget(f"port-{language or 'command'}", (FDLIBM,))

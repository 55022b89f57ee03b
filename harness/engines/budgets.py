"""Which budget a port's engine opens with: what its runtime's C library
computes otherwise than python_ref's (glibc through CPython), plus what any
port may write its own way (harness.judge.tolerances.port_budget)."""
from ..judge.tolerances import port_budget
from ..ops import FDLIBM, LUAJIT20

# Every lupa runtime calls the C library, except LuaJIT 2.0 for exp, log, pow.
RUNTIME_LIBM = {"luajit20": (LUAJIT20,)}
# A command port's language, as its hello names it: CPython calls the C
# library; another runtime (JavaScript's V8, or one not known here) brings
# its own (fdlibm's kin).
LANGUAGE_LIBM = {"python": ()}


def lua_port_budget(runtime):
    """A user's Lua port on a lupa runtime (lua54, luajit20, ...)."""
    return port_budget(f"port-{runtime}", RUNTIME_LIBM.get(runtime, ()))


def command_port_budget(language, lua_runtime=None):
    """A command port in language (its hello's), or a Lua one run by a
    stand-alone interpreter whose hello names a runtime we know."""
    if lua_runtime is not None:
        return lua_port_budget(lua_runtime)
    language = language.lower()
    if language in LANGUAGE_LIBM:
        return port_budget(f"port-{language}", LANGUAGE_LIBM[language])
    return port_budget(f"port-{language or 'command'}", (FDLIBM,))

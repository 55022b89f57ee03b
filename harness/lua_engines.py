"""The Lua engines the benchmark and the companion run their own scripts on
(the trainer, the benchmark graphs), one lua_port.LuaEngine per name.

These scripts are the repository's own, so LuaJIT gets its JIT compiler
(LuaEngine turns it off by default, because compiled code escapes the
instruction budget that guards a user's port); "luajit21 (jit off)" names the
sandbox's default.  Without lua_port (or without any runtime) runtimes() is
empty and the callers run the Python engines and torch alone, and say so.
"""
from functools import lru_cache

JIT_OFF = " (jit off)"


@lru_cache(maxsize=None)
def runtimes():
    """Names of the Lua runtimes lupa can load here, in lua_port's order."""
    try:
        from micrograd_lab.lua_port import available_runtimes
    except ImportError:
        return ()
    return tuple(available_runtimes())


@lru_cache(maxsize=None)
def lua_engine(name):
    """The LuaEngine for a runtime name, or for "<luajit runtime> (jit off)"."""
    from micrograd_lab.lua_port import LuaEngine
    if name.endswith(JIT_OFF):
        return LuaEngine(name[:-len(JIT_OFF)], jit=False)
    return LuaEngine(name, jit=name.startswith("luajit"))


def version(runtime):
    try:
        return str(lua_engine(runtime).version)
    except Exception as exc:  # the table still names the runtime
        return f"? ({type(exc).__name__})"

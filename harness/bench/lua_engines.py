"""The Lua runtimes the benchmarks run, through lua_port's LuaEngine.

The bench runs its own trusted scripts, so LuaJIT gets its JIT compiler
(LuaEngine turns it off by default, because compiled code escapes the
instruction budget); "luajit21 (jit off)" names the sandbox's default.
Without lua_port (or without any runtime) the benchmarks still run the
Python engines and torch, and say so.
"""
from functools import lru_cache


@lru_cache(maxsize=None)
def runtimes():
    """Names of the Lua runtimes lupa can load here, in lua_port's order."""
    try:
        from lua_port import available_runtimes
    except ImportError:
        return ()
    return tuple(available_runtimes())


JIT_OFF = " (jit off)"


@lru_cache(maxsize=None)
def engine(name):
    """The LuaEngine for a runtime name, or for "<luajit runtime> (jit off)"."""
    from lua_port import LuaEngine
    if name.endswith(JIT_OFF):
        return LuaEngine(name[:-len(JIT_OFF)], jit=False)
    return LuaEngine(name, jit=name.startswith("luajit"))


def version(runtime):
    try:
        return str(engine(runtime).version)
    except Exception as exc:  # the table still names the runtime
        return f"? ({type(exc).__name__})"


def _is_lua_table(obj):
    return type(obj).__name__ == "_LuaTable"


def to_python(obj):
    """A Lua answer as plain Python: a table with keys 1..n becomes a list,
    any other table a dict; numbers and strings pass through."""
    if not _is_lua_table(obj):
        if isinstance(obj, dict):
            return {k: to_python(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [to_python(v) for v in obj]
        return obj
    items = {key: to_python(value) for key, value in obj.items()}
    if items and all(isinstance(key, int) for key in items) and sorted(items) == list(range(1, len(items) + 1)):
        return [items[i] for i in range(1, len(items) + 1)]
    return items

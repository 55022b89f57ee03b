"""The engines the companion puts side by side: python_ref, each Lua runtime
lupa can load here, and torch (float64), all through the shared backends of
harness.backends (one adapter per engine, built once per process).

Every engine evaluates a harness Program and answers {node id: (data, grad)}.
The Lua port is optional at import time: without it (or without a runtime)
the companion still runs python_ref and torch.
"""
from functools import lru_cache

from harness.backends import LUA_RUNTIMES, get_backend

REFERENCE = "python_ref"
TORCH = "torch"


@lru_cache(maxsize=None)
def lua_runtimes():
    """The Lua runtimes that can run here, in lua_port's order."""
    try:
        from lua_port import available_runtimes
        available = set(available_runtimes())
    except (ImportError, AttributeError):
        return ()
    return tuple(rt for rt in LUA_RUNTIMES if rt in available)


def lua_engine(runtime):
    """The runtime's lua_port.LuaEngine (shared with the parity backends)."""
    backend = get_backend(runtime)
    if not hasattr(backend, "engine"):
        raise RuntimeError(f"Lua runtime {runtime} is not available: {backend.reason}")
    return backend.engine


def engine_names(torch=True):
    """python_ref first, then the Lua runtimes, then torch."""
    return (REFERENCE,) + lua_runtimes() + ((TORCH,) if torch else ())


def evaluate(engine, program):
    """{node id: (data, grad)} of program on engine."""
    return get_backend(engine).evaluate(program)

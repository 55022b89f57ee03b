"""Backends: one thin adapter per engine behind one small protocol.

A backend has a `name` (the matrix column), a `kind` ("reference", "lua",
"torch" or "fd") and `evaluate(program) -> Evaluation`, where an Evaluation
maps every node id to (data, grad), with None where the backend does not
compute a value.  A backend whose cells are judged on more than one run of
a program says which (variants(program), see base.py).  A backend raises NotApplicable when the question has no
answer for it (finite differences at a kink); any other exception is the
backend's error and becomes an ERROR cell.

get_backend(name) builds each backend once per process and reuses it (a Lua
runtime is expensive to start).
"""
# the one list of Lua runtimes, and the matrix's Lua columns derived from it
from lua_port.runtimes import INTERPRETER_COLUMNS, LUA_COLUMNS, RUNTIMES as LUA_RUNTIMES

from .base import (FLOATS, INTEGERS, Backend, Evaluation, NotApplicable,  # noqa: F401 (the API)
                   UnavailableBackend, variants)

BACKEND_NAMES = ("python_ref",) + LUA_COLUMNS + ("torch", "fd")
REFERENCE = "python_ref"


_CACHE = {}


def _make(name):
    if name == "python_ref":
        from .python_ref import PythonRefBackend
        return PythonRefBackend()
    if name == "torch":
        from .torch_backend import TorchBackend
        return TorchBackend()
    if name == "fd":
        from .finite_diff import FiniteDifferenceBackend
        return FiniteDifferenceBackend(get_backend(REFERENCE))
    if name in LUA_COLUMNS:
        from .lua import make_lua_backend
        return make_lua_backend(name)
    raise KeyError(f"unknown backend {name!r}; known: {', '.join(BACKEND_NAMES)}")


def get_backend(name):
    """The backend called name, built once per process."""
    if name not in _CACHE:
        _CACHE[name] = _make(name)
    return _CACHE[name]

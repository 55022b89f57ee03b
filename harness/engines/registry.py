"""The engine registry: every engine the lab itself runs, one entry each, as
harness.ops keeps one entry per op.  An entry says how the engine opens,
its budget (how far from python_ref its values may be, with the allowance
kind: ulps carried through the graph, or finite differences' own error
estimate), its cost for scheduling, and its kind.

Engines a user's manifest opens are not entries here: engines/open.py makes
a PortSpec for each of its runtimes, judged by a port's budget.

open_engine(spec) opens an entry or a PortSpec once per process and keeps
it (a Lua runtime is expensive to start); a forked process starts with none
of its parent's, since a worker process or a pipe cannot be shared.
"""
import os
from dataclasses import dataclass
from typing import Callable

from micrograd_lab.lua_port.runtimes import (INTEGER_RUNTIMES, INTERPRETER_COLUMNS, RUNTIMES,
                                             column_runtime)

from ..judge.tolerances import EXACT, TORCH_BUDGET, FdBudget, UlpBudget
from ..ops import LUA_TANH
from .base import UnavailableEngine
from .budgets import RUNTIME_LIBM

REFERENCE, TORCH, FD = "python_ref", "torch", "fd"


@dataclass(frozen=True)
class EngineEntry:
    name: str           # its column in the reports
    kind: str           # "reference", "lua", "lua-interp", "torch" or "fd"
    opens: Callable     # opens(entry) -> an Engine
    budget: object      # a harness.judge.tolerances budget: how far from python_ref
    weight: float = 1.0   # its cost on a deep chain relative to one Lua run
    style: tuple = ()     # its line in every figure: matplotlib keywords, as pairs

    @property
    def key(self):
        return self.name

    @property
    def allowance(self):
        """"ulps" (carried through the graph) or "fd" (fd's own error estimate)."""
        return self.budget.kind

    def open(self):
        try:
            return self.opens(self)
        except Exception as exc:  # no lupa, no such runtime, a port that fails to load
            return UnavailableEngine(self.name, f"cannot be opened here ({exc})", self.budget)


def _python_ref(entry):
    from .python_ref import PythonRefEngine
    return PythonRefEngine(entry.budget)


def _torch(entry):
    from .torch_engine import TorchEngine
    return TorchEngine(entry.budget)


def _fd(entry):
    from .fd import FiniteDifferenceEngine
    return FiniteDifferenceEngine(open_engine(ENGINES[REFERENCE]), entry.budget)


def _lua(entry):
    from micrograd_lab import lua_port
    runtime = column_runtime(entry.name)
    if runtime not in lua_port.available_runtimes():
        return UnavailableEngine(entry.name, "lupa has no such runtime here", entry.budget)
    if entry.kind == "lua-interp":
        from .lab_lua import LuaInterpreterEngine
        return LuaInterpreterEngine(entry.name, runtime, entry.budget)
    from .lab_lua import open_our_port
    return open_our_port(runtime, entry.budget)


# What our Lua port computes otherwise than python_ref, per runtime: Lua 5.3+
# has no math.tanh (the port brings its own), and what the runtime itself
# computes otherwise than C's libm (RUNTIME_LIBM: Lua 5.4+ squares x^2,
# LuaJIT 2.0 computes exp, log and pow), as for a user's Lua port.  LuaJIT's
# compiled code and its interpreter share one table: over the whole corpus
# compiled code gives every value and gradient with the interpreter's bits
# (python -m micrograd_lab.harness.parity.jit_diff counts the cells that
# differ: none).  The one place LuaJIT's compiled code computes differently
# is a power whose exponent the trace holds as a constant, and lua_port's
# ieee.pow hides its exponent from the compiler (tests/lua/test_lua_jit.py).
_LUA_BUDGETS = {r: UlpBudget(r, ((LUA_TANH,) if r in INTEGER_RUNTIMES else ())
                             + RUNTIME_LIBM.get(r, ())) for r in RUNTIMES}

# One colour and line style per engine, the same in every figure.
_LUA_STYLES = {
    "lua51": (("color", "#1f77b4"), ("linestyle", "--")),
    "lua52": (("color", "#ff7f0e"), ("linestyle", "--")),
    "lua53": (("color", "#2ca02c"), ("linestyle", "-.")),
    "lua54": (("color", "#d62728"), ("linestyle", "-.")),
    "lua55": (("color", "#9467bd"), ("linestyle", ":")),
    "luajit20": (("color", "#8c564b"), ("linestyle", ":")),
    "luajit21": (("color", "#e377c2"), ("linestyle", (0, (3, 1, 1, 1)))),
}

ENGINES = {e.name: e for e in [
    EngineEntry(REFERENCE, "reference", _python_ref, UlpBudget(REFERENCE),
                style=(("color", "black"), ("linestyle", "-"), ("linewidth", 2.4))),
    *[EngineEntry(r, "lua", _lua, _LUA_BUDGETS[r],
                  # Lua 5.3+ runs a program with integral numbers twice
                  weight=2.0 if r in INTEGER_RUNTIMES else 1.0, style=_LUA_STYLES[r])
      for r in RUNTIMES],
    *[EngineEntry(c, "lua-interp", _lua, _LUA_BUDGETS[column_runtime(c)],
                  style=_LUA_STYLES[column_runtime(c)]) for c in INTERPRETER_COLUMNS],
    EngineEntry(TORCH, "torch", _torch, TORCH_BUDGET, weight=0.0,
                style=(("color", "#17becf"), ("linestyle", (0, (1, 1))), ("linewidth", 2.0))),
    EngineEntry(FD, "fd", _fd, FdBudget(), weight=3.0,
                style=(("color", "grey"), ("linestyle", "--"))),
]}
ENGINE_NAMES = tuple(ENGINES)
# The parity matrix's columns: every engine but the reference it is judged against.
MATRIX_ENGINES = tuple(name for name in ENGINE_NAMES if name != REFERENCE)
LUA_ENGINES = tuple(n for n, e in ENGINES.items() if e.kind in ("lua", "lua-interp"))

_OPEN = {}   # spec key -> the Engine this process opened


def _forked():
    global _closer
    _OPEN.clear()
    _closer = None


_closer = None
os.register_at_fork(after_in_child=_forked)


def open_engine(spec):
    """The engine of spec (an EngineEntry or an open.PortSpec), opened once
    per process."""
    global _closer
    engine = _OPEN.get(spec.key)
    if engine is None:
        engine = _OPEN[spec.key] = spec.open()
        if _closer is None:
            from multiprocessing.util import Finalize
            # closed (and waited for, so their CPU time is counted) when this
            # process ends, a pool's worker too, which leaves by os._exit
            # after running these finalizers but not atexit's
            _closer = Finalize(None, close_engines, exitpriority=0)
    return engine


def get_engine(name):
    """The registry's engine called name, opened once per process; KeyError
    (naming the known ones) for a name it does not have."""
    if name not in ENGINES:
        raise KeyError(f"unknown engine {name!r}; known: {', '.join(ENGINES)}")
    return open_engine(ENGINES[name])


def close_engines(specs=None):
    """Close the engines of specs (default: every engine this process opened)."""
    keys = [s.key for s in specs] if specs is not None else list(_OPEN)
    for key in keys:
        engine = _OPEN.pop(key, None)
        if engine is not None:
            engine.close()


__all__ = ["EngineEntry", "ENGINES", "ENGINE_NAMES", "MATRIX_ENGINES", "LUA_ENGINES", "REFERENCE", "TORCH", "FD",
           "open_engine", "get_engine", "close_engines"]

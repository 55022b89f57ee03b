"""Our Lua port in the matrix's Lua columns, two ways.

lua51 ... luajit21, as users run it: the port goes through the door any
user's port goes through in `python -m harness check`: its manifest
(harness/check/ports/lua_port.toml) and a sandboxed worker process per
runtime (harness/check/lua_adapter.py), with LuaJIT's compiler on and
compiling as early as it can, and runaway work stopped by the worker's
CPU-time limit (the worker is killed and the next program gets a fresh
one).  On Lua 5.3+ a program with integral inputs or constants is judged on
two runs (variants): as floats, and with those numbers as Lua integers, as
a user writing Value(3) gives them.

luajit20-interp, luajit21-interp: LuaJIT's interpreter alone (the compiler
off), in this process through lua_port.LuaEngine, whose instruction budget
ends runaway work.
"""
import math
import os
from functools import lru_cache
from multiprocessing.util import Finalize
from pathlib import Path

from lua_port.runtimes import INTEGER_RUNTIMES, column_runtime

from .base import FLOATS, INTEGERS, UnavailableBackend

OUR_MANIFEST = Path(__file__).resolve().parents[1] / "check" / "ports" / "lua_port.toml"
INTEGER_LIMIT = 2.0 ** 63   # math.tointeger gives an integer for -2^63 <= x < 2^63


def is_lua_integer(x):
    """Does x reach Lua 5.3+ as an integer in the INTEGERS run?  The same
    test as lua_port/interpret_port.lua's (math.tointeger; -0.0 stays a float)."""
    return (math.isfinite(x) and x.is_integer() and -INTEGER_LIMIT <= x < INTEGER_LIMIT
            and not (x == 0.0 and math.copysign(1.0, x) < 0))


def has_lua_integers(program):
    """Has program an input or a constant that an INTEGERS run makes a Lua integer?"""
    return (any(is_lua_integer(value) for _, value in program.inputs)
            or any(arg.kind == "num" and is_lua_integer(arg.value)
                   for step in program.steps for arg in step.args))


class WorkerFailure(RuntimeError):
    """The worker could not answer: it ran past its time limit, past its
    memory, or died (the next program gets a fresh worker)."""


class LuaPortBackend:
    """Our port on one runtime through the check's worker (a PortRuntime)."""

    kind = "lua"

    def __init__(self, runtime, open_runtime):
        self.name = runtime
        self._open = open_runtime      # () -> a started LuaPortRuntime
        self._port, self._pid = None, None

    @property
    def port(self):
        """The worker of this process: a forked process (the matrix's pool)
        must not talk to its parent's worker, so it starts its own."""
        if self._port is None or self._pid != os.getpid():
            self._port, self._pid = self._open(), os.getpid()
            # stopped (and waited for, so its CPU time is counted) when this
            # process ends, a multiprocessing pool's worker too, which leaves
            # by os._exit after running these finalizers but not atexit's
            Finalize(None, self._port.close, exitpriority=0)
        return self._port

    @property
    def version(self):
        """The runtime's own name for itself, and whether its JIT compiler is
        on (a port that cannot start still has a version: its cells say why)."""
        try:
            port = self.port
            jit = port.status()["jit"]
        except Exception:
            return self.port.version if self._port is not None else self.name
        return port.version + ("" if jit is None else f", JIT {'on' if jit else 'off'}")

    def variants(self, program):
        if self.name in INTEGER_RUNTIMES and has_lua_integers(program):
            return (FLOATS, INTEGERS)
        return (FLOATS,)

    def evaluate(self, program, *, integers=False):
        from ..check.port import PortFailure
        try:
            return self.port.evaluate(program, integers=integers)
        except PortFailure as failure:   # the cell's ERROR says how: timeout, crash, memory
            raise WorkerFailure(f"{failure.kind}: {failure.message}") from None

    def status(self):
        """{"jit": jit.status(), "traces": compiled traces} of the worker (None on PUC Lua)."""
        return self.port.status()

    def close(self):
        if self._port is not None and self._pid == os.getpid():
            self._port.close()
        self._port = None


class LuaInterpreterBackend:
    """LuaJIT's interpreter alone: lua_port.LuaEngine with the JIT off, in
    this process (one per runtime per process, reused for every fixture)."""

    kind = "lua"

    def __init__(self, column, engine):
        self.name = column
        self.engine = engine
        self.version = f"{engine.version}, JIT {'on' if engine.jit_status() else 'off'}"

    def evaluate(self, program):
        # floats already, -0.0 kept (see LuaEngine.evaluate)
        from ..check.lua_adapter import flattened
        return self.engine.evaluate(flattened(program))


@lru_cache(maxsize=None)
def our_manifest():
    from ..check.manifest import load_manifest
    return load_manifest(OUR_MANIFEST)


def make_lua_backend(column, manifest=None):
    """The backend of a Lua column: a runtime as users run it (through
    manifest, default our own port's), or an -interp column."""
    try:
        import lua_port
        runtime = column_runtime(column)
        if runtime not in lua_port.available_runtimes():
            return UnavailableBackend(column, "lupa has no such runtime here")
        if column != runtime:
            return LuaInterpreterBackend(column, lua_port.LuaEngine(runtime, jit=False))
        from ..check.lua_adapter import open_lua_port
        manifest = manifest or our_manifest()
        return LuaPortBackend(runtime, lambda: open_lua_port(manifest, [runtime])[0])
    except Exception as exc:  # no lupa, no such runtime, a port that fails to load
        return UnavailableBackend(column, f"lua_port cannot be loaded ({exc})")


__all__ = ["LuaPortBackend", "WorkerFailure", "LuaInterpreterBackend", "make_lua_backend", "has_lua_integers",
           "is_lua_integer", "OUR_MANIFEST"]

"""Our own Lua port, two ways.

As users run it (lua51 ... luajit21): through the door any user's port goes
through, its manifest (harness/ports/lua_port.toml) and a sandboxed worker
process per runtime (engines/lua.py), LuaJIT with its compiler on, Lua 5.3+
with its integers run too.

LuaJIT's interpreter alone (luajit20-interp, luajit21-interp): in this
process through lua_port.LuaEngine with the compiler off, whose instruction
budget ends runaway work.
"""
from functools import lru_cache
from pathlib import Path

from .base import Engine

OUR_MANIFEST = Path(__file__).resolve().parents[1] / "ports" / "lua_port.toml"


@lru_cache(maxsize=None)
def our_manifest():
    from .manifest import load_manifest
    return load_manifest(OUR_MANIFEST)


def open_our_port(runtime, budget, manifest=None):
    """Our port (or a copy of it: manifest) on one runtime, judged by budget."""
    from .lua import open_lua_port
    return open_lua_port(manifest or our_manifest(), [runtime], lambda _: budget)[0]


class LuaInterpreterEngine(Engine):
    """LuaJIT's interpreter alone: lua_port.LuaEngine with the JIT off, in
    this process (one per runtime per process, reused for every fixture)."""

    def __init__(self, name, runtime, budget):
        from micrograd_lab import lua_port
        self.name, self.budget = name, budget
        self.engine = lua_port.LuaEngine(runtime, jit=False)
        self.version = f"{self.engine.version}, JIT {'on' if self.engine.jit_status() else 'off'}"

    def evaluate(self, program, *, integers=False):
        from .lua import flattened   # floats already, -0.0 kept (see LuaEngine.evaluate)
        return self.engine.evaluate(flattened(program))

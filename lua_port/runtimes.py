"""The Lua runtimes lupa ships, named once for the whole project, and the
parity matrix's Lua columns derived from them.

Every lupa build carries these seven; a platform's lupa wheel may lack some,
so code that runs them asks available_runtimes() which of them load here.
"""
import importlib

RUNTIMES = ("lua51", "lua52", "lua53", "lua54", "lua55", "luajit20", "luajit21")

# LuaJIT: a trace compiler over an interpreter.  Users run it with the
# compiler on; the matrix also runs the interpreter alone, as extra columns.
JIT_RUNTIMES = tuple(r for r in RUNTIMES if r.startswith("luajit"))
# Lua 5.3 and later have an integer subtype (math.type(3) == "integer") whose
# arithmetic wraps around at 2^63; Lua 5.1, 5.2 and LuaJIT have floats only.
INTEGER_RUNTIMES = tuple(r for r in RUNTIMES if r not in JIT_RUNTIMES and int(r[3:]) >= 53)
# Lua 5.4 and later compute x^2 as x*x (luai_numpow), every other power by C's pow.
SQUARING_RUNTIMES = tuple(r for r in INTEGER_RUNTIMES if int(r[3:]) >= 54)

INTERPRETER_SUFFIX = "-interp"
# The matrix's columns of LuaJIT's interpreter alone: luajit20-interp, ...
INTERPRETER_COLUMNS = tuple(r + INTERPRETER_SUFFIX for r in JIT_RUNTIMES)
# Every Lua column of the matrix: each runtime as users run it, then the interpreters.
LUA_COLUMNS = RUNTIMES + INTERPRETER_COLUMNS


def column_runtime(column):
    """The runtime behind a Lua column: luajit21-interp -> luajit21."""
    if column in INTERPRETER_COLUMNS:
        return column[:-len(INTERPRETER_SUFFIX)]
    if column in RUNTIMES:
        return column
    raise ValueError(f"unknown Lua column {column!r}; expected one of {', '.join(LUA_COLUMNS)}")


def lupa_module(runtime):
    """The lupa module of one runtime (lupa.lua54, ...); ValueError for a
    name not in RUNTIMES, ImportError where this lupa lacks it."""
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown Lua runtime {runtime!r}; expected one of {', '.join(RUNTIMES)}")
    return importlib.import_module(f"lupa.{runtime}")


def available_runtimes():
    """The runtimes of RUNTIMES that lupa can import here, in that order."""
    found = []
    for runtime in RUNTIMES:
        try:
            lupa_module(runtime)
        except ImportError:
            continue
        found.append(runtime)
    return tuple(found)

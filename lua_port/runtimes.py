"""The Lua runtimes lupa ships, named once for the whole project.

Every lupa build carries these seven; a platform's lupa wheel may lack some,
so code that runs them asks available_runtimes() which of them load here.
"""
import importlib

RUNTIMES = ("lua51", "lua52", "lua53", "lua54", "lua55", "luajit20", "luajit21")


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

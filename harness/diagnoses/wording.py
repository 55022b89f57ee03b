"""Advice in the words of the port's language: Lua has metamethods, Python
operator methods (__rsub__), JavaScript methods a number must be lifted for.

A port's language is its manifest's (a Lua port) or its hello's (a command
port); family() sorts it into the families the advice is written for.  Also
how runtimes read in one line: "lua51–lua55, luajit20, luajit21".
"""
from micrograd_lab.lua_port.runtimes import RUNTIMES

LUA, PYTHON, JAVASCRIPT, DEFAULT = "lua", "python", "javascript", ""
FAMILIES = {"lua": LUA, "luajit": LUA, "python": PYTHON, "cpython": PYTHON, "pypy": PYTHON,
            "javascript": JAVASCRIPT, "js": JAVASCRIPT, "node": JAVASCRIPT,
            "typescript": JAVASCRIPT, "ts": JAVASCRIPT}


def family(language):
    """The advice family of a language as a port names it (DEFAULT: any other)."""
    return FAMILIES.get(str(language or "").strip().lower(), DEFAULT)


def port_family(result):
    """The family of the port a run.RunResult checked: its engines' languages
    (a hello's, or "lua"), else its manifest's."""
    languages = [lang for lang in getattr(result, "languages", {}).values() if lang]
    port = getattr(result, "port", None)
    return family(languages[0] if languages else getattr(port, "language", ""))


def family_advice(meaning, family_name):
    """meaning, one text or {family: text} with a DEFAULT entry."""
    if isinstance(meaning, str):
        return meaning
    return meaning.get(family_name, meaning[DEFAULT])


def runtime_ranges(names):
    """Runtimes in one line, in the lab's order, three or more consecutive
    ones of a family as a range: "lua51–lua55, luajit20, luajit21"."""
    names = list(dict.fromkeys(names))
    known = [r for r in RUNTIMES if r in names]
    parts, run = [], []

    def flush():
        if len(run) >= 3:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts.extend(run)
        run.clear()

    for runtime in known:
        if run and (RUNTIMES.index(runtime) != RUNTIMES.index(run[-1]) + 1
                    or _kin(runtime) != _kin(run[-1])):
            flush()
        run.append(runtime)
    flush()
    return ", ".join(parts + [n for n in names if n not in RUNTIMES])


def _kin(runtime):
    return "luajit" if runtime.startswith("luajit") else "lua"

"""lua_port/micrograd/ieee.lua reads side by side with python_ref/ieee.py:
the same public names, defined in the same order."""
import re

from lua_helpers import REPO

# Lua 5.3+ have no math.tanh: ieee.lua brings its own (test_lua_libm.py measures it).
LUA_ONLY = ("portable_tanh",)


def python_names():
    text = (REPO / "python_ref/ieee.py").read_text()
    names = re.findall(r"^(?:def (\w+)\(|(\w+) = )", text, re.M)
    return [a or b for a, b in names if not (a or b).startswith("_")]


def lua_names():
    text = (REPO / "lua_port/micrograd/ieee.lua").read_text()
    names = re.findall(r"^(?:function ieee\.(\w+)\(|ieee\.(\w+) = )", text, re.M)
    return [a or b for a, b in names]


def test_same_names_in_the_same_order():
    assert python_names() == ["INF", "NAN", "div", "exp", "log", "pow", "tanh"]
    assert [n for n in lua_names() if n not in LUA_ONLY] == python_names()


def test_the_engine_uses_the_module():
    """engine.lua requires ieee.lua instead of carrying a copy of it."""
    source = (REPO / "lua_port/micrograd/engine.lua").read_text()
    assert 'require("micrograd.ieee")' in source
    assert "TANH_SERIES" not in source and "function ieee." not in source

"""The Python side of the bridge: runtimes, conversions both ways, run_file
and its errors (one line naming the file, the line and the reason)."""
import math
import pkgutil
import re

import lupa
import pytest

from micrograd_lab.lua_port import RUNTIMES, LuaEngine, LuaError, available_runtimes

from lua_helpers import REPO, mlp_output, runtime_params


def _lupa_ships():
    """The runtime modules in the installed lupa package (lua54, luajit21...)."""
    return {m.name for m in pkgutil.iter_modules(lupa.__path__)
            if re.fullmatch(r"lua(jit)?\d+", m.name)}


def test_every_runtime_lupa_ships_is_listed_and_loads():
    shipped = _lupa_ships()
    assert shipped, "lupa ships no runtime module at all"
    assert shipped <= set(RUNTIMES), f"not in lua_port.RUNTIMES: {shipped - set(RUNTIMES)}"
    assert available_runtimes() == tuple(r for r in RUNTIMES if r in shipped)
    with pytest.raises(ValueError, match="unknown Lua runtime 'lua99'"):
        LuaEngine("lua99")


def _expected_version(runtime):
    """lua54 -> "Lua 5.4", luajit21 -> "LuaJIT 2.1": what the name promises."""
    family, major, minor = re.fullmatch(r"(lua|luajit)(\d)(\d)", runtime).groups()
    return f"{'LuaJIT' if family == 'luajit' else 'Lua'} {major}.{minor}"


@pytest.mark.parametrize("runtime", runtime_params())
def test_each_runtime_is_the_lua_its_name_says(runtime, engine):
    assert engine.version.startswith(_expected_version(runtime))
    # the sandboxed code sees the same runtime, not a fallback
    assert engine.execute("return _VERSION") == engine._lua.eval("_VERSION")
    if runtime.startswith("luajit"):
        assert engine.execute("return jit.version") == engine.version


@pytest.mark.parametrize("runtime", runtime_params())
def test_conversions_round_trip(runtime, engine):
    data = {"xs": [1.0, -0.0, 2.5, math.inf], "nested": {"name": "a#2", "ok": True}, "n": 3}
    got = engine.execute("local t = ... return t, t.xs[1] + t.n, #t.xs", data)
    assert got[0]["nested"] == {"name": "a#2", "ok": True}
    assert got[0]["xs"] == [1.0, -0.0, 2.5, math.inf]
    assert math.copysign(1.0, got[0]["xs"][1]) == -1.0, "-0.0 keeps its sign"
    assert got[0]["n"] == 3.0 and type(got[0]["n"]) is float
    assert got[1:] == (4.0, 4.0) and all(type(x) is float for x in got[1:])


@pytest.mark.parametrize("runtime", runtime_params(("lua53", "lua54", "lua55")))
def test_floats_stay_floats(runtime, engine):
    assert engine.execute("local x = ... return math.type(x), math.type(mg.Value(3).data)",
                          2.0) == ("float", "float")


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54")))
def test_run_file(runtime, engine, tmp_path):
    script = tmp_path / "train.lua"
    script.write_text("local xs, opts = ...\n"
                      "local y = mg.Value(0.0)\n"
                      "for _, x in ipairs(xs) do y = y + opts.scale * x end\n"
                      "y:backward()\n"
                      "return {data = y.data, nodes = #xs}\n")
    assert engine.run_file(script, [1.0, 2.0, 3.5], {"scale": 2.0}) == {"data": 13.0, "nodes": 3.0}
    assert engine.run_file(script, [], {"scale": 1.0}) == {"data": 0.0, "nodes": 0.0}


def test_run_file_errors_name_the_place(tmp_path):
    engine = LuaEngine("lua54")
    with pytest.raises(LuaError, match=r"missing\.lua: cannot read the Lua file"):
        engine.run_file(tmp_path / "missing.lua")
    bad = tmp_path / "bad.lua"
    bad.write_text("local x = 1\nlocal y = = 2\n")
    with pytest.raises(LuaError, match=r"^lua54: .*bad\.lua:2: .*'='") as raised:
        engine.run_file(bad)
    assert "\n" not in str(raised.value)
    failing = tmp_path / "failing.lua"
    failing.write_text("local v = mg.Value(1.0)\nreturn v.data + v.nothing\n")
    with pytest.raises(LuaError, match=r"failing\.lua:2: attempt to perform arithmetic"):
        engine.run_file(failing)
    binary = tmp_path / "binary.lua"
    binary.write_bytes(b"\x1bLua bytecode")
    with pytest.raises(LuaError, match="binary chunks are refused"):
        engine.run_file(binary)


def test_only_plain_data_crosses():
    with pytest.raises(TypeError, match="cannot pass a object to Lua"):
        LuaEngine("lua54").execute("return ...", object())


def test_run_file_runs_repo_scripts_by_relative_name():
    result = LuaEngine("lua54").run_file(REPO / "lua_port/micrograd/ieee.lua")
    assert result["INF"] == math.inf and result["div"](1.0, 0.0) == math.inf


@pytest.mark.parametrize("runtime", runtime_params(("luajit21",)))
def test_luajit_with_the_jit_on(runtime):
    """jit=True (fast, but compiled loops escape the budget) gives the same bits."""
    from micrograd_lab.python_ref import MLP
    engine = LuaEngine(runtime, jit=True)
    assert engine.execute("return jit.status == nil") is True, "jit.on/off stay out of the sandbox"
    x = [0.5, -1.0]
    assert mlp_output(engine, 2, [16, 16, 1], x, seed=3) == MLP(2, [16, 16, 1], seed=3)(x).data

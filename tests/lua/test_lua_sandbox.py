"""The sandbox holds: each escape is tried and fails, runaway loops end with
LuaBudgetError, runaway memory with LuaMemoryLimitError, and the engine
still works afterwards."""
import pytest

from micrograd_lab.lua_port import LuaBudgetError, LuaEngine, LuaError, LuaMemoryLimitError

from lua_helpers import runtime_params

ESCAPES = {
    "os.exit": "os.exit(3)",
    "os.execute": "return os.execute('true')",
    "io.open": "return io.open('/etc/passwd'):read('*a')",
    "require": "return require('os')",
    "package.loaded": "return package.loaded.os",
    "load": "return load('return 1')()",
    "loadstring": "return loadstring('return 1')()",
    "dofile": "return dofile('/etc/passwd')",
    "loadfile": "return loadfile('/etc/passwd')",
    "debug.sethook": "debug.sethook()",
    "debug.getregistry": "return debug.getregistry()",
    "getfenv": "return getfenv(0).os",
    "coroutine": "return coroutine.create(print)",
    "python.eval": "return python.eval('1 + 1')",
    "python.builtins": "return python.builtins.open",
    "jit.on": "jit.on()",
    "string.dump": "return string.dump(print)",
    "the real string table": "return getmetatable('').__index.dump",
}


@pytest.mark.parametrize("escape", ESCAPES)
@pytest.mark.parametrize("runtime", runtime_params())
def test_escape_fails(runtime, engine, escape):
    with pytest.raises(LuaError):
        engine.execute(ESCAPES[escape])


@pytest.mark.parametrize("runtime", runtime_params())
def test_sandbox_has_only_safe_globals(runtime, engine):
    names = engine.execute("local names = {} for k in pairs(_G) do names[#names + 1] = k end "
                           "table.sort(names) return names")
    dangerous = {"os", "io", "package", "require", "load", "loadstring", "dofile", "loadfile",
                 "debug", "getfenv", "setfenv", "coroutine", "python", "module", "newproxy"}
    assert set(names) & dangerous == set()
    assert {"mg", "math", "string", "table", "pairs", "pcall"} <= set(names)


@pytest.mark.parametrize("runtime", runtime_params())
def test_python_attributes_refused(runtime, engine):
    """Even a Python object that reaches Lua gives no attribute to Lua code
    (run_file itself only passes plain data: see test_lua_bridge)."""
    class Secret:
        token = "do not read"

    function = engine.compile("local obj = ... return obj.token", "=(attribute test)")
    with pytest.raises(AttributeError, match="may not access Python attributes"):
        engine._guarded(function, Secret())
    function = engine.compile("local obj = ... return obj.__class__", "=(attribute test)")
    with pytest.raises(AttributeError, match="may not access Python attributes"):
        engine._guarded(function, Secret())


@pytest.mark.parametrize("runtime", runtime_params())
def test_infinite_loop_hits_the_budget(runtime):
    engine = LuaEngine(runtime, instruction_budget=10**6)
    with pytest.raises(LuaBudgetError, match="instruction budget of 1000000 exceeded"):
        engine.execute("while true do end")
    # a pcall inside the sandbox cannot swallow the budget error
    with pytest.raises(LuaBudgetError):
        engine.execute("while true do pcall(function() while true do end end) end")
    # the engine still works, with a fresh budget per call
    assert engine.execute("local x = 0 for i = 1, 1000 do x = x + i end return x") == 500500.0


@pytest.mark.parametrize("runtime", runtime_params())
def test_runaway_memory_hits_the_cap(runtime):
    engine = LuaEngine(runtime, max_memory=64 * 2**20)
    with pytest.raises(LuaMemoryLimitError):
        engine.execute("local t = {} for i = 1, 1e9 do t[i] = {i} end")
    assert engine.execute("return 1 + 1") == 2.0


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54")))
def test_one_big_allocation_hits_the_hard_cap(runtime):
    """PUC Lua's cap is lupa's allocator: even one huge string is refused.
    (LuaJIT's cap is the hook's soft check, which one allocation can overshoot.)"""
    engine = LuaEngine(runtime, max_memory=64 * 2**20)
    with pytest.raises(LuaMemoryLimitError):
        engine.execute("return #string.rep('x', 2^30)")


def test_luajit_compiled_loops_are_counted_with_the_jit_off():
    pytest.importorskip("lupa.luajit21")
    engine = LuaEngine("luajit21", instruction_budget=10**6)
    assert engine.execute("return jit and jit.version").startswith("LuaJIT 2.1")
    with pytest.raises(LuaBudgetError):
        engine.execute("local x = 0 while true do x = x + 1 end")


# -- a user's modules: require resolves only what Python read --------------------------

def _port(tmp_path, files):
    from micrograd_lab.lua_port import read_modules
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return read_modules(tmp_path, shown="port")


def test_read_modules_names_files_as_require_finds_them(tmp_path):
    modules = _port(tmp_path, {"engine.lua": "", "nn/init.lua": "", "nn/layers.lua": "",
                               ".hidden/x.lua": "", "notes.txt": ""})
    assert sorted(modules) == ["engine", "nn", "nn.layers"]
    assert modules["nn"]["path"] == "port/nn/init.lua"


def test_read_modules_refuses_too_much(tmp_path, monkeypatch):
    import micrograd_lab.lua_port.bridge  # noqa: F401 (loads the submodule)
    from micrograd_lab import lua_port
    monkeypatch.setattr(lua_port.bridge, "MAX_MODULE_BYTES", 10)
    with pytest.raises(ValueError, match="port: its .lua files hold more than 10 bytes"):
        _port(tmp_path, {"a.lua": "return 'twelve bytes'"})


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54", "luajit21")))
def test_modules_share_one_global_table_when_asked(runtime, tmp_path):
    """A stand-alone program's modules share _G: a port may define a global
    in one file and use it in another."""
    from micrograd_lab.lua_port import LuaSandbox
    modules = _port(tmp_path, {"engine.lua": "Value = {name = 'V'}\n",
                               "nn.lua": "require('engine') return {uses = Value.name}\n",
                               "quiet.lua": "local x = 1\n",
                               "loop_a.lua": "return require('loop_b')\n",
                               "loop_b.lua": "return require('loop_a')\n"})
    sandbox = LuaSandbox(runtime, modules, instruction_budget=None, shared_globals=True)
    env = sandbox.env
    run = lambda source: sandbox.call(sandbox.compile(source, "=(test)", env))  # noqa: E731
    assert run("return require('nn').uses, Value.name") == ("V", "V")
    assert run("return require('quiet')") is True, "a module that returns nothing is true"
    with pytest.raises(LuaError, match="loop or previous error loading module 'loop_a'"):
        run("return require('loop_a')")
    with pytest.raises(LuaError, match="module 'os' is not part of the port"):
        run("return require('os')")
    # without sharing, each module keeps its globals to itself
    apart = LuaSandbox(runtime, modules, instruction_budget=None)
    assert apart.env is None
    with pytest.raises(LuaError, match="attempt to index"):
        apart.require("nn")

"""A user's Lua port through a manifest: one sandboxed worker per runtime.

Our own port through this path gives the Lua backend's bits; a small port
written here (no tanh, no division, integers kept as they come) shows what a
user's port meets: missing ops are UNSUPPORTED, its errors name the step,
escapes from the sandbox fail, and a port that hangs, eats memory or dies is
stopped, reported, and replaced for the next program."""
import functools
import json
import os
import signal
import struct
import threading
from pathlib import Path

import pytest

from micrograd_lab.harness.engines.manifest import ManifestError, load_manifest
from micrograd_lab.harness.engines.open import open_port
from micrograd_lab.harness.engines.base import EngineFailure, Unsupported
from micrograd_lab.harness.ops import OPS
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.lua_port import RUNTIMES, LuaEngine, available_runtimes, flatten_program

import shared_corpus

REPO = Path(__file__).resolve().parents[2]
OUR_PORT = REPO / "harness/ports/lua_port.toml"
AVAILABLE = available_runtimes()


def runtime_params(runtimes=RUNTIMES):
    return [pytest.param(r, marks=pytest.mark.skipif(
        r not in AVAILABLE, reason=f"lupa has no {r} runtime here")) for r in runtimes]


def same_bits(a, b):
    """Identical doubles, -0.0 apart from 0.0; any nan matches any nan."""
    return (a != a and b != b) or struct.pack("<d", a) == struct.pack("<d", b)

MINI_INIT = """\
-- A small port for the adapter's tests: no tanh, no division, and numbers
-- kept as they come (never multiplied by 1.0), so integers stay integers.
local util = require("mini.util")
local Value = {}
Value.__index = Value

local function new(data, children)
  return setmetatable({data = data, grad = 0, children = children or {}, back = util.nothing}, Value)
end
setmetatable(Value, {__call = function(_, x) return new(x) end})

local function lift(x)
  if getmetatable(x) == Value then
    return x
  end
  return new(x)
end

function Value.__add(a, b)
  a, b = lift(a), lift(b)
  local out = new(a.data + b.data, {a, b})
  out.back = function()
    a.grad = a.grad + out.grad
    b.grad = b.grad + out.grad
  end
  return out
end

function Value.__mul(a, b)
  a, b = lift(a), lift(b)
  local out = new(a.data * b.data, {a, b})
  out.back = function()
    a.grad = a.grad + b.data * out.grad
    b.grad = b.grad + a.data * out.grad
  end
  return out
end

function Value:exp()
  error("exp is not written yet")
end

function Value:backward()
  local order = util.topological_order(self)
  self.grad = 1
  for i = #order, 1, -1 do
    order[i].back()
  end
end

return Value
"""

MINI_UTIL = """\
local util = {}

function util.nothing() end

-- children before parents: a visited set and an explicit stack
function util.topological_order(root)
  local order, seen, stack = {}, {[root] = true}, {{root, 1}}
  while #stack > 0 do
    local top = stack[#stack]
    local node, i = top[1], top[2]
    local child = node.children[i]
    if child == nil then
      stack[#stack] = nil
      order[#order + 1] = node
    else
      top[2] = i + 1
      if not seen[child] then
        seen[child] = true
        stack[#stack + 1] = {child, 1}
      end
    end
  end
  return order
end

return util
"""

# Each escape is a function the setup defines; the op `sigmoid` calls the one
# chosen by its input's value.  Each must fail and leave the worker alive.
ESCAPES = {  # what it tries -> a word the refusal must name
    "os.exit": ("os.exit(3)", "'os'"),
    "io.open": ("return io.open('/etc/passwd')", "'io'"),
    "require a library": ("return require('os')", "module 'os' is not part of the port"),
    "require beside the root": ("return require('secret')",
                                "module 'secret' is not part of the port"),
    "load": ("return load('return 1')()", "'load'"),
    "loadstring": ("return loadstring('return 1')()", "'loadstring'"),
    "dofile": ("return dofile('/etc/passwd')", "'dofile'"),
    "debug": ("return debug.getinfo(1)", "'debug'"),
    "python": ("return python.eval('1')", "'python'"),
    "package": ("return package.loaded", "'package'"),
    "string.dump": ("return string.dump(print)", "'dump'"),
    "getfenv": ("return getfenv(0)", "'getfenv'"),
    "the string metatable": ("return getmetatable('').__index.dump", "boolean"),
}


def write_port(folder, setup='Value = require("mini")', ops="", **port):
    """A manifest for the mini port in folder; returns the loaded Manifest."""
    (folder / "port/mini").mkdir(parents=True, exist_ok=True)
    (folder / "port/mini/init.lua").write_text(MINI_INIT)
    (folder / "port/mini/util.lua").write_text(MINI_UTIL)
    (folder / "secret.lua").write_text('return "outside the root"\n')
    fields = "".join(f"{key} = {json.dumps(value)}\n" for key, value in port.items())
    (folder / "mini.toml").write_text(
        f'[port]\nname = "mini"\nlanguage = "lua"\nroot = "port"\nsetup = \'\'\'\n{setup}\n\'\'\'\n'
        f"{fields}[ops]\n{ops}")
    return load_manifest(folder / "mini.toml")


@pytest.fixture
def opened():
    """open(manifest, runtime) -> its PortRuntime, closed after the test."""
    ports = []

    def open_one(manifest, runtime):
        ports.extend(open_port(manifest, [runtime]))
        return ports[-1]
    yield open_one
    for port in ports:
        port.close()


def program(text, **inputs):
    return parse_program(text, inputs, text.strip().splitlines()[-1].split("=")[0].strip())


OK = program("y = x * 3 + x", x=2.0)   # data 8, x.grad 4


def assert_ok(port):
    assert port.evaluate(OK) == {"x": (2.0, 4.0), "y.1": (6.0, 1.0), "y": (8.0, 1.0)}


# -- our own port through the manifest ----------------------------------------------

@functools.lru_cache(maxsize=None)
def _representative():
    """Every fourth fixture under 5,000 nodes, in the corpus order: each tag,
    the edges and the found cases, in a few seconds on seven runtimes."""
    assert not shared_corpus.ERRORS
    small = [f for f in shared_corpus.FIXTURES if len(f.program.node_ids()) < 5000]
    return small[::4]


@pytest.mark.parametrize("runtime", runtime_params())
def test_our_port_gives_the_lua_backends_bits(runtime, opened):
    port = opened(load_manifest(OUR_PORT), runtime)
    assert port.declared_ops() == frozenset(OPS)
    # the same port in this process through its own interpreter (interpret.lua,
    # the -interp columns' path): LuaJIT with its JIT off, and on
    engines = [LuaEngine(runtime)]
    if runtime.startswith("luajit"):
        engines.append(LuaEngine(runtime, jit=True))
    fixtures = _representative()
    assert len(fixtures) > 40
    for fixture in fixtures:
        got = port.evaluate(fixture.program)
        for engine in engines:
            want = engine.evaluate(flatten_program(fixture.program))
            assert list(got) == list(want), fixture.name
            for node, (data, grad) in want.items():
                assert same_bits(got[node][0], data) and same_bits(got[node][1], grad), \
                    (fixture.name, node, got[node], (data, grad))


@pytest.mark.parametrize("runtime", runtime_params(("luajit20", "luajit21")))
def test_luajit_runs_with_its_jit_on(runtime, opened):
    port = opened(load_manifest(OUR_PORT), runtime)
    assert port.status()["jit"] is True
    before = port.status()["traces"]
    chain = "\n".join(f"x{i + 1} = x{i} * 1.0 + 0.5" for i in range(2000))
    port.evaluate(program(chain, x0=0.25))
    assert port.status()["traces"] > before, "the hot loops were compiled"
    assert port.version.startswith("LuaJIT 2.")


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54")))
def test_puc_lua_has_no_jit(runtime, opened):
    port = opened(load_manifest(OUR_PORT), runtime)
    assert port.status() == {"jit": None, "traces": None}
    assert port.version == f"Lua {runtime[3]}.{runtime[4]}"


# -- a user's port -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mini")
    setup = 'Value = require("mini")\nESCAPES = {\n' + "".join(
        f"  function() {code} end,\n" for code, _ in ESCAPES.values()) + "}\nseen = 0"
    return write_port(folder, setup=setup, ops='tanh = "v:tanh()"\nsigmoid = "ESCAPES[v.data]()"\n'
                                               'log = false\n'
                                               'relu = "(function() seen = seen + 1 return Value(seen) end)()"\n')


@pytest.mark.parametrize("runtime", runtime_params())
def test_a_missing_method_or_metamethod_is_unsupported(runtime, mini, opened):
    port = opened(mini, runtime)
    assert_ok(port)
    with pytest.raises(Unsupported) as tanh:
        port.evaluate(program("y = x.tanh()", x=2.0))
    assert tanh.value.op == "tanh" and "tanh" in str(tanh.value)
    with pytest.raises(Unsupported) as div:   # the Values have no __div
        port.evaluate(program("y = x / 3", x=2.0))
    assert div.value.op == "div"
    with pytest.raises(Unsupported) as log:   # log = false in the manifest
        port.evaluate(program("y = x.log()", x=2.0))
    assert log.value.op == "log"
    assert "log" not in port.declared_ops() and "tanh" in port.declared_ops()
    assert_ok(port)


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54", "luajit21")))
def test_an_error_inside_the_port_names_the_step_and_the_file(runtime, mini, opened):
    port = opened(mini, runtime)
    with pytest.raises(EngineFailure) as raised:
        port.evaluate(program("a = x * 2\nb = a.exp()", x=2.0))
    assert raised.value.kind == "error"
    assert raised.value.message.startswith("step b (exp): ")
    assert raised.value.message.endswith("port/mini/init.lua:40: exp is not written yet")


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54", "luajit21")))
def test_escapes_from_the_sandbox_fail(runtime, mini, opened):
    port = opened(mini, runtime)
    pid = port.pid
    for i, name in enumerate(ESCAPES, 1):
        with pytest.raises(EngineFailure) as raised:
            port.evaluate(program("y = x.sigmoid()", x=float(i)))
        assert raised.value.kind == "error", name
        assert raised.value.message.startswith("step y (sigmoid): "), name
        assert ESCAPES[name][1] in raised.value.message, (name, raised.value.message)
    assert port.pid == pid, "os.exit did not end the worker"
    assert_ok(port)


@pytest.mark.parametrize("runtime", runtime_params())
def test_integers_reach_lua_53_and_later_as_integers(runtime, mini, opened):
    """x + x doubled 63 times from 1: 2^63, which Lua 5.3+ integers wrap to
    -2^63 (and a -0.0 input stays a float: it keeps its sign)."""
    port = opened(mini, runtime)
    doubling = program("\n".join(f"x{i + 1} = x{i} + x{i}" for i in range(63)), x0=1.0)
    as_floats = port.evaluate(doubling)["x63"][0]
    as_written = port.evaluate(doubling, integers=True)["x63"][0]
    assert as_floats == 2.0 ** 63
    has_integers = runtime in ("lua53", "lua54", "lua55")
    assert as_written == (-(2.0 ** 63) if has_integers else 2.0 ** 63)
    negative_zero = port.evaluate(program("y = x * 1", x=-0.0), integers=True)["y"][0]
    assert same_bits(negative_zero, -0.0)


@pytest.mark.parametrize("runtime", runtime_params(("lua54", "luajit21")))
def test_state_persists_until_restart(runtime, mini, opened):
    """The setup's globals live as long as the worker; restart() is a fresh runtime."""
    port = opened(mini, runtime)
    counted = program("y = x.relu()", x=0.5)   # y = Value(how many relus so far)
    assert [port.evaluate(counted)["y"][0] for _ in range(3)] == [1.0, 2.0, 3.0]
    pid = port.pid
    port.restart()
    assert port.pid != pid
    assert port.evaluate(counted)["y"][0] == 1.0


# -- limits ---------------------------------------------------------------------------------

@pytest.mark.parametrize("runtime", runtime_params())
def test_a_hanging_port_times_out_and_the_next_program_runs(runtime, tmp_path, opened):
    manifest = write_port(tmp_path, timeout=0.25,
                          ops='tanh = "(function() local x = 0 while true do x = x + 1 end end)()"\n')
    port = opened(manifest, runtime)
    assert_ok(port)
    pid = port.pid
    with pytest.raises(EngineFailure) as raised:
        port.evaluate(program("y = x.tanh()", x=2.0))
    assert raised.value.kind == "timeout"
    # where the program was: its op loops, so the student looks at the op
    assert raised.value.message == (f"{runtime}: still running after 0.25 s, building the graph "
                                    "(the worker was stopped)")
    assert_ok(port)
    assert port.pid != pid


@pytest.mark.parametrize("runtime", runtime_params(("lua54",)))
def test_the_limit_counts_the_workers_cpu_not_the_wall_clock(runtime, tmp_path, opened):
    """A worker that gets no CPU (stopped here, as on a loaded machine) is not
    timed out by the time limit; only the wall-clock backstop (10x) ends it."""
    port = opened(write_port(tmp_path, timeout=0.15), runtime)
    assert_ok(port)
    os.kill(port.pid, signal.SIGSTOP)
    resume = threading.Timer(0.45, os.kill, (port.pid, signal.SIGCONT))
    resume.start()          # 3 times the limit, a third of the backstop
    assert_ok(port)
    resume.join()
    os.kill(port.pid, signal.SIGSTOP)
    with pytest.raises(EngineFailure) as raised:
        port.evaluate(OK)
    assert raised.value.kind == "timeout"
    assert_ok(port)


@pytest.mark.parametrize("runtime", runtime_params())
def test_a_memory_hog_hits_the_cap_and_the_next_program_runs(runtime, tmp_path, opened):
    manifest = write_port(tmp_path, max_memory=64, timeout=30,
                          ops='tanh = "(function() local t = {} for i = 1, 1e9 do t[i] = {i} end end)()"\n')
    port = opened(manifest, runtime)
    with pytest.raises(EngineFailure) as raised:
        port.evaluate(program("y = x.tanh()", x=2.0))
    assert raised.value.kind == "memory", raised.value.message
    assert_ok(port)


@pytest.mark.parametrize("runtime", runtime_params(("lua54", "luajit21")))
def test_a_hanging_setup_fails_every_program_without_waiting_again(runtime, tmp_path, opened):
    manifest = write_port(tmp_path, setup="while true do end", timeout=0.25)
    port = opened(manifest, runtime)
    with pytest.raises(EngineFailure) as first:
        port.evaluate(OK)
    assert first.value.kind == "timeout" and first.value.message.startswith("setup: ")
    with pytest.raises(EngineFailure) as second:
        port.evaluate(OK)
    assert second.value is first.value and port.pid is None, "no new worker is started"


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "luajit21")))
def test_a_failing_setup_is_an_error_on_every_program(runtime, tmp_path, opened):
    manifest = write_port(tmp_path, setup='Value = require("engine")')
    port = opened(manifest, runtime)
    for _ in range(2):
        with pytest.raises(EngineFailure) as raised:
            port.evaluate(OK)
        assert raised.value.kind == "error"
        assert "setup: " in raised.value.message
        assert "module 'engine' is not part of the port" in raised.value.message


@pytest.mark.parametrize("runtime", runtime_params(("lua54", "luajit21")))
def test_a_killed_worker_is_a_crash_and_the_next_program_runs(runtime, tmp_path, opened):
    manifest = write_port(tmp_path, timeout=60,
                          ops='tanh = "(function() while true do end end)()"\n')
    port = opened(manifest, runtime)
    assert_ok(port)
    os.kill(port.pid, signal.SIGKILL)   # between two programs
    with pytest.raises(EngineFailure) as between:
        port.evaluate(OK)
    assert between.value.kind == "crash" and "SIGKILL" in between.value.message
    assert_ok(port)
    killer = threading.Timer(0.25, os.kill, (port.pid, signal.SIGKILL))
    killer.start()                      # in the middle of one
    with pytest.raises(EngineFailure) as during:
        port.evaluate(program("y = x.tanh()", x=2.0))
    killer.join()
    assert during.value.kind == "crash" and "SIGKILL" in during.value.message
    assert_ok(port)


def test_open_port_refuses_a_runtime_the_manifest_does_not_name(tmp_path):
    manifest = write_port(tmp_path, runtimes=["lua54"])
    with pytest.raises(ValueError, match="does not name runtime lua51"):
        open_port(manifest, ["lua51"])


def test_a_root_with_too_many_files_is_a_manifest_error(tmp_path, monkeypatch):
    import micrograd_lab.lua_port.bridge  # noqa: F401 (loads the submodule)
    from micrograd_lab import lua_port
    manifest = write_port(tmp_path)
    monkeypatch.setattr(lua_port.bridge, "MAX_MODULE_FILES", 1)
    with pytest.raises(ManifestError) as raised:
        open_port(manifest, ["lua54"])
    assert f"mini.toml:4:8: [port] root: {tmp_path / 'port'}: more than 1 .lua files" in str(raised.value)


def test_a_worker_leaves_when_its_parent_dies(tmp_path):
    """A runner killed mid-program leaves no worker spinning in the port's loop."""
    import subprocess
    import sys
    import time
    write_port(tmp_path, timeout=600, ops='tanh = "(function() while true do end end)()"\n')
    script = ("import sys\n"
              "from harness.engines.manifest import load_manifest\n"
              "from harness.engines.open import open_port\n"
              "from harness.parse import parse_program\n"
              "port = open_port(load_manifest(sys.argv[1]), ['lua54'])[0]\n"
              "print(port.evaluate(parse_program('y = x * 2', {'x': 1.0}, 'y'))['y'][0], port.pid,"
              " flush=True)\n"
              "port.evaluate(parse_program('y = x.tanh()', {'x': 1.0}, 'y'))\n")
    parent = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "mini.toml")],
                              cwd=REPO, stdout=subprocess.PIPE, text=True)
    data, worker = parent.stdout.readline().split()
    assert float(data) == 2.0
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _alive(int(worker)):
        time.sleep(0.2)
    assert not _alive(int(worker)), "the worker outlived its parent"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by init) counts as gone
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_a_program_is_flattened_once_for_both_runs_and_forgotten_when_freed(monkeypatch):
    import gc
    import pickle

    from micrograd_lab import lua_port
    from micrograd_lab.harness.engines import lua as lua_adapter

    calls = []
    monkeypatch.setattr(lua_port, "flatten_program",
                        lambda program: calls.append(program) or flatten_program(program))
    program = parse_program("y = x * 3 + 1", {"x": 2.0}, "y")
    ids, floats = lua_adapter._Program.of(program, False)
    same_ids, integers = lua_adapter._Program.of(program, True)
    assert lua_adapter._Program.of(program, False) == (ids, floats)
    assert len(calls) == 1 and same_ids == ids
    assert pickle.loads(floats)[2]["integers"] is False
    assert pickle.loads(integers)[2]["integers"] is True
    key = id(program)
    assert key in lua_adapter._Program._made
    del program, calls[:]
    gc.collect()
    assert key not in lua_adapter._Program._made

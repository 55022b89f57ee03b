"""The Lua spec (lua_port/spec/*_spec.lua, busted style) under busted on
every stand-alone interpreter and on every lupa runtime, and the spec's
expected values against python_ref.

busted cannot run inside lupa: its runner needs C modules (luasystem,
lua-term, lfs) that Debian builds against its own liblua5.x, which lupa's
embedded Lua cannot load (and there are none for Lua 5.5 or LuaJIT 2.0).
Its assertions can: luassert is pure Lua, so the lupa path loads Debian's
luassert and runs the spec with spec_collector.lua (describe and it only).
That runs in a plain lupa runtime, not in LuaEngine's sandbox, because
luassert itself uses debug.getinfo, debug.getmetatable, io.type and
os.getenv, which the sandbox removes; the port is required from lua_port/.
"""
import importlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import spec_values
from lua_helpers import REPO, STANDALONE, runtime_params

LUA_PORT = REPO / "lua_port"
SPEC = LUA_PORT / "spec" / "micrograd_spec.lua"
SPEC_FILES = sorted((LUA_PORT / "spec").glob("*_spec.lua"))
COLLECTOR = Path(__file__).resolve().parent / "spec_collector.lua"
# where luarocks (/usr/local) or Debian (/usr, lua-luassert) put pure-Lua modules
LUASSERT_DIRS = (Path("/usr/local/share/lua/5.1"), Path("/usr/share/lua/5.1"))
# busted's summary line: "13 successes / 0 failures / 0 errors / 0 pending : 0.09 seconds"
RESULT_LINE = re.compile(r"^(\d+) successe?s? / (\d+) failures? / (\d+) errors? / (\d+) pending",
                         re.M)
RUNTIME_NAME = {"lua5.1": "Lua 5.1", "lua5.4": "Lua 5.4", "luajit": "LuaJIT"}


def it_names(path):
    """The names of the `it` blocks written in a spec file: one per line,
    never in a loop, so this count is what busted must report."""
    return re.findall(r'^\s*it\("(.*)", function\(\)$', path.read_text(), re.M)


ITS = [name for path in SPEC_FILES for name in it_names(path)]
DEEP_ITS = [name for name in ITS if "#deep" in name]
DEFAULT_ITS = [name for name in ITS if "#deep" not in name]


def busted_result(stdout):
    """(successes, failures, errors, pending) from busted's own summary line."""
    found = RESULT_LINE.findall(stdout)
    assert len(found) == 1, f"no single busted result line in:\n{stdout}"
    return tuple(int(n) for n in found[0])


def busted_params(binaries=STANDALONE):
    def reason(binary):
        if shutil.which("busted") is None:
            return "busted is not installed (.ci/run installs lua-busted from Debian)"
        if shutil.which(binary) is None:
            return f"{binary} is not installed (.ci/run installs it from Debian)"
        return None
    return [pytest.param(b, marks=pytest.mark.skipif(reason(b) is not None, reason=reason(b) or ""))
            for b in binaries]


def busted(binary, *args, timeout=120):
    return subprocess.run(["busted", f"--lua={binary}", *args], cwd=LUA_PORT,
                          capture_output=True, text=True, timeout=timeout)


def test_the_spec_has_its():
    assert len(DEFAULT_ITS) >= 13 and len(DEEP_ITS) == 1, ITS


# -- busted on the stand-alone interpreters --------------------------------------

@pytest.mark.parametrize("binary", busted_params())
def test_spec_under_busted(binary):
    done = busted(binary)
    assert done.returncode == 0, done.stdout + done.stderr
    assert busted_result(done.stdout) == (len(DEFAULT_ITS), 0, 0, 0), done.stdout


@pytest.mark.parametrize("binary", busted_params())
def test_busted_runs_the_interpreter_asked_for(binary):
    """--lua reruns busted under that interpreter: the spec names its runtime."""
    done = busted(binary, "--list")
    assert done.returncode == 0, done.stdout + done.stderr
    listed = [line for line in done.stdout.splitlines() if line.startswith("spec/micrograd_spec.lua:")]
    assert len(listed) == len(it_names(SPEC))
    assert all(f"micrograd on {RUNTIME_NAME[binary]}" in line for line in listed), listed


@pytest.mark.parametrize("binary", busted_params(("luajit",)))
def test_deep_chain_under_busted(binary):
    """The million-node chain (about 1 GiB, seconds): LuaJIT only."""
    done = busted(binary, "--run=deep", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert busted_result(done.stdout) == (len(DEEP_ITS), 0, 0, 0), done.stdout


@pytest.mark.parametrize("binary", busted_params(("lua5.4",)))
def test_busted_failures_are_counted(binary, tmp_path):
    """The result line the tests above read does count a failing and an erroring it."""
    (tmp_path / "planted_spec.lua").write_text(
        'describe("planted", function()\n'
        '  it("passes", function() assert.is_true(true) end)\n'
        '  it("fails", function() assert.are.equal(1, 2) end)\n'
        '  it("errors", function() error("boom") end)\n'
        'end)\n')
    done = busted(binary, str(tmp_path))
    assert done.returncode != 0
    assert busted_result(done.stdout) == (1, 1, 1, 0), done.stdout


# -- luassert and spec_collector.lua on the lupa runtimes ---------------------------

def luassert_dir():
    for directory in LUASSERT_DIRS:
        if (directory / "luassert" / "init.lua").is_file() and (directory / "say" / "init.lua").is_file():
            return directory
    return None


needs_luassert = pytest.mark.skipif(
    luassert_dir() is None,
    reason="luassert is not installed (.ci/run installs lua-busted, which brings lua-luassert)")


def run_on_lupa(runtime, files, **options):
    """Run spec files in a fresh plain lupa runtime; options as spec_collector.lua's."""
    lua = importlib.import_module(f"lupa.{runtime}").LuaRuntime(unpack_returned_tuples=True)
    package = lua.globals().package
    share = luassert_dir()
    package.path = f"{LUA_PORT}/?.lua;{LUA_PORT}/?/init.lua;{share}/?.lua;{share}/?/init.lua"
    package.cpath = ""  # C modules are built for Debian's liblua, not lupa's Lua
    table = lua.table_from
    collect = lua.execute(f"return loadfile({str(COLLECTOR)!r})")
    result = collect(table([str(f) for f in files]),
                     table({key: table(value) for key, value in options.items()}))
    return list(result.names.values()), list(result.failures.values())


@needs_luassert
@pytest.mark.parametrize("runtime", runtime_params())
def test_spec_on_lupa(runtime):
    names, failures = run_on_lupa(runtime, SPEC_FILES, exclude_tags=["deep"])
    assert failures == []
    assert len(names) == len(DEFAULT_ITS)
    assert all(name.endswith(" " + it) for name, it in zip(names, DEFAULT_ITS)), names


@needs_luassert
@pytest.mark.parametrize("runtime", runtime_params(("lua54",)))
def test_deep_chain_on_lupa(runtime):
    names, failures = run_on_lupa(runtime, SPEC_FILES, tags=["deep"])
    assert failures == [] and len(names) == len(DEEP_ITS) == 1


@needs_luassert
def test_lupa_failures_are_reported(tmp_path):
    planted = tmp_path / "planted_spec.lua"
    planted.write_text(
        'describe("planted", function()\n'
        '  it("passes", function() assert.is_true(true) end)\n'
        '  it("fails", function() assert.are.equal(1, 2) end)\n'
        '  it("errors", function() error("boom") end)\n'
        '  it("is left out #deep", function() error("ran") end)\n'
        'end)\n')
    names, failures = run_on_lupa("lua54", [planted], exclude_tags=["deep"])
    assert names == ["planted passes", "planted fails", "planted errors"]
    assert [f.split(":")[0] for f in failures] == ["planted fails", "planted errors"]
    assert "Expected objects to be equal" in failures[0] and "boom" in failures[1]


# -- the spec's expected values ---------------------------------------------------------

def test_spec_values_are_python_refs():
    """The spec's generated values (PRNG vectors, edge values of every op,
    lecture values) are exactly what python_ref computes now."""
    assert spec_values.EXPECTED_FILE.read_text() == spec_values.lua_module(), \
        ("lua_port/spec/expected.lua is stale (python_ref or harness/ops.py changed): "
         "run .venv/bin/python tests/lua/spec_values.py and review the diff")
    assert spec_values.EXPECTED_FILE.read_text().startswith(spec_values.HEADER + "\n")


# The first draws of Rng(0) and Rng(42), written here as well as in spec/expected.lua:
# a change to rng.py cannot pass by regenerating the spec.
KNOWN_DRAWS = {0: [0.7669364154624694, 0.7286176883039249], 42: [0.665697786599663]}


def test_rng_vectors_known():
    from micrograd_lab.python_ref import Rng
    text = spec_values.EXPECTED_FILE.read_text()
    for seed, want in KNOWN_DRAWS.items():
        rng = Rng(seed)
        assert [rng.random() for _ in want] == want
        assert f'random_{seed} = {{' + ", ".join(f'"{w!r}"' for w in want) in text

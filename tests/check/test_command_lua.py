"""The project's Lua port through the protocol under the stand-alone lua5.1,
lua5.4 and luajit (harness/drivers/lua_driver.lua, manifests in
harness/ports/): bit-identical to python_ref, numbers exact, but for Lua 5.4's
x^2 (x * x, where glibc's pow can be 1 ulp off)."""
import shutil
import subprocess

import pytest
from command_helpers import (PORTS, REPO, awkward_program, backward_twice, chain, differing,
                             lua_has_dkjson, opened, ops_by_state, program, same_bits,
                             small_corpus)

from micrograd_lab.harness.engines.command import CommandEngine
from micrograd_lab.harness.engines.command_protocol import validator
from micrograd_lab.harness.engines.base import EngineFailure, Unsupported
from micrograd_lab.harness.probes import LOWERED, SUPPORTED, UNSUPPORTED_OP
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.ops import OPS
from micrograd_lab.python_ref import ieee

DRIVER = REPO / "harness" / "drivers" / "lua_driver.lua"
VERSIONS = {"lua5.1": "Lua 5.1", "lua5.4": "Lua 5.4", "luajit": "LuaJIT 2."}


def interpreter(binary):
    if shutil.which(binary) is None:
        reason = f"`{binary}` is not installed"
    elif not lua_has_dkjson(binary):
        reason = f"{binary} has no dkjson module (Debian: lua-dkjson)"
    else:
        return pytest.param(binary)
    return pytest.param(binary, marks=pytest.mark.skip(reason=reason))


BINARIES = [interpreter(binary) for binary in VERSIONS]


@pytest.fixture(scope="module", params=BINARIES)
def lua(request):
    """(binary, runtime of its shipped manifest), one process per interpreter."""
    with opened(PORTS / f"lua_port-{request.param}.toml") as runtime:
        yield request.param, runtime


def test_the_hello_validates_and_names_the_interpreter(lua):
    binary, runtime = lua
    assert runtime.last_start_failure is None
    validator().validate(runtime.hello)
    assert runtime.version.startswith(VERSIONS[binary])
    said = subprocess.run([binary, "-v"], capture_output=True, text=True)
    assert runtime.version.split()[1][:3] in (said.stdout + said.stderr)
    assert runtime.declared_ops() is None    # the driver has no list of ops


def test_every_op_runs(lua):
    _, runtime = lua
    assert ops_by_state(runtime) == {SUPPORTED: set(OPS)}


def squared_otherwise(fixture):
    """Does a pow of the fixture square a number whose glibc pow(x, 2) is not
    x * x (Lua 5.4+ computes x^2 as x * x)?"""
    reference = interpret(fixture.program)
    for step in fixture.program.steps:
        if step.op == "pow":
            base, exponent = step.resolve(lambda node: reference[node][0])
            if exponent == 2.0 and repr(ieee.pow(base, 2.0)) != repr(base * base):
                return True
    return False


def test_the_small_corpus_is_python_refs_to_the_bit(lua):
    binary, runtime = lua
    fixtures = small_corpus()
    assert len(fixtures) > 200
    squaring = binary == "lua5.4"
    assert differing(runtime, fixtures) == [f.name for f in fixtures
                                            if squaring and squared_otherwise(f)]


@pytest.mark.parametrize("integers", [False, True])
def test_awkward_numbers_cross_exactly(lua, integers):
    _, runtime = lua
    p = awkward_program()
    got = runtime.evaluate(p, integers=integers)
    assert same_bits(got, interpret(p))
    assert repr(got["t"][0]) == "0.30000000000000004"


def test_a_long_chain_crosses_whole(lua):
    _, runtime = lua
    p = chain(5_000)    # a 200 kB request: more than a pipe holds at once
    assert same_bits(runtime.evaluate(p), interpret(p))


def test_backward_twice_accumulates(lua):
    binary, _ = lua
    assert backward_twice(PORTS / f"lua_port-{binary}.toml") == (-4.0, 6.0)


# A port that keeps numbers as the user gave them (Lua 5.3+ integers wrap),
# prints while it works, and has no tanh: what a student's port may do.
TINY_PORT = """
local Value = {}
Value.__index = Value
local function new(x) return setmetatable({data = x, grad = 0}, Value) end
setmetatable(Value, {__call = function(_, x) return new(x) end})
local function lift(x) if getmetatable(x) == Value then return x end return new(x) end
Value.__mul = function(a, b)
  a, b = lift(a), lift(b)
  print("multiplying", a.data, b.data)
  io.write("and io.write goes to stderr too\\n")
  return new(a.data * b.data)
end
function Value:backward() self.grad = 1 end
return {Value = Value}
"""


@pytest.fixture
def tiny_port(tmp_path):
    (tmp_path / "micrograd").mkdir()
    (tmp_path / "micrograd" / "init.lua").write_text(TINY_PORT)
    return tmp_path


def tiny(binary, folder, driver=DRIVER):
    return CommandEngine("tiny", [binary, str(driver), str(folder)], folder,
                          timeout=10, max_memory=512)


@pytest.mark.parametrize("binary", BINARIES)
def test_integers_reach_lua_as_integers_only_when_asked(binary, tiny_port):
    p = program("y = x * 4096.0", {"x": 2.0 ** 52}, "y")   # 2**64: wraps to 0 as an integer
    with tiny(binary, tiny_port) as runtime:
        as_floats = runtime.evaluate(p)["y"][0]
        as_integers = runtime.evaluate(p, integers=True)["y"][0]
    assert as_floats == 2.0 ** 64
    assert as_integers == (0.0 if binary == "lua5.4" else 2.0 ** 64)


@pytest.mark.parametrize("binary", BINARIES)
def test_what_the_port_prints_goes_to_stderr_and_its_errors_are_errors(binary, tiny_port):
    with tiny(binary, tiny_port) as runtime:
        assert runtime.evaluate(program("y = x * 3.0", {"x": 2.0}, "y"))["y"] == (6.0, 1.0)
        with pytest.raises(EngineFailure) as caught:
            runtime.evaluate(program("y = x + 3.0", {"x": 2.0}, "y"))   # no __add
        pid = runtime.pid
    assert caught.value.kind == "error"
    assert "arithmetic" in caught.value.message
    assert pid is not None   # an error leaves the process running


@pytest.mark.parametrize("binary", BINARIES)
def test_an_op_without_its_method_is_unsupported(binary, tiny_port):
    with tiny(binary, tiny_port) as runtime:
        with pytest.raises(Unsupported) as caught:
            runtime.evaluate(program("y = x.tanh()", {"x": 2.0}, "y"))
        assert caught.value.op == "tanh"
        assert runtime.evaluate(program("y = x * 3.0", {"x": 2.0}, "y"))["y"] == (6.0, 1.0)
        found = ops_by_state(runtime)
    assert "mul" in found[SUPPORTED] and "tanh" in found[UNSUPPORTED_OP]
    assert found[LOWERED] == {"sum", "dot"}


@pytest.mark.parametrize("binary", BINARIES)
def test_a_renamed_method_reaches_the_op(binary, tiny_port):
    # what a user does for a port whose tanh is called otherwise: name it in RENAMED
    module = tiny_port / "micrograd" / "init.lua"
    module.write_text(module.read_text().replace(
        "return {Value = Value}", "function Value:double() return new(2 * self.data) end\n"
                                  "return {Value = Value}"))
    line = "local RENAMED = {}\n"
    source = DRIVER.read_text()
    assert line in source
    copy = tiny_port / "my_driver.lua"
    copy.write_text(source.replace(line, 'local RENAMED = {tanh = "double"}\n'))
    with tiny(binary, tiny_port, copy) as runtime:
        assert runtime.evaluate(program("y = x.tanh()", {"x": 2.0}, "y"))["y"][0] == 4.0

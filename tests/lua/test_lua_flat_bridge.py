"""LuaEngine.evaluate's flat crossing: a program goes to Lua as a few flat
arrays and its results come back in slices of api.SLICE numbers, -0.0 listed
apart.  These cases sit on the edges of that encoding."""
import pytest

from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.program import Arg, Program, Step

from lua_helpers import runtime_params, same_bits


def _assert_same(got, want):
    assert list(got) == list(want)
    for node, (data, grad) in want.items():
        assert same_bits(got[node][0], data) and same_bits(got[node][1], grad), node


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54", "luajit21")))
def test_a_program_of_one_input(runtime, engine):
    program = Program(inputs=(("x", -0.0),), steps=(), output="x")
    _assert_same(engine.evaluate(program.to_plain()), {"x": (-0.0, 1.0)})


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54", "luajit21")))
def test_negative_zeros_across_slice_boundaries(runtime, engine):
    """x * -1 repeated past two slices: values alternate 0.0 and -0.0, the
    gradients +-1, and a constant argument sits beside every node."""
    n = 2 * 4000 + 3
    steps, prev = [], "x"
    for i in range(n):
        out = f"x#{i + 2}"
        steps.append(Step(out, "mul", (Arg.node(prev), Arg.num(-1.0))))
        prev = out
    program = Program(inputs=(("x", 0.0),), steps=tuple(steps), output=prev)
    got = engine.evaluate(program.to_plain())
    _assert_same(got, interpret(program))
    # the last number of the first slice and the first of the second
    assert same_bits(got["x#4000"][0], -0.0) and same_bits(got["x#4001"][0], 0.0)


def test_a_bad_argument_is_named():
    from micrograd_lab.lua_port import LuaEngine
    plain = {"inputs": [["a", 1.0]], "steps": [["b", "neg", [["const", "a"]]]], "output": "b"}
    with pytest.raises(ValueError, match="step b: bad argument 'const' 'a'"):
        LuaEngine("lua54").evaluate(plain)


@pytest.mark.parametrize("later", ["z", "c", "b"])
def test_a_node_not_made_before_is_named(later):
    """Nodes cross as places in program order: only earlier nodes have one."""
    from micrograd_lab.lua_port import LuaEngine
    plain = {"inputs": [["a", 1.0]],
             "steps": [["b", "add", [["node", "a"], ["node", later]]],
                       ["c", "neg", [["node", "b"]]]], "output": "c"}
    with pytest.raises(ValueError, match=f"step b: unknown node {later}"):
        LuaEngine("lua54").evaluate(plain)


@pytest.mark.parametrize("runtime", runtime_params(("lua52", "lua54")))
def test_the_collector_runs_again_after_evaluate(runtime, engine):
    """evaluate pauses Lua's collector while the graph is built; it must be
    running afterwards, also when the program raised."""
    from micrograd_lab.lua_port import LuaError
    plain = {"inputs": [["a", 1.0]], "steps": [["b", "neg", [["node", "a"]]]], "output": "b"}
    engine.evaluate(plain)
    assert engine.execute("return collectgarbage('isrunning')") is True
    plain["steps"][0][1] = "cosh"
    with pytest.raises(LuaError, match="unknown op cosh"):
        engine.evaluate(plain)
    assert engine.execute("return collectgarbage('isrunning')") is True


def test_a_big_program_under_a_small_cap_resumes_the_collector():
    """Past a quarter of max_memory the hook resumes the collector, so the
    garbage a program makes does not count against the cap (lua51: no
    emergency collection when an allocation fails).  Measured: this graph
    holds 45 MB; with the collector paused throughout it overran 48 MB."""
    from micrograd_lab.lua_port import LuaEngine
    engine = LuaEngine("lua51", max_memory=48 * 2**20)
    steps, prev = [], "x"
    for i in range(20_000):   # dot nodes: each step leaves its argument tables behind
        out = f"x{i}"
        steps.append([out, "dot", [["num", 0.0], ["node", prev], ["num", 1.0]]])
        prev = out
    plain = {"inputs": [["x", 2.0]], "steps": steps, "output": prev}
    got = engine.evaluate(plain)
    assert got[prev] == (2.0, 1.0) and got["x"] == (2.0, 1.0)


def test_flatten_program_is_flatten_of_the_plain_form():
    """The fast path reads the Program itself; the wire format is the same."""
    from micrograd_lab.harness.fixture import load_corpus
    from micrograd_lab.lua_port import flatten, flatten_program
    fixtures, _ = load_corpus(tags=["nary", "reuse", "lecture", "found"])
    assert len(fixtures) > 20
    for fixture in fixtures:
        assert flatten_program(fixture.program) == flatten(fixture.program.to_plain()), fixture.name

"""The port against python_ref: LuaEngine.evaluate() of Programs equals
harness.interpret.interpret to the bit, and a seeded MLP has the same
weights and output in both engines."""
import pytest

from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.python_ref import MLP

from lua_helpers import BIT_EXACT_RUNTIMES, mlp_output, mlp_weights, runtime_params, same_bits

# name: (program, inputs, output, uses tanh)
PROGRAMS = {
    "all_ops": ("c = a*b + 2\nc = 1 - c / a\nd = 2 ** c + c ** 2 + a ** b\n"
                "e = sum(0.5, a, c, d)\nf = dot(1.0, [a, b], [c, d])\n"
                "g = (e * f).tanh() + (-f).sigmoid() + e.exp().log() + (a - b).relu()",
                {"a": 0.5, "b": -1.5}, "g", True),
    "number_on_the_left": ("y = 2 * x + 1 - x / 3\nz = 2 / y - 3 ** y + 0.5 ** y\nw = -z * z",
                           {"x": 1.25}, "w", False),
    "reassignment": ("c = a + b\nc = c * c\nc = c - a\nd = c ** 3 + c ** 0",
                     {"a": -0.75, "b": 2.0}, "d", False),
    "ieee_edges": ("y = a / b + b.log() + (a * 1e308 * 10).exp() + (-a) ** 0.5\n"
                   "z = y * 0 + (b ** -1).relu() + (a / b).sigmoid()",
                   {"a": 1.0, "b": -0.0}, "z", False),
    "node_reuse": ("b = a + a\nf = (a * b) * (a + b)", {"a": -2.0}, "f", False),
    "neuron": ("h = dot(0.1, [w1, w2], [x1, x2]).tanh()\nk = sum(h, h, w1).relu()",
               {"w1": -0.3, "w2": 0.8, "x1": 1.5, "x2": -2.0}, "k", True),
    # ids reach Lua as data, never as source: Lua's keywords are plain names
    "lua_words_as_names": ("function = a --b\nlocal = function * a\nend = local ** 2 + nil",
                           {"a": 0.5, "b": -1.5, "nil": 2.0}, "end", False),
}


def _assert_same(got, want):
    assert list(got) == list(want), "the node ids, in program order"
    for node, (data, grad) in want.items():
        assert same_bits(got[node][0], data), f"{node}: data {got[node][0]!r} != {data!r}"
        assert same_bits(got[node][1], grad), f"{node}: grad {got[node][1]!r} != {grad!r}"


@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.parametrize("runtime", runtime_params(BIT_EXACT_RUNTIMES))
def test_evaluate_equals_interpret(runtime, engine, name):
    text, inputs, output, _ = PROGRAMS[name]
    program = parse_program(text, inputs, output)
    _assert_same(engine.evaluate(program.to_plain()), interpret(program))


# Lua 5.3+ differ only where their own tanh is used.
@pytest.mark.parametrize("name", [n for n, p in PROGRAMS.items() if not p[3]])
@pytest.mark.parametrize("runtime", runtime_params(("lua53", "lua54", "lua55")))
def test_evaluate_equals_interpret_without_tanh(runtime, engine, name):
    text, inputs, output, _ = PROGRAMS[name]
    program = parse_program(text, inputs, output)
    _assert_same(engine.evaluate(program.to_plain()), interpret(program))


def test_evaluate_names_a_bad_step():
    from micrograd_lab.lua_port import LuaEngine, LuaError
    plain = {"inputs": [["a", 1.0]], "steps": [["b", "cosh", [["node", "a"]]]], "output": "b"}
    with pytest.raises(LuaError, match="step b: unknown op cosh"):
        LuaEngine("lua54").evaluate(plain)


# The PRNG is pure double arithmetic, and a relu MLP only adds and multiplies:
# the same bits on every runtime, LuaJIT 2.0 included.
@pytest.mark.parametrize("runtime", runtime_params())
def test_seeded_mlp_identical(runtime, engine):
    python = MLP(2, [16, 16, 1], seed=7)
    weights = mlp_weights(engine, 2, [16, 16, 1], seed=7)
    assert len(weights) == len(python.parameters()) == 337
    assert all(same_bits(a, b) for a, b in zip(weights, python.parameter_values()))
    x = [0.5, -1.25]
    assert same_bits(mlp_output(engine, 2, [16, 16, 1], x, seed=7), python(x).data)


@pytest.mark.parametrize("runtime", runtime_params(BIT_EXACT_RUNTIMES))
def test_lecture_mlp_identical(runtime, engine):
    """tanh throughout, random biases, the unfused graph: the lecture's MLP."""
    opts = dict(nonlin="tanh", last_nonlin="tanh", random_bias=True, fused=False)
    python = MLP(3, [4, 4, 1], seed=1234, **opts)
    weights = mlp_weights(engine, 3, [4, 4, 1], seed=1234, **opts)
    assert all(same_bits(a, b) for a, b in zip(weights, python.parameter_values()))
    x = [2.0, 3.0, -1.0]
    assert same_bits(mlp_output(engine, 3, [4, 4, 1], x, seed=1234, **opts), python(x).data)
    outputs = mlp_output(engine, 3, [4, 2], x, seed=5)
    assert [same_bits(a, b.data) for a, b in zip(outputs, MLP(3, [4, 2], seed=5)(x))] == [True, True]


# Each topological walk marks the nodes it reaches with a token of its own: a
# walk of a subgraph must hide no node from a later walk of the whole graph.
TWO_WALKS = """
local V = mg.Value
local a, b = V(1.0), V(2.0)
local c = a * b
local e = (c + a) * c
local first = #c:topological_order()
local order = e:topological_order()
e:backward()
return {#order, first, a.grad, b.grad}
"""


@pytest.mark.parametrize("runtime", runtime_params())
def test_an_earlier_walk_hides_no_node_from_the_next(runtime, engine):
    from micrograd_lab.python_ref import Value
    a, b = Value(1.0), Value(2.0)
    c = a * b
    e = (c + a) * c
    first = len(c.topological_order())
    order = e.topological_order()
    e.backward()
    assert engine.execute(TWO_WALKS) == [len(order), first, a.grad, b.grad] == [5, 3, 12.0, 5.0]

"""Both engines give every node the same op name and label: the same graph,
built line for line in Python and in Lua, walks to the same (op, label)
list on every lupa runtime; and a Value prints its numbers as Python's repr."""
import math
import random
import struct

import pytest

from micrograd_lab.harness.ops import METHODS, OPS
from micrograd_lab.python_ref import Value

from lua_helpers import runtime_params

# Number exponents: integral ones (the lecture's x**2, x**-1) print without
# ".0", whatever their type in Python; the others as their repr, positional
# or scientific (1e15 and 1e16 sit on either side of Python's switch).
EXPONENTS = (2, 2.0, -1, 3.0, 0.5, -2.5, 1 / 3, 0.1, -0.0, 0.0, 1e15, 1e16, 1e-05, 0.0001,
             1e300, 5e-324, 2.0**-24, 123456789012345680.0, math.inf, -math.inf, math.nan)


def python_graph(exponents):
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    nodes = [a + b, a + 1.5, 1.5 + a,
             a - b, a - 1.5, 1.5 - a,
             a * b, a * 1.5, 1.5 * a,
             a / b, a / 1.5, 1.5 / a,
             a ** b, 1.5 ** a, a ** 2, a ** -1,
             -a, *[getattr(a, method)() for method in METHODS],
             Value.sum([a, b]), Value.sum([a, b], 1.5), Value.dot([a, b], [b, 2.0], 0.5)]
    nodes += [a ** n for n in exponents]
    return Value.sum(nodes)


# The same lines in Lua (2 and -1 are integers on Lua 5.3+, like Python's);
# the method ops (a:relu(), ...) come from the op table, in its order.
LUA_GRAPH = """
local exponents, methods = ...
local Value = mg.Value
local a, b = Value(2.0, nil, nil, "a"), Value(-3.0, nil, nil, "b")
local nodes = {a + b, a + 1.5, 1.5 + a,
               a - b, a - 1.5, 1.5 - a,
               a * b, a * 1.5, 1.5 * a,
               a / b, a / 1.5, 1.5 / a,
               a ^ b, 1.5 ^ a, a ^ 2, a ^ -1,
               -a}
for i = 1, #methods do
  nodes[#nodes + 1] = a[methods[i]](a)
end
nodes[#nodes + 1] = Value.sum({a, b})
nodes[#nodes + 1] = Value.sum({a, b}, 1.5)
nodes[#nodes + 1] = Value.dot({a, b}, {b, 2.0}, 0.5)
for i = 1, #exponents do
  nodes[#nodes + 1] = a ^ exponents[i]
end
local walked = {}
for i, node in ipairs(Value.sum(nodes):topological_order()) do
  walked[i] = {node._op, node.label}
end
return walked
"""

# Each engine's op name for each op of the op table: a method op's is its name.
ENGINE_OP = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "neg": "neg",
             "sum": "sum", "dot": "dot", **{method: method for method in METHODS}}


def walk(root):
    return [[node._op, node.label] for node in root.topological_order()]


def test_python_labels_as_the_lecture_draws_them():
    ops = {op for op, _ in walk(python_graph(EXPONENTS))}
    assert {"**2", "**-1", "**0.5", "**-2.5", "**1e+16", "**1000000000000000", "**-0",
            "**inf", "**nan"} <= ops
    assert "**2.0" not in ops and "**-1.0" not in ops
    assert set(ENGINE_OP) == set(OPS), "an op was added: give it its node name here"
    assert set(ENGINE_OP.values()) <= ops, "the graph leaves an op out"


@pytest.mark.parametrize("runtime", runtime_params())
def test_lua_labels_equal_python_labels(runtime, engine):
    want = walk(python_graph(EXPONENTS))
    got = engine.execute(LUA_GRAPH, [float(n) for n in EXPONENTS], list(METHODS))
    assert len(got) == len(want)
    assert [(i, g) for i, (g, w) in enumerate(zip(got, want)) if g != w] == []


def test_a_changed_label_is_caught():
    """The comparison fails on one node labelled the old Lua way ("**2.0")."""
    from micrograd_lab.lua_port import LuaEngine
    old_label = LUA_GRAPH.replace("a ^ 2,", 'Value(4.0, {a}, "**2.0"),')
    got = LuaEngine("lua54").execute(old_label, [], list(METHODS))
    want = walk(python_graph(()))
    assert [(g, w) for g, w in zip(got, want) if g != w] == [(["**2.0", ""], ["**2", ""])]


def _doubles(n, seed):
    """Random bit patterns (every exponent, subnormals, both signs) and the
    powers of two, where the shortest decimal is not always the nearest."""
    rng = random.Random(seed)
    xs = [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(n)]
    xs += [math.ldexp(1.0, k) for k in range(-1074, 1024, 7)]
    xs += [1e15, 1e16, 9999999999999998.0, 0.0001, 1e-05, 0.0, -0.0, math.inf, -math.inf]
    return [x for x in xs if x == x]


@pytest.mark.parametrize("runtime", runtime_params())
def test_lua_prints_values_as_python_repr(runtime, engine):
    xs = _doubles(3000, seed=7)
    got = engine.execute("local xs = ... local t = {} "
                         "for i = 1, #xs do t[i] = tostring(mg.Value(xs[i])) end return t", xs)
    want = [repr(Value(x)) for x in xs]
    assert [(x, g) for x, g, w in zip(xs, got, want) if g != w] == []

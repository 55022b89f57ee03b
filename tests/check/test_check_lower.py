"""Lowering sum and dot to the chain of + and *: every original node keeps
its id and python_ref's value to the bit, and a number never lands on the
left of an operator."""
import struct

import pytest

from micrograd_lab.harness.lower import lower
from micrograd_lab.harness.judge.verdict import EXACT, compare
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.parse import parse_program

from shared_corpus import FIXTURES

NARY = [f for f in FIXTURES if {"nary", "nn"} & set(f.tags)
        if {s.op for s in f.program.steps} & {"sum", "dot"}]


def bits(x):
    return struct.pack("<d", x).hex() if x == x else "nan"


@pytest.mark.parametrize("fixture", NARY, ids=lambda f: f.name)
def test_lowered_fixture_keeps_every_node_and_its_bits(fixture):
    program = fixture.program
    assert {s.op for s in program.steps} & {"sum", "dot"}
    lowered = lower(program, {"sum", "dot"})
    assert not {s.op for s in lowered.steps} & {"sum", "dot"}
    original, chained = interpret(program), interpret(lowered)
    assert set(program.node_ids()) <= set(lowered.node_ids())
    for node in program.node_ids():   # the gradients too: + and * pass them on unrounded
        assert [bits(x) for x in chained[node]] == [bits(x) for x in original[node]], node
    assert compare(original, chained, program).status == EXACT


def test_no_number_on_the_left_and_ids_no_fixture_can_have():
    p = parse_program("s = sum(0.5, a, b)\nd = dot(1.0, [a, b], [2.0, c])",
                      {"a": 1.0, "b": 2.0, "c": 3.0}, "d")
    lowered = lower(p, {"sum", "dot"})
    for step in lowered.steps:
        assert step.args[0].kind == "node", step
    made = [s.out for s in lowered.steps if s.out not in p.node_ids()]
    assert made and all("~" in node for node in made)
    # a number start goes on the right of the first addition
    first = lowered.steps[0]
    assert (first.op, first.args[0].value, first.args[1].value) == ("add", "a", 0.5)
    # the last step of a lowered node has the node's id
    assert [s.out for s in lowered.steps if s.out in ("s", "d")] == ["s", "d"]


def test_only_the_ops_asked_for_are_lowered():
    p = parse_program("s = sum(0, a, b)\nd = dot(0, [a], [b])", {"a": 1.0, "b": 2.0}, "d")
    assert lower(p, set()) is p
    only_sum = lower(p, {"sum"})
    assert [s.op for s in only_sum.steps] == ["add", "add", "dot"]
    assert lower(p, {"relu"}) is p   # not lowerable: left alone


def test_a_dot_with_number_products_folds_them():
    # x1 and x2 numbers: w * x is a node; a start and a constant product fold
    p = parse_program("d = dot(1.5, [w], [2.0])", {"w": 3.0}, "d")
    lowered = lower(p, {"dot"})
    assert [(s.op, [a.value for a in s.args]) for s in lowered.steps] == [
        ("mul", ["w", 2.0]), ("add", ["d~1", 1.5])]
    assert interpret(lowered)["d"] == interpret(p)["d"]

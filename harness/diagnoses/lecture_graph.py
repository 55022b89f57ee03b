"""The graph the lecture's micrograd builds for a program: a - b is
a + b * -1, -a is a * -1, a / b is a * b**-1, and a number on either side
stays the number micrograd keeps (a - 2 is a + -2.0; 2 - b is b * -1 + 2).
A port written as the lecture writes these has their nodes of its own, and
a backward that walks in the wrong order, without a visited set or by
value walks over them too: the structural diagnosis simulates this graph
beside the fixture's (a lecture port walked forward read as a wrong
derivative in sub's backward).  Its own nodes are named `<id>~l<k>`, which
no fixture id can be."""
from micrograd_lab.python_ref import ieee

from ..program import Arg, Program, Step


def lecture_graph(program):
    """program with sub, neg and div as the lecture composes them (program
    itself where it has none)."""
    if not any(step.op in _COMPOSED for step in program.steps):
        return program
    steps = []
    for step in program.steps:
        compose = _COMPOSED.get(step.op)
        steps.extend(compose(step) if compose else [step])
    return Program(inputs=program.inputs, steps=tuple(steps), output=program.output)


def _step(step, op, args, own=False):
    return Step(f"{step.out}~l1" if own else step.out, op, args, step.line, step.text)


def _neg(step):
    (a,) = step.args
    return [_step(step, "mul", (a, Arg.num(-1.0)))]


def _sub(step):
    a, b = step.args
    if b.kind == "num":
        return [_step(step, "add", (a, Arg.num(-b.value)))]
    negated = _step(step, "mul", (b, Arg.num(-1.0)), own=True)
    args = (Arg.node(negated.out), a) if a.kind == "num" else (a, Arg.node(negated.out))
    return [negated, _step(step, "add", args)]


def _div(step):
    a, b = step.args
    if b.kind == "num":
        return [_step(step, "mul", (a, Arg.num(ieee.pow(b.value, -1.0))))]
    inverse = _step(step, "pow", (b, Arg.num(-1.0)), own=True)
    args = (Arg.node(inverse.out), a) if a.kind == "num" else (a, Arg.node(inverse.out))
    return [inverse, _step(step, "mul", args)]


_COMPOSED = {"neg": _neg, "sub": _sub, "div": _div}

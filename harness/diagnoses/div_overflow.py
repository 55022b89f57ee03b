"""Division's backward through a number that overflows on the way.

div-square: the denominator's slope as -a/b**2 (or -a * b**-2), whose b**2
overflows to inf (or underflows to 0) where -(a/b)/b is an ordinary number:
a = b = 1e200 gives -0 for -1e-200.  Shown where every gradient of the
fixture is what python_ref's backward gives with that formula, and not what
it gives with its own.

div-reciprocal: the numerator's gradient as g * (1/b), whose 1/b overflows
to inf for a subnormal b where g/b is finite.  Shown where that product is
exactly the numerator's gradient (its only use) and g/b is not."""
import math

from micrograd_lab.python_ref import ieee

from ..judge.verdict import CONVENTION, FAIL
from .common import Bug, Evidence
from .simulate import (SIMULATED_MAX_NODES, Backward, as_evaluated, explains,
                       first_wrong_gradient, forward_agrees)

BUGS = [Bug("div-square", "division's slope through b**2",
            "division's backward computes d(a/b)/db as -a/b**2, and b**2 overflows to inf (or "
            "underflows to 0) long before a/b does: 1e200/1e200 gets the slope -0 for "
            "-1e-200. Divide twice: -(a/b)/b, or -out/b with out = a/b",
            15, "div-overflow", ("div-edge-1e200-1e200",)),
        Bug("div-reciprocal", "division's slope in a through 1/b",
            "division's backward gives a the gradient g * (1/b), and 1/b overflows to inf for "
            "a subnormal b (|b| below about 5.6e-309) where g/b is finite: 1e-300 / 1e-310 "
            "gets inf for 1e10. Divide: g / b",
            23, "rsub-swapped", ("div-grad-subnormal-divisor",), shown_on="")]


def _over_square(args, out, partials):
    a, b = args
    return [partials[0], ieee.div(-a, b * b)]


def _times_inverse_square(args, out, partials):
    a, b = args
    return [partials[0], -a * ieee.pow(b, -2.0)]


FORMULAS = {"-a/b**2": _over_square, "-a * b**-2": _times_inverse_square}


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    program, reference = as_evaluated(evaluated, fixture.program, reference)
    if len(program.node_ids()) > SIMULATED_MAX_NODES or \
            not forward_agrees(program, reference, evaluation):
        return []
    return _through_reciprocal(program, reference, evaluation, engine, fixture.name) or \
        _through_square(program, reference, evaluation, engine, fixture.name)


def _through_reciprocal(program, reference, evaluation, engine, fixture_name):
    """A division's numerator, used once, whose gradient is g * (1/b) where
    1/b overflows and g/b does not."""
    uses = {}
    for step in program.steps:
        for arg in step.args:
            if arg.kind == "node":
                uses[arg.value] = uses.get(arg.value, 0) + 1
    for step in program.steps:
        a = step.args[0] if step.op == "div" else None
        if a is None or a.kind != "node" or uses[a.value] != 1 or a.value == program.output:
            continue
        b = step.resolve(lambda node_id: reference[node_id][0])[1]
        g, got = evaluation[step.out][1], evaluation[a.value][1]
        reciprocal, quotient = ieee.div(1.0, b), ieee.div(g, b)
        if math.isinf(reciprocal) and math.isfinite(quotient) and g != 0.0 \
                and got == g * reciprocal and reference[a.value][1] != got:
            return [Evidence("div-reciprocal", engine, fixture_name, a.value,
                             f"{step.text or step.out}: {a.value}'s gradient is {got!r}, "
                             f"{g!r} * (1/{b!r}) with 1/b = {ieee.div(1.0, b)!r}; "
                             f"{g!r} / {b!r} is {quotient!r}", ops=("div",))]
    return []


def _through_square(program, reference, evaluation, engine, fixture_name):
    divisions = [s for s in program.steps if s.op == "div" and s.args[1].kind == "node"]
    if not divisions:
        return []
    for text, formula in FORMULAS.items():
        if not explains(program, reference, evaluation, Backward(partials={"div": formula})):
            continue
        shown = first_wrong_gradient(program, reference, evaluation)
        step = divisions[0]
        a, b = step.resolve(lambda node_id: reference[node_id][0])
        square = b * b
        went = ("overflows to inf" if square == float("inf") else
                "underflows to 0" if square == 0.0 and b != 0.0 else f"is {square!r}")
        detail = (f"{step.out} = {a!r} / {b!r}: the slope in {step.args[1].value} taken as "
                  f"{text}, where b**2 {went}; every gradient of the fixture is what that "
                  "backward gives")
        return [Evidence("div-square", engine, fixture_name,
                         shown[0] if shown else step.args[1].value, detail, ops=("div",))]
    return []

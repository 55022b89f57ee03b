"""div-square: division's backward computes the denominator's slope as
-a/b**2 (or -a * b**-2), whose b**2 overflows to inf (or underflows to 0)
where -(a/b)/b is an ordinary number: a = b = 1e200 gives -0 for -1e-200.
Shown where every gradient of the fixture is what python_ref's backward
gives with that formula, and not what it gives with its own."""
from micrograd_lab.python_ref import ieee

from ..judge.verdict import CONVENTION, FAIL
from .common import Bug, Evidence
from .simulate import (SIMULATED_MAX_NODES, Backward, as_evaluated, explains,
                       first_wrong_gradient, forward_agrees)

BUGS = [Bug("div-square", "division's slope through b**2",
            "division's backward computes d(a/b)/db as -a/b**2, and b**2 overflows to inf (or "
            "underflows to 0) long before a/b does: 1e200/1e200 gets the slope -0 for "
            "-1e-200. Divide twice: -(a/b)/b, or -out/b with out = a/b",
            15, "div-overflow", ("div-edge-1e200-1e200",))]


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
    divisions = [s for s in program.steps if s.op == "div" and s.args[1].kind == "node"]
    if not divisions or len(program.node_ids()) > SIMULATED_MAX_NODES or \
            not forward_agrees(program, reference, evaluation):
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
        return [Evidence("div-square", engine, fixture.name,
                         shown[0] if shown else step.args[1].value, detail, ops=("div",))]
    return []

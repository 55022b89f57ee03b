"""div-pow: a division holds x * y^-1 (or x * (1/y)), one rounding more
than x / y.  On the lecture level that is the lecture's own division,
allowed its ulp (harness.ops.LECTURE): the evidence comes from the edges."""
import math

from ..judge.compare import ulp_distance
from ..judge.verdict import CONVENTION, FAIL
from ..levels import LECTURE, level_of
from .common import Bug, Evidence, holds_its_arguments

BUGS = [Bug("div-pow", "division as b**-1",
            "x / y computed as x * y**-1 rounds twice, so it is often 1 ulp from x / y, and "
            "inf or 0 where y**-1 overflows or underflows (a subnormal or huge y): divide",
            7, "functions", ("found-f1f7ee5216fe",))]


def _reciprocal_products(x, y):
    inverse = [1.0 / y if y else math.copysign(math.inf, y)]
    if y:
        try:
            inverse.append(y ** -1.0)
        except (ZeroDivisionError, OverflowError):
            pass
    return [x * r for r in inverse]


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    # a lecture fixture that fails for another bug still holds the lecture's
    # ulp: it was named, and counted, above a Python student's real bug
    if cell.status not in (FAIL, CONVENTION) or evaluation is None or \
            level_of(fixture.tags) == LECTURE:
        return []
    for step in fixture.program.steps:
        if step.op != "div" or not holds_its_arguments(step, reference, evaluation):
            continue
        x, y = step.resolve(lambda node_id: reference[node_id][0])
        ref, got = reference[step.out][0], evaluation[step.out][0]
        if got is None or ulp_distance(ref, got) == 0:
            continue
        if any(ulp_distance(v, got) == 0 for v in _reciprocal_products(x, y)):
            return [Evidence("div-pow", engine, fixture.name, step.out,
                             f"{x!r} / {y!r} is {got!r}, python_ref {ref!r} "
                             f"({ulp_distance(ref, got):g} ulp): x * y^-1")]
    return []

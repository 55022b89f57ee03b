"""sum-zero: a fused sum (or dot) whose every term is -0.0 comes out +0.0:
the port adds the terms to a total that starts from +0.0 (0 + -0 = +0),
where start + v1 + v2 ... is -0.0.  A fact about the values of any cell
(+0.0 and -0.0 compare equal: the sign shows only downstream, 1/x)."""
import math

from .common import Bug, Evidence

BUGS = [Bug("sum-zero", "a sum that starts from +0.0",
            "the fused sum adds its terms to a total that starts at +0.0, and +0 + -0 is +0, "
            "so a sum of negative zeros is +0.0 where start + v1 + ... is -0.0 (1/x then "
            "gives +inf for -inf): start the total from the first term (the start value)",
            16, "js-numbers", ("sum-of-minus-zeros-then-div",), shown_on="")]
FUSED = ("sum", "dot")


def _negative_zero(x):
    return x == 0.0 and math.copysign(1.0, x) < 0


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if evaluation is None:
        return []
    for step in evaluated.steps:
        if step.op not in FUSED or step.out not in reference:
            continue
        want, got = reference[step.out][0], evaluation[step.out][0]
        if got is not None and _negative_zero(want) and got == 0.0 and not _negative_zero(got):
            terms = ", ".join(repr(v) for v in step.resolve(lambda n: evaluation[n][0]))
            return [Evidence("sum-zero", engine, fixture.name, step.out,
                             f"{step.op}({terms}) is {got!r}, python_ref {want!r}",
                             ops=(step.op,))]
    return []

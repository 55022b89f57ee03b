"""pow-nan-rule: a pow whose base is 1 (or -1 and its exponent infinite)
gives nan where python_ref gives 1, as C99 and IEEE 754 do: JavaScript's
`**` and Math.pow, and Java's Math.pow, give NaN for 1 ** NaN and
(-1) ** +-Infinity.  The language's rule, not the student's slip; a pow off
at any other point on that runtime is evidence against (the op itself)."""
import math

from ..judge.compare import relative_distance
from ..judge.verdict import CONVENTION, FAIL
from .common import Bug, Evidence, holds_its_arguments

BUGS = [Bug("pow-nan-rule", "the language's pow gives nan where C99 gives 1",
            "your language's power (JavaScript's ** and Math.pow, Java's Math.pow) gives NaN "
            "for 1 ** NaN and for (-1) ** +-Infinity, where C99, IEEE 754, python_ref and "
            "torch give 1: return 1 first in those cases (x == 1, or x == -1 and y infinite), "
            "or leave the edges level uncounted (--level lecture)",
            18.5, "js-pow", ("pow-value-edge-1-to-nan",), shown_on="")]


OFF = 1e-12   # relative: far past any libm's few ulps


def c99_one(base, exponent):
    """Where C99's pow gives 1 and JavaScript's and Java's give NaN."""
    return base == 1.0 and exponent != exponent or base == -1.0 and math.isinf(exponent)


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    found = []
    for step in fixture.program.steps:
        if step.op != "pow" or not holds_its_arguments(step, reference, evaluation):
            continue
        base, exponent = step.resolve(lambda node_id: reference[node_id][0])
        got = evaluation.get(step.out, (None, None))[0]
        if got is None or got != got and reference[step.out][0] != reference[step.out][0]:
            continue   # nan both: agreed
        if got != got and c99_one(base, exponent):
            found.append(Evidence("pow-nan-rule", engine, fixture.name, step.out,
                                  f"{base!r} ** {exponent!r} is nan, python_ref "
                                  f"{reference[step.out][0]!r}", ops=("pow",)))
        elif math.isfinite(base) and math.isfinite(exponent) and \
                relative_distance(reference[step.out][0], got) > OFF:
            found.append(Evidence("pow-nan-rule", engine, fixture.name, step.out,
                                  "pow is off at an ordinary point too", ops=("pow",),
                                  against=True))
    return found

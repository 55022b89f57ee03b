"""exponent-truncated: pow takes its number exponent as an integer (Java's
`pow(int n)`, C++'s `int`, Go's `int(y)`, Lua's math.floor), so x ** 0.5
is x ** 0 and x ** 1.5 is x ** 1.  Shown by a pow whose value is, bit for
bit, its base to the exponent cut to an integer (towards zero, or down, or
held to a 32- or 64-bit integer's range, or past it the lowest one)."""
import math

from ..judge.compare import same_bits
from ..judge.verdict import CONVENTION, FAIL
from .common import Bug, Evidence, holds_its_arguments
from .wording import DEFAULT, LUA

BUGS = [Bug("exponent-truncated", "a number exponent cut to an integer",
            {LUA: "the exponent of x ** n is cut to an integer (math.floor(n), n // 1) before "
                  "the power: x ** 0.5 is x ** 0 = 1, and x ** 1.5 is x ** 1. Keep the "
                  "exponent as it is given",
             DEFAULT: "pow takes its exponent as an integer (an int parameter, or a cast: "
                      "(int) n, int(n)), so x ** 0.5 is x ** 0 = 1, and x ** 1.5 is x ** 1: "
                      "take the exponent as a double"},
            14.5, "exponent-truncated", ("pow-4-to-0p5",))]


# a saturating cast holds a huge exponent to its type's range: Java's
# (int) 1e300 is 2147483647, an odd power, so (-1) ** 1e300 reads -1; x86's
# conversion (Go's int(1e300), C's (long) 1e300) gives the lowest integer
INT_RANGES = ((-2**31, 2**31 - 1), (-2**63, 2**63 - 1))


def _cut_powers(base, exponent):
    """[(the exponent as an integer, base ** it)]: cut towards zero, cut
    down, held to a 32- or 64-bit integer's range, or out of that range
    the lowest such integer."""
    cuts = [math.trunc(exponent), math.floor(exponent)]
    cuts += [min(max(cuts[0], low), high) for low, high in INT_RANGES]
    cuts += [low for low, high in INT_RANGES if not low <= cuts[0] <= high]
    found = []
    for cut in dict.fromkeys(cuts):
        if cut == exponent:
            continue   # no cut at all: the power is python_ref's
        try:
            found.append((cut, math.pow(base, cut)))
        except (OverflowError, ValueError, ZeroDivisionError):
            pass
    return found


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    for step in fixture.program.steps:
        if step.op != "pow" or [a.kind for a in step.args] != ["node", "num"] or \
                not holds_its_arguments(step, reference, evaluation):
            continue
        base, exponent = step.resolve(lambda node_id: reference[node_id][0])
        want, got = reference[step.out][0], evaluation.get(step.out, (None, None))[0]
        if not math.isfinite(exponent) or got is None or same_bits(got, want):
            continue
        cut = next((n for n, power in _cut_powers(base, exponent) if same_bits(got, power)), None)
        if cut is not None:
            return [Evidence("exponent-truncated", engine, fixture.name, step.out,
                             f"{base!r} ** {exponent!r} is {got!r}, python_ref {want!r}: "
                             f"{base!r} ** {cut}", ops=("pow",))]
    return []

"""libm-subnormal: the runtime's log, exp (or another libm function) is off
at a subnormal argument (0 < |x| < 2^-1022) while the same op is right at
ordinary ones: Go's math.Log(5e-324) is -709.09, the log of the number read
as if it were normal (2^-1023 * 1.f), where the answer is -744.44.  The same
op off at a normal argument on that runtime is evidence against: then the
op itself is wrong, not its subnormal case."""
import math

from ..judge.compare import relative_distance
from ..judge.verdict import CONVENTION, FAIL
from ..ops import OPS
from .common import Bug, Evidence, holds_its_arguments

BUGS = [Bug("libm-subnormal", "the runtime's libm differs at subnormals",
            "your runtime's own log/exp (its libm) is wrong for subnormal numbers (below "
            "2.2e-308): Go's math.Log(5e-324) is -709.09, not -744.44, because it reads the "
            "number's exponent bits as if it were normal. Scale a subnormal argument into the "
            "normal range first (log(x) = log(x * 2^54) - 54 * log(2)), or call a C libm",
            18, "libm-subnormal", ("log-edge-5em324",), shown_on="")]

SMALLEST_NORMAL = 2.2250738585072014e-308
OFF = 1e-12   # relative: far past any libm's few ulps
LIBM_OPS = tuple(name for name, op in OPS.items() if op.libm)


def is_subnormal(x):
    return x is not None and x == x and 0.0 < abs(x) < SMALLEST_NORMAL


def _off(want, got):
    return got is not None and relative_distance(want, got) > OFF


def read_as_normal(x):
    """x's bits read as a normal number: exponent -1023, mantissa 1.f, as the
    log (the number it stands for, as a float's log would see it)."""
    fraction = abs(x) / SMALLEST_NORMAL   # f: the mantissa bits of a subnormal, in [0, 1)
    return math.log1p(fraction) - 1023 * math.log(2.0)


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    found = []
    for step in fixture.program.steps:
        if step.op not in LIBM_OPS or not holds_its_arguments(step, reference, evaluation):
            continue
        args = step.resolve(lambda node_id: reference[node_id][0])
        want, got = reference[step.out][0], evaluation[step.out][0]
        if not _off(want, got):
            continue
        subnormal = next((x for x in args if is_subnormal(x)), None)
        if subnormal is None:
            found.append(Evidence("libm-subnormal", engine, fixture.name, step.out,
                                  f"{step.op} is off at ordinary arguments too",
                                  ops=(step.op,), against=True))
            continue
        how = ("; the log of the number read as if it were normal (2^-1023 * 1.f)"
               if step.op == "log" and math.isclose(got, read_as_normal(subnormal),
                                                   rel_tol=OFF) else "")
        found.append(Evidence("libm-subnormal", engine, fixture.name, step.out,
                              f"{step.op}({subnormal!r}) is {got!r}, python_ref {want!r}{how}",
                              ops=(step.op,)))
    return found

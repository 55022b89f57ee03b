"""tanh-exp: a tanh node holds, beyond any port's own tanh budget, what
(e^2x - 1)/(e^2x + 1) or a kin of it gives: nan from overflow (x >= 355),
or digits lost near 0."""
import math

from ..judge.compare import ulp_distance
from ..judge.verdict import CONVENTION, FAIL
from ..ops import OPS, PORT
from .common import Bug, Evidence

BUGS = [Bug("tanh-exp", "tanh through exp",
            "tanh computed from exp overflows for |x| >= 355 (inf/inf = nan) and loses digits "
            "near 0 (e^2x - 1 cancels): use math.tanh where the runtime has it, or a formula "
            "that is exact at both ends", 6, "functions", ("tanh-edge-400",))]
TANH_ULPS = OPS["tanh"].deviations[PORT].data


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _tanh_through_exp(x):
    """The values tanh(x) takes when computed from exp, in the usual ways."""
    e2, ep, em = _exp(2 * x), _exp(x), _exp(-x)
    out = []
    for f in (lambda: (e2 - 1) / (e2 + 1), lambda: (ep - em) / (ep + em),
              lambda: 1 - 2 / (e2 + 1), lambda: (1 - _exp(-2 * x)) / (1 + _exp(-2 * x))):
        try:
            out.append(f())
        except ZeroDivisionError:
            continue
    return out


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    for step in fixture.program.steps:
        if step.op != "tanh" or step.args[0].kind != "node":
            continue
        x = reference[step.args[0].value][0]
        ref, got = reference[step.out][0], evaluation[step.out][0]
        if got is None or ulp_distance(ref, got) <= TANH_ULPS or x is None or \
                not math.isfinite(x):
            continue   # within what any port's own tanh may be off
        if any(ulp_distance(v, got) == 0 for v in _tanh_through_exp(x)):
            why = ("e^2x overflows and inf/inf is nan" if got != got else
                   f"relative error {abs(got - ref) / abs(ref):.1e}" if ref else "")
            return [Evidence("tanh-exp", engine, fixture.name, step.out,
                             f"tanh({x!r}) is {got!r}, python_ref {ref!r}: {why}")]
    return []

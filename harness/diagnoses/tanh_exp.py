"""tanh-exp: a tanh node holds, beyond any port's own tanh budget, what one
of the usual formulas through exp gives: nan from overflow (e^2x is inf past
x = 355, and inf/inf is nan), or digits lost near 0.  In Python, math.exp
raises OverflowError instead: a fixture with tanh at |x| >= 355 that ERRORs
with it shows the same."""
import math

from ..judge.compare import ulp_distance
from ..judge.verdict import CONVENTION, ERROR, FAIL
from ..ops import OPS, PORT
from .common import Bug, Evidence, holds_its_arguments, split_place
from .wording import DEFAULT, PYTHON

BUGS = [Bug("tanh-exp", "tanh through exp", {
    DEFAULT: "tanh computed from exp overflows for large |x| (e^2x is inf past x = 355, and "
             "inf/inf is nan: on the positive side for (e^2x - 1)/(e^2x + 1), the negative for "
             "(1 - e^-2x)/(1 + e^-2x), both for (e^x - e^-x)/(e^x + e^-x)) and loses digits "
             "near 0 (e^2x - 1 cancels): use the runtime's tanh (math.tanh, Math.tanh) where "
             "it has one, or a formula that is exact at both ends",
    PYTHON: "tanh computed from exp raises OverflowError where math.exp's argument passes "
            "709.78: for x >= 355 with e^2x, and only on the negative side (x <= -355) with "
            "e^-2x, as tanh through the sigmoid 2/(1 + e^-2x) - 1 does; and it loses digits "
            "near 0 (e^2x - 1 cancels): use math.tanh"},
    6, "functions", ("tanh-edge-400",))]
TANH_ULPS = OPS["tanh"].deviations[PORT].data
OVERFLOWS_PAST = 354.0   # e^2x overflows from x = 354.9


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


FORMULAS = {
    "(e^2x - 1)/(e^2x + 1)": lambda x: (_exp(2 * x) - 1) / (_exp(2 * x) + 1),
    "(e^x - e^-x)/(e^x + e^-x)": lambda x: (_exp(x) - _exp(-x)) / (_exp(x) + _exp(-x)),
    "1 - 2/(e^2x + 1)": lambda x: 1 - 2 / (_exp(2 * x) + 1),
    "(1 - e^-2x)/(1 + e^-2x)": lambda x: (1 - _exp(-2 * x)) / (1 + _exp(-2 * x)),
    "2/(1 + e^-2x) - 1 (through the sigmoid)": lambda x: 2 / (1 + _exp(-2 * x)) - 1,
}


def _formula(x, got):
    """The first formula through exp that gives got at x, or None."""
    for text, formula in FORMULAS.items():
        try:
            if ulp_distance(formula(x), got) == 0:
                return text
        except ZeroDivisionError:
            continue
    return None


def _overflow_error(fixture, reference, cell, engine):
    """A Python port's OverflowError on a fixture with tanh past the overflow."""
    place, message = split_place(cell.message)
    if "OverflowError" not in message:
        return []
    for step in fixture.program.steps:
        x = reference[step.args[0].value][0] if step.args[0].kind == "node" else None
        if step.op == "tanh" and x is not None and abs(x) > OVERFLOWS_PAST:
            return [Evidence("tanh-exp", engine, fixture.name, step.out,
                             f"tanh({x!r}) raises {message.removeprefix('error: ')[:120]}: "
                             f"exp({2 * x!r}) overflows", ops=("tanh",), place=place)]
    return []


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status == ERROR:
        return _overflow_error(fixture, reference, cell, engine)
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    for step in fixture.program.steps:
        if step.op != "tanh" or step.args[0].kind != "node" or \
                not holds_its_arguments(step, reference, evaluation):
            continue
        x = reference[step.args[0].value][0]
        ref, got = reference[step.out][0], evaluation[step.out][0]
        if got is None or ulp_distance(ref, got) <= TANH_ULPS or x is None or \
                not math.isfinite(x):
            continue   # within what any port's own tanh may be off
        formula = _formula(x, got)
        if formula is not None:
            why = ("e^2x overflows and inf/inf is nan" if got != got else
                   f"relative error {abs(got - ref) / abs(ref):.1e}" if ref else "")
            return [Evidence("tanh-exp", engine, fixture.name, step.out,
                             f"tanh({x!r}) is {got!r}, python_ref {ref!r}, as {formula} "
                             f"gives: {why}", ops=("tanh",))]
    return []

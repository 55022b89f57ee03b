"""derivative: an op's backward multiplies by a local derivative that is not
the op's (tanh's as 1 - t where it is 1 - t**2, exp's as 1, ...);
tanh-cancels: tanh's the right one, written 1 - t*t, whose digits are lost
as t nears ±1 (the gradient is bit for bit what 1 - t*t gives).

Spoken only where no other diagnosis explains the cell.  Shown where the
forward is exact and the first node whose gradient is wrong (in backward
order) is an argument of one step alone, once, and that step's own gradient
is right: only that step's backward wrote the wrong gradient; and where
every gradient of the fixture is what python_ref's backward gives with that
one local derivative as the port's gradient implies it, its op is named,
with that derivative beside python_ref's.  (The FAIL itself names the
argument's node, which a student may take for the op at fault.)"""
from micrograd_lab.python_ref import ieee

from ..judge.verdict import FAIL
from ..ops import OPS
from ..program import FLOATS
from . import structural
from .common import Bug, Evidence, near
from .simulate import (SIMULATED_MAX_NODES, Backward, _same, as_evaluated, explains,
                       first_wrong_gradient, forward_agrees, matches, simulate)

BUGS = [Bug("derivative", "a wrong derivative in an op's backward",
            "an op's backward gives each argument the output's gradient times the op's "
            "local derivative: compare that op's formula with its derivative (tanh: "
            "1 - t**2 of its output t; exp: its output; x**n: n * x**(n-1); a / b: 1/b and "
            "-a/b**2; relu: 1 above 0); where the formula is right, it loses its digits "
            "there (1 - t*t as t nears 1: (1 - t)*(1 + t) keeps them)",
            24, "tanh-one-minus-t", ("lecture-neuron-torch-float32-bias",),
            names_ops="in {owners} backward",
            # no step ran: every op's derivative reads 0, and says nothing more
            joins=("steps-never-run",)),
        Bug("tanh-cancels", "tanh's derivative as 1 - t*t, which loses its digits near t = ±1",
            "t*t is rounded first, and 1 - t*t keeps that rounding as its leading digits as t "
            "nears ±1 (75,926 ulp off at tanh(7)): write (1 - t)*(1 + t), which keeps them (the "
            "lecture level allows the lecture's 1 - t**2 its rounding; the edges do not)",
            24.5, "tanh-cancels", ("tanh-at-7",))]
fallback = 2   # the least specific explanation: only where no other module has one
FORMULA_GAP = 1e-6   # relative: another formula, not the same one rounded otherwise


def _writer(program, node):
    """(step, argument position) of the one step that uses node, once; None
    when none or several do."""
    uses = [(step, i) for step in program.steps for i, arg in enumerate(step.args)
            if arg.kind == "node" and arg.value == node]
    return uses[0] if len(uses) == 1 else None


def _tanh_cancels(program, reference, evaluation):
    """(node, its gradient, python_ref's, t) where the first gradient that
    differs at all, in backward order, is a tanh's argument's, its one
    writer's own gradient is python_ref's to the bit, and it is that
    gradient times 1 - t*t (or 1 - t**2); else None."""
    for node in reversed(program.node_ids()):
        got, want = evaluation[node][1], reference[node][1]
        if _same(got, want):
            continue
        writer = _writer(program, node)
        if writer is None or writer[0].op != "tanh":
            return None
        step = writer[0]
        upstream, t = evaluation[step.out][1], reference[step.out][0]
        if upstream != reference[step.out][1]:
            return None
        if any(got == upstream * d for d in (1 - t * t, 1 - ieee.pow(t, 2.0))) and \
                matches(program, evaluation, simulate(program, reference, CANCELLING)):
            return node, got, want, t   # and the cancelling tanh explains every gradient
        return None
    return None


CANCELLING = Backward(partials={"tanh": lambda args, out, partials: [1 - out * out]})


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    # a Lua integer run's gradients may wrap (to 0, where integer-wrap sees
    # no wrap): no formula of a backward explains them
    if cell.status != FAIL or evaluation is None or cell.variant != FLOATS:
        return []
    program, reference = as_evaluated(evaluated, fixture.program, reference)
    if len(program.node_ids()) > SIMULATED_MAX_NODES or \
            not forward_agrees(program, reference, evaluation):
        return []
    # a walk that runs a step twice, or a backward that assigns, which the
    # structural diagnosis could not choose between, is not a derivative
    # (below its tolerance no gradient is off for it: digits lost are not)
    shown = first_wrong_gradient(program, reference, evaluation)
    if shown is not None and structural.explanations(program, reference, evaluation):
        return []
    cancelled = _tanh_cancels(program, reference, evaluation)
    if cancelled:
        node, got, want, t = cancelled
        return [Evidence("tanh-cancels", engine, fixture.name, node,
                         f"{node}'s gradient {got!r} is bit for bit the output's gradient times "
                         f"1 - t*t at t = {t!r}; python_ref {want!r}", ops=("tanh",))]
    writer = shown and _writer(program, shown[0])
    if not writer:
        return []
    (node, got, want), (step, position) = shown, writer
    upstream = evaluation[step.out][1]
    if not near(upstream, reference[step.out][1], 0.0) or upstream == 0 or upstream != upstream:
        return []   # the step's own gradient is off too, or says nothing of its derivative
    implied, own = got / upstream, want / upstream
    if not abs(implied - own) > FORMULA_GAP * max(abs(implied), abs(own)):
        return []   # digits lost, not another formula (tanh's 1 - t**2 at t = 1 - 4e-9)
    values = step.resolve(lambda node_id: reference[node_id][0])
    partials = [d for d, _ in OPS[step.op].derivatives(values, reference[step.out][0])]
    partials[position] = implied
    # and every gradient of the fixture is what that one derivative gives
    if not explains(program, reference, evaluation, Backward(step_partials={step.out: partials})):
        return []
    # "for its argument 2" in `y = 2 / x` read as the constant 2: say which, and whose
    ordinal = ("first", "second", "third")[position] if position < 3 else f"{position + 1}th"
    which = f" for its {ordinal} argument, {node}," if len(step.args) > 1 else ""
    shown_as = "{:.6g}" if f"{implied:.6g}" != f"{own:.6g}" else "{!r}"   # enough digits to differ
    detail = (f"{node}'s gradient {got!r}, python_ref {want!r}, and it comes from "
              f"`{step.text or step.out}` alone, whose own gradient is right: {step.op}'s "
              f"local derivative{which} reads {shown_as.format(implied)}, python_ref's "
              f"{shown_as.format(own)}")
    if implied == 0:   # the commonest slip: the result never got a backward
        detail += (f"; 0 is what a {step.op} whose result has no backward gives, or one whose "
                   "backward leaves this argument out")
    return [Evidence("derivative", engine, fixture.name, node, detail, ops=(step.op,))]

"""exponent-grad: in a ** b with b a Value, the backward step never gives the
exponent its gradient (a port that had number exponents first, then let
Values in).  Shown where every gradient of the fixture is what python_ref's
backward gives with d(a**b)/db = 0 (the base's slope python_ref's, or the
plain formula b * a**(b-1), which gives nan where python_ref's convention
gives 0), unless every base of the fixture is negative: there a port that
gives b the gradient a**b * log(a) for a > 0 and 0 otherwise reads the
same, and that is exponent-grad-negative-base."""
from micrograd_lab.python_ref import ieee

from ..judge.verdict import CONVENTION, FAIL
from .common import Bug, Evidence
from .simulate import (SIMULATED_MAX_NODES, Backward, as_evaluated, explains,
                       first_wrong_gradient, forward_agrees)

BUGS = [Bug("exponent-grad", "the exponent's gradient never set",
            "in a ** b with b a Value, backward gives a its gradient and never b: add "
            "a**b * log(a) times the output's gradient to b's (0 where a is 0 and b >= 0)",
            14, "exponent-zeroing", ("pow-value-2-to-3",), shown_on="",
            joins=("steps-never-run",)),   # no step ran: the exponent's among them
        Bug("exponent-grad-negative-base", "the exponent's gradient 0 for a negative base",
            "in a ** b with b a Value and a < 0, backward gives b the gradient 0; a**b is not "
            "differentiable in b there (log(a) is nan), and python_ref, torch and IEEE give "
            "nan: compute a**b * log(a) for every a, with 0 only where a is 0 and b >= 0",
            21, "rsub-swapped", ("rpow-edge-minus-2-to-2",), shown_on="",
            # never set at all, or no step ran: the same failures, explained
            joins=("steps-never-run", "exponent-grad"))]


def _python_refs_base(args, out, partials):
    return [partials[0], 0.0]


def _formula_base(args, out, partials):
    a, b = args
    return [b * ieee.pow(a, b - 1.0), 0.0]


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    program, reference = as_evaluated(evaluated, fixture.program, reference)
    exponents = [s.args[1].value for s in program.steps
                 if s.op == "pow" and s.args[1].kind == "node"]
    if not exponents or len(program.node_ids()) > SIMULATED_MAX_NODES or \
            not forward_agrees(program, reference, evaluation):
        return []
    bases = [s.resolve(lambda node_id: reference[node_id][0])[0] for s in program.steps
             if s.op == "pow" and s.args[1].kind == "node"]
    bug = "exponent-grad-negative-base" if all(a < 0 for a in bases) else "exponent-grad"
    for base in (_python_refs_base, _formula_base):
        if explains(program, reference, evaluation, Backward(partials={"pow": base})):
            node = exponents[0]
            shown = first_wrong_gradient(program, reference, evaluation)
            got, want = evaluation[node][1], reference[node][1]
            detail = (f"the exponent {node}'s gradient is {got!r}, python_ref {want!r}; every "
                      "gradient of the fixture is what a backward without it gives"
                      if bug == "exponent-grad" else
                      f"the base is {bases[0]!r} and the exponent {node}'s gradient "
                      f"{got!r}, python_ref {want!r}")
            return [Evidence(bug, engine, fixture.name,
                             node if shown is None else shown[0], detail, ops=("pow",))]
    return []

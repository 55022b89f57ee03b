"""Central finite differences: the gradient of the output with respect to
each input, from python_ref's forward alone.

Step: h = cbrt(eps) * max(1, |x|) (balances truncation error h**2 against
rounding error eps/h); the quotient divides by the step actually taken,
(x + h) - (x - h).  Not applicable (NotApplicable: an N/A cell, not a
failure) where any node sits on a kink or a domain edge (its op's `branch` is
None), where a perturbation moves a node to another branch, or where a value
is not finite.  The comparison is relative (harness.tolerances.FD_REL_TOL), plus
the rounding noise of the quotient itself, which `noise` reports per input.
"""
import dataclasses
import math
import sys

from ..interpret import interpret
from ..ops import OPS
from ..tolerances import FD_NOISE_ULPS
from . import NotApplicable

EPS = sys.float_info.epsilon


def _branches(program, values):
    """Every step's branch label at these node values; None entries are kinks."""
    out = []
    for step in program.steps:
        args = [values[a.value][0] if a.kind == "node" else a.value for a in step.args]
        out.append(OPS[step.op].branch(*args))
    return out


def _with_input(program, name, x):
    inputs = tuple((n, x if n == name else v) for n, v in program.inputs)
    return dataclasses.replace(program, inputs=inputs)


class FiniteDifferenceBackend:
    name = "fd"
    kind = "fd"

    def __init__(self):
        self.noise = {}   # of the last evaluation: {input: absolute rounding noise}

    def evaluate(self, program):
        center = interpret(program)
        branches = _branches(program, center)
        for step, branch in zip(program.steps, branches):
            if branch is None:
                raise NotApplicable(f"node {step.out} ({step.op}) is at a kink or domain edge")
        if not all(math.isfinite(v) for pair in center.values() for v in pair):
            raise NotApplicable("a value or gradient is not finite")
        result, self.noise = {}, {}
        for name, x in program.inputs:
            h = EPS ** (1 / 3) * max(1.0, abs(x))
            lo, hi = x - h, x + h
            below = interpret(_with_input(program, name, lo))
            above = interpret(_with_input(program, name, hi))
            for side in (below, above):
                if _branches(program, side) != branches:
                    raise NotApplicable(f"moving input {name} by {h:.3g} crosses a kink")
            f_lo, f_hi = below[program.output][0], above[program.output][0]
            if not (math.isfinite(f_lo) and math.isfinite(f_hi)):
                raise NotApplicable(f"the output is not finite near input {name}")
            result[name] = (None, (f_hi - f_lo) / (hi - lo))
            self.noise[name] = FD_NOISE_ULPS * EPS * max(abs(f_lo), abs(f_hi)) / (hi - lo)
        return result

"""Central finite differences: the gradient of the output with respect to
each input, from python_ref's forward alone.

Step: h = cbrt(eps) * max(1, |x|) (balances truncation error h**2 against
rounding error eps/h); each quotient divides by the step actually taken.
The reported gradient is the Richardson extrapolation (4 D(h/2) - D(h)) / 3,
and `noise` holds, per input, how uncertain it is: the rounding noise of the
quotients (output_noise / step) plus |D(h/2) - D(h)| (what truncation could
still hide).

Not applicable (NotApplicable: an N/A cell, not a failure) where any node
sits on a kink or a domain edge (its op's `branch` is None), where a
perturbation moves a node to another branch, where a value is not finite, or
where halving the step changes the slope by over a quarter (not resolved).
At most MAX_INPUTS inputs are differentiated (evenly spaced, first and last
included), so a 2,000-input dot costs what a 64-input one does; the others
get None (not compared).
"""
import dataclasses
import math
import sys

from ..interpret import forward
from ..ops import OPS
from ..tolerances import FD_NOISE_ULPS
from . import NotApplicable

EPS = sys.float_info.epsilon
MAX_INPUTS = 64


def _values(program):
    nodes = forward(program)
    values = {name: node.data for name, node in nodes.items()}
    # Each node and its _backward closure form a cycle, which only the cyclic
    # collector frees (0.1 s per 100,000 nodes, four graphs per input here):
    # this graph is never differentiated, so its closures go now and plain
    # reference counting frees it.
    for node in nodes.values():
        node._backward = None
    return values


def _branches(program, values):
    """Every step's branch label at these node values; None entries are kinks."""
    out = []
    for step in program.steps:
        out.append(OPS[step.op].branch(*step.resolve(values.__getitem__)))
    return out


def _with_input(program, name, x):
    inputs = tuple((n, x if n == name else v) for n, v in program.inputs)
    return dataclasses.replace(program, inputs=inputs)


def chosen_inputs(program):
    """The inputs differentiated: all, or MAX_INPUTS evenly spaced ones."""
    names = [name for name, _ in program.inputs]
    if len(names) <= MAX_INPUTS:
        return names
    picks = {round(i * (len(names) - 1) / (MAX_INPUTS - 1)) for i in range(MAX_INPUTS)}
    return [names[i] for i in sorted(picks)]


def output_noise(program, center):
    """How far a forward evaluation of the output may be off from rounding:
    every node's rounding (FD_NOISE_ULPS eps of its magnitude, once per
    addition in a fused sum/dot) carried to the output by its gradient."""
    values = {node: pair[0] for node, pair in center.items()}
    total = FD_NOISE_ULPS * EPS * abs(values[program.output])
    for step in program.steps:
        args, op = step.resolve(values.__getitem__), OPS[step.op]
        roundings = op.roundings(args)
        scale = op.rounding_scale(args, values[step.out])
        total += FD_NOISE_ULPS * EPS * roundings * scale * abs(center[step.out][1])
    return total


class FiniteDifferenceBackend:
    name = "fd"
    kind = "fd"

    def __init__(self):
        self.noise = {}   # of the last evaluation: {input: absolute uncertainty}

    def _quotient(self, program, name, x, h, branches, output_noise):
        lo, hi = x - h, x + h
        f = []
        for point in (lo, hi):
            values = _values(_with_input(program, name, point))
            if _branches(program, values) != branches:
                raise NotApplicable(f"moving input {name} by {h:.3g} crosses a kink")
            f.append(values[program.output])
        if not all(math.isfinite(v) for v in f):
            raise NotApplicable(f"the output is not finite near input {name}")
        return (f[1] - f[0]) / (hi - lo), 2.0 * output_noise / (hi - lo)

    def evaluate(self, program):
        from . import REFERENCE, get_backend
        center = get_backend(REFERENCE).evaluate(program)   # interpret(program), kept
        values = {node: pair[0] for node, pair in center.items()}
        branches = _branches(program, values)
        for step, branch in zip(program.steps, branches):
            if branch is None:
                raise NotApplicable(f"node {step.out} ({step.op}) is at a kink or domain edge")
        if not all(math.isfinite(v) for pair in center.values() for v in pair):
            raise NotApplicable("a value or gradient is not finite")
        noise = output_noise(program, center)
        inputs = dict(program.inputs)
        result, self.noise = {}, {}
        for name in chosen_inputs(program):
            x = inputs[name]
            h = EPS ** (1 / 3) * max(1.0, abs(x))
            coarse, noise_coarse = self._quotient(program, name, x, h, branches, noise)
            fine, noise_fine = self._quotient(program, name, x, h / 2, branches, noise)
            gap = abs(fine - coarse)
            if gap > 0.25 * max(abs(fine), abs(coarse)) and gap > noise_fine + noise_coarse:
                # Halving the step changed the slope by over a quarter: the
                # function is not smooth at this scale (a steep sigmoid, say).
                raise NotApplicable(f"the slope along input {name} is not resolved at step "
                                    f"{h:.3g}: D(h) = {coarse:.3g}, D(h/2) = {fine:.3g}")
            # fine + (fine - coarse) / 3 == (4 fine - coarse) / 3 without overflowing
            result[name] = (None, fine + (fine - coarse) / 3.0)
            self.noise[name] = noise_fine + noise_coarse + abs(fine - coarse)
        return result

"""Central finite differences: the gradient of the output with respect to
each input, from python_ref's forward alone, with an estimate of its error.

Step: h = cbrt(eps) * max(1, |x|) (balances truncation error h**2 against
rounding error eps/h); each quotient divides by the step actually taken.
The reported gradient is the Richardson extrapolation (4 D(h/2) - D(h)) / 3.
Where h is past the scale the function changes on, the step halves until a
pair of steps is in the h**2 regime (at most FD_MAX_HALVINGS times).
Its error estimate (`noise`, per input; `reasons` spells it out) is the
condition of the quotient, not a fixed rule:
* rounding: how far each evaluated output may be off, from the magnitudes
  of the values along the path *at the points evaluated* (each node's
  rounding, FD_NOISE_ULPS eps of its magnitude plus the underflow step,
  carried to the output by its gradient there), over the step;
* truncation: |D(h/2) - D(h)|, what the two steps disagree by, while the
  error shrinks as h**2: halving the step moves the slope by under a
  quarter of it, and the second differences shrink by 4 as a smooth
  function's do (two steps past the scale can agree by chance: both reach
  where the function has saturated).  A pair that fails either is no
  estimate, and the step halves on; past the last halving nothing bounds it.
Where that estimate is half the slope or more, the step does not resolve
the slope and harness.judge.verdict reads the cell UNRESOLVED (a huge term that
swamps the slope, cancelling paths, a result in the subnormals).

Not applicable (NotApplicable: an N/A cell, not a failure) where any node
sits on a kink or a domain edge (its op's `branch` is None), where a
perturbation moves a node to another branch, or where a value, or a
difference quotient, is not finite.  At most MAX_INPUTS inputs are differentiated (evenly spaced, first
and last included), so a 2,000-input dot costs what a 64-input one does;
the others get None (not compared).
"""
import dataclasses
import math
import sys
from typing import NamedTuple

from ..interpret import forward
from ..ops import OPS
from ..judge.tolerances import FD_MAX_HALVINGS, FD_NOISE_ULPS
from .base import Engine, NotApplicable

EPS = sys.float_info.epsilon
UNDERFLOW = math.ulp(0.0)   # a rounding into the subnormals is off by up to this, absolutely
REGIME_SHARE = 0.25   # halving the step may move the slope by less than this share of it
SETTLED_SHARE = 1e-3  # a first gap above this share of the slope is at the regime's edge: confirm it
MAX_INPUTS = 64


class _Pair(NamedTuple):
    """Two steps' estimate: Richardson's slope, its rounding and truncation
    error, why the truncation is unbounded ("" if it is not), the coarse step."""
    slope: float
    rounding: float
    truncation: float
    why: str
    step: float


def _step_name(halvings):
    return "h" if halvings == 0 else f"h/{2 ** halvings}"


def _plan(program):
    """The steps as fd walks them, five times per input: each step's Op, its
    node's place in program order, and its arguments as (place, None) for a
    node or (None, number) for a constant (lists by place cost far less than
    dicts by id on a 100,000-step program)."""
    place = {name: i for i, name in enumerate(program.node_ids())}
    return [(OPS[step.op], place[step.out],
             tuple((place[a.value], None) if a.kind == "node" else (None, a.value)
                   for a in step.args))
            for step in program.steps]


def _args(spec, data):
    return [number if at is None else data[at] for at, number in spec]


def _evaluate(program):
    """(data, grads): lists in program order at the program's inputs, from
    python_ref's forward and backward (the gradients carry each node's
    rounding to the output)."""
    nodes = forward(program)
    nodes[program.output].backward()
    ordered = nodes.values()   # inputs, then the steps: program order
    return [node.data for node in ordered], [node.grad for node in ordered]


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


def output_noise(program, evaluation):
    """How far a forward evaluation of the output may be off from rounding,
    at the point evaluation ({node: (data, grad)}) was taken: every node's
    rounding (FD_NOISE_ULPS eps of its magnitude plus the underflow step,
    once per addition in a fused sum/dot) carried to the output by its
    gradient there."""
    pairs = [evaluation[name] for name in program.node_ids()]
    return _walk(_plan(program), [d for d, _ in pairs], [g for _, g in pairs],
                 program.node_ids().index(program.output))[1]


def _walk(plan, data, grads, output):
    """(every step's branch label, None at a kink; output_noise) at these
    lists in program order (output: the output's place): one pass, since on
    a 100,000-step program the walk costs as much as python_ref's forward."""
    total = FD_NOISE_ULPS * (EPS * abs(data[output]) + UNDERFLOW)
    branches = []
    for op, at, spec in plan:
        args = _args(spec, data)
        branches.append(op.branch(*args))
        total += (FD_NOISE_ULPS * op.roundings(args)
                  * (EPS * op.rounding_scale(args, data[at]) + UNDERFLOW) * abs(grads[at]))
    return branches, (total if total == total else math.inf)   # a nan gradient: no bound


def _truncation(coarse, fine, rounding, steps=("h", "h/2")):
    """(truncation error estimate, why it is unbounded or ""): |D(h/2) - D(h)|,
    which holds while the error shrinks as h**2.  Then halving the step moves
    the slope by a small share of it; where it moves it by a quarter or more
    (beyond what rounding explains) the step is outside that regime (a steep
    S-curve, a jump at this scale) and nothing bounds the error."""
    gap = abs(fine - coarse)
    if gap > REGIME_SHARE * max(abs(fine), abs(coarse)) and gap > rounding:
        return math.inf, (f" (D({steps[0]}) = {coarse:.3g}, D({steps[1]}) = {fine:.3g}: "
                          "halving the step moved the slope by over a quarter, so the error "
                          "does not shrink as h**2 here)")
    return gap, ""


def _even_part_off(center, coarse_points, fine_points, rounding):
    """Do the second differences at h and h/2 disagree with a smooth
    function's (the one at h/2 a quarter of the one at h), beyond rounding?
    Then h is past the scale the function changes on, and two slopes that
    agree may agree by chance: both steps reach where it has saturated (a
    tanh of x + 1.5e6 x**2 at 0 is 1 at both, and both slopes are 0 where
    the true one is 1.5e6)."""
    at_h = coarse_points[0] + coarse_points[1] - 2.0 * center
    at_half = fine_points[0] + fine_points[1] - 2.0 * center
    gap = abs(4.0 * at_half - at_h)
    return gap > REGIME_SHARE * max(abs(at_h), 4.0 * abs(at_half)) and gap > rounding


def _finite_slope(slope, name):
    """slope, unless rounding carried it past the largest double: a slope
    near it (x + x * 1.797e308) is finite, but a quotient a little over it
    is inf, which is no estimate at all."""
    if not math.isfinite(slope):
        raise NotApplicable(f"the difference quotient at input {name} is not finite (a slope "
                            "near the largest double)")
    return slope


class FdEvaluation(dict):
    """fd's gradients of the inputs, with its own error estimate of each:
    noise {input: absolute error} and its parts in words (reasons), which
    the judge allows (harness.judge.tolerances.FdBudget)."""

    def __init__(self, values, noise, reasons):
        super().__init__(values)
        self.noise, self.reasons = noise, reasons


class FiniteDifferenceEngine(Engine):
    name = "fd"

    def __init__(self, reference, budget=None):
        self.reference = reference   # python_ref's engine: it keeps its last evaluation
        self.budget = budget
        self.version = "fd"

    def _quotient(self, program, name, x, h, walk):
        """(D, its rounding error, [the outputs at x - h and x + h]): the
        central difference at step h.
        walk: (the _plan, the branches at the center, the output's place)."""
        plan, branches, output = walk
        lo, hi = x - h, x + h
        f, rounding = [], 0.0
        for point in (lo, hi):
            data, grads = _evaluate(_with_input(program, name, point))
            moved, noise = _walk(plan, data, grads, output)
            if moved != branches:
                raise NotApplicable(f"moving input {name} by {h:.3g} crosses a kink")
            f.append(data[output])
            rounding += noise
        if not all(math.isfinite(v) for v in f):
            raise NotApplicable(f"the output is not finite near input {name}")
        return _finite_slope((f[1] - f[0]) / (hi - lo), name), rounding / (hi - lo), f

    def _settled_slope(self, program, name, x, h, walk, center):
        """The _Pair that settles the slope: Richardson's slope from the first
        pair of steps h/2**k, h/2**(k+1) where the error shrinks as h**2 (the
        slopes move by under a quarter, the second differences shrink by 4).
        A step past the scale the function changes on fails one of the two,
        so the step halves on (a tanh of 3e6 x + 9e12 x**2 at 0 is 1 at every
        step down to h/2**6).
        A pair that passes after a halving, or with a gap over SETTLED_SHARE
        of the slope, may sit at the edge of the h**2 regime, where
        |D(h/2) - D(h)| can understate the error: it counts once the next
        pair passes too and its gap has shrunk as h**2 does (by about 4), and
        the finer pair is the estimate.  After FD_MAX_HALVINGS the error is
        unbounded."""
        output, center_noise = center
        quotients = []

        def quotient(k):   # (D, its rounding, the outputs) at h / 2**k, each once
            while len(quotients) <= k:
                quotients.append(self._quotient(program, name, x, h / 2 ** len(quotients), walk))
            return quotients[k]

        def pair(k):   # the steps h/2**k and h/2**(k+1), judged
            (coarse, rounding_coarse, coarse_points), (fine, rounding_fine, fine_points) = (
                quotient(k), quotient(k + 1))
            step = h / 2 ** k
            # fine + (fine - coarse) / 3 == (4 fine - coarse) / 3 without overflowing
            slope = _finite_slope(fine + (fine - coarse) / 3.0, name)
            rounding = (4.0 * rounding_fine + rounding_coarse) / 3.0
            steps = (_step_name(k), _step_name(k + 1))
            truncation, why = _truncation(coarse, fine, rounding_coarse + rounding_fine, steps)
            points_rounding = (2 * step * rounding_coarse + 4 * step * rounding_fine
                               + 6 * center_noise)   # of the second differences
            if not why and _even_part_off(output, coarse_points, fine_points, points_rounding):
                truncation, why = math.inf, (
                    f" (the second differences at {steps[0]} and {steps[1]} are not a smooth "
                    "function's: the step is past the scale the function changes on)")
            return _Pair(slope, rounding, truncation, why, step)

        for k in range(FD_MAX_HALVINGS):
            found = pair(k)
            if found.why:
                continue   # not in the h**2 regime: halve on
            if k == 0 and found.truncation <= SETTLED_SHARE * abs(found.slope):
                return found   # deep in the regime: the gap bounds the error many times over
            if k + 1 < FD_MAX_HALVINGS:
                finer = pair(k + 1)
                gap, finer_gap = found.truncation, finer.truncation
                within_rounding = (gap <= quotient(k)[1] + quotient(k + 1)[1]
                                   and finer_gap <= quotient(k + 1)[1] + quotient(k + 2)[1])
                if not finer.why and (2.0 * finer_gap <= gap <= 8.0 * finer_gap
                                      or within_rounding):
                    return finer
        if not found.why:
            found = found._replace(truncation=math.inf,
                                   why=" (the halved steps never confirmed the h**2 regime)")
        return found

    def evaluate(self, program, *, integers=False):
        center = self.reference.evaluate(program)   # interpret(program), kept
        ids, plan = program.node_ids(), _plan(program)
        output_at = ids.index(program.output)
        branches, center_noise = _walk(plan, [center[name][0] for name in ids],
                                       [center[name][1] for name in ids], output_at)
        walk = (plan, branches, output_at)
        for step, branch in zip(program.steps, branches):
            if branch is None:
                raise NotApplicable(f"node {step.out} ({step.op}) is at a kink or domain edge")
        if not all(math.isfinite(v) for pair in center.values() for v in pair):
            raise NotApplicable("a value or gradient is not finite")
        inputs = dict(program.inputs)
        result, noise, reasons = {}, {}, {}
        output = center[program.output][0]
        for name in chosen_inputs(program):
            x = inputs[name]
            h = EPS ** (1 / 3) * max(1.0, abs(x))
            slope, rounding, truncation, why, step = self._settled_slope(
                program, name, x, h, walk, (output, center_noise))
            result[name] = (None, slope)
            noise[name] = rounding + truncation
            reasons[name] = (f"at step {step:.3g}: rounding {rounding:.3g}, "
                             f"truncation {truncation:.3g}{why}")
        return FdEvaluation(result, noise, reasons)

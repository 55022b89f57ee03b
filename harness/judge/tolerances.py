"""Every tolerance of the parity matrix, in one place, each with its reason.

A backend agrees with python_ref to the bit unless this table names an op it
computes differently.  An entry says how many ulps that op's value (`data`)
and its local derivative (`grad`, given the same inputs and output) may be
off.  Nodes that do not involve a listed op must match exactly.

How the budget of one node is derived (node_budgets): first-order running
error analysis on python_ref's own values.  Forward, the absolute error bound
of a node is what its arguments' bounds become through its partial
derivatives, plus its op's own ulps, plus one rounding once an input is off:

    E(v) = sum_i |dv/da_i| E(a_i) + (own ulps + [any E(a_i) > 0]) ulp(v)

Backward, each contribution g_p * d to a gradient carries |d| G(p) +
|g_p| E(d) + its rounding, where E(d) is how far the candidate's local
derivative d may be from python_ref's.  A derivative is computed from values
(tanh's (1 - t)(1 + t) from the output t, div's from a/b and b), so E(d) is
what the candidate's own values do to it: the derivative evaluated at the
candidate's operands and output, against python_ref's (at least the
sensitivity |dd/dv| times the measured |v_candidate - v_python_ref|), plus
the `grad` ulps of its op (another formula, or a libm call inside it).  A
value's allowance never reaches a derivative, only its measured error does:
a tanh allowed 2 ulp but bit-identical leaves (1 - t)(1 + t) nothing to
excuse, so 1 - t*t, which cancels near |t| = 1 (26 ulp at tanh(3), 75,926
at tanh(7)), fails; a t really 2 ulp off moves the derivative by thousands
of ulps there, and those are allowed.  Without a candidate's evaluation,
E(d) comes from the forward bounds instead (what a correct engine could need
at most).  A backend that adds gradient contributions in another order
(torch) adds the reordering error of every node with three or more
contributions.  Bounds are doubled (SAFETY) for the neglected second-order
terms and turned into ulps of the reference value.  A value that is not
finite, or whose bound is not, must match exactly.

A measured allowance is no wider than the forward bounds would give as long
as every value is within its first-order bound; a value may pass with up to
SAFETY times that, and its derivative then inherits what it really is.
"""
import math
from functools import lru_cache
import sys
from dataclasses import dataclass, replace
from typing import Callable, ClassVar

from ..ops import LECTURE, OPS, PORT, TORCH, OpBudget
from .compare import ulp_distance, ulp_reach

EPS = sys.float_info.epsilon
UNDERFLOW = math.ulp(0.0)   # the smallest subnormal
SAFETY = 2.0
# Above every finite ulp distance (at most 2 * 0x7FEFFFFFFFFFFFFF < 2**64, from
# -max to +max) and still finite; 2**62 was below the distance from 0 to
# 1e284, so a cancellation to 0 that torch summed in another order failed.
ULP_CAP = 2**64

FD_REL_TOL = 1e-6
FD_NOISE_ULPS = 4.0   # how far (in eps of its magnitude) one rounding may move a node
FD_MAX_HALVINGS = 16   # fd's smallest step, h/2**16, is still 9e-11 * max(1, |x|)
FD_RULE = ("central differences, h = cbrt(eps) * max(1, |x|), Richardson-extrapolated from "
           "steps h and h/2, at most 64 inputs per fixture; a gradient passes when "
           "|fd - ref| <= 1e-6 * max(1, |ref|) + e, where e is fd's own error estimate: the "
           "quotients' rounding (4 eps of every node's magnitude, plus the underflow step, "
           "carried to the output by its gradient at each point evaluated, over the step) + "
           "|D(h/2) - D(h)| (truncation; where halving the step moves the slope by over a "
           "quarter, or the second differences are not a smooth function's, the step halves "
           f"on, up to {FD_MAX_HALVINGS} times, and past that the truncation is unbounded); "
           "UNRESOLVED where that allowance is half |ref| or more; N/A at kinks, branch "
           "changes, non-finite values")


# -- what an engine may be off: its budget, fixed when it opens ----------------------

@lru_cache(maxsize=None)
def _merged(classes):
    """{op: OpBudget} of an engine with these deviation classes (harness.ops):
    per op, the larger ulps of each class that lists it, both reasons; where
    an entry counts its ulps of another magnitude (OpBudget.data_scale), the
    merged budget keeps each entry (parts) and allows the largest error."""
    table = {}
    for name, op in OPS.items():
        entries = [op.deviations[cls] for cls in classes if cls in op.deviations]
        if not entries:
            continue
        merged = entries[0]
        for entry in entries[1:]:
            merged = OpBudget(max(merged.data, entry.data), max(merged.grad, entry.grad),
                              f"{merged.reason}; {entry.reason}",
                              of="; ".join(e.of for e in (merged, entry) if e.of))
        if any(e.data_scale or e.grad_scale for e in entries) and len(entries) > 1:
            merged = replace(merged, parts=tuple(entries))
        table[name] = merged
    return table


def _own_data_error(own, args, out):
    """The absolute error an op's own deviation (its OpBudget, or None)
    allows its value."""
    if own is None or not (own.parts or own.data_scale):
        return (own.data if own else 0) * _ulp(out)
    return max(_ulps_of(e.data, e.data_scale(args, out) if e.data_scale else out)
               for e in own.parts or (own,))


def _ulps_of(ulps, scale):
    """ulps of scale; none where the scale says the deviation does not apply (None)."""
    return 0.0 if scale is None else ulps * _ulp(scale)


def _own_grad_error(own, args, out, d):
    """The absolute error an op's own deviation allows a local derivative d."""
    if own is None or not (own.parts or own.grad_scale):
        return (own.grad if own else 0) * _ulp(d)
    return max(_ulps_of(e.grad, e.grad_scale(args, out) if e.grad_scale else d)
               for e in own.parts or (own,))


@dataclass(frozen=True)
class KnownDeviation:
    """A place where an engine's answer is not a rounding away but a different
    IEEE convention: no ulp budget covers it, the cell says N/A and why."""
    op: str
    applies: Callable    # applies(args: list of floats, constants: list of bool) -> bool
    reason: str


@dataclass(frozen=True)
class UlpBudget:
    """How far an engine's values may be from python_ref's, in ulps carried
    through the graph (node_budgets): the ops its deviation classes list,
    whether it adds a node's gradient contributions in another order
    (`reorders`, the reason), the places it follows another IEEE convention
    (known deviations: N/A), and whether a fixture's tagged conventions may
    excuse a difference (a user's port: CONVENTION; the lab's own engines
    keep python_ref's conventions)."""
    name: str                  # how reports name the table
    classes: tuple = ()
    reorders: str = ""
    known_deviations: tuple = ()
    conventions: bool = False
    lecture: tuple = ()        # classes it gains on lecture-level fixtures (harness/levels.py)
    kind: ClassVar[str] = "ulps"

    @property
    def table(self):
        return _merged(self.classes)

    def on_lecture_level(self):
        """This budget on a lecture-level fixture: with its lecture classes."""
        return _on_lecture_level(self) if self.lecture else self

    def node_budgets(self, program, reference, candidate=None):
        return node_budgets(program, reference, self.table, bool(self.reorders),
                            candidate=candidate)

    def known_deviation(self, program, reference):
        """Why this engine is expected to differ on this program, or None."""
        for step in program.steps if self.known_deviations else ():
            args = step.resolve(lambda node: reference[node][0])
            constant = [a.kind == "num" for a in step.args]
            for rule in self.known_deviations:
                if rule.op == step.op and rule.applies(args, constant):
                    return f"known deviation at node {step.out} ({step.op}): {rule.reason}"
        return None


@dataclass(frozen=True)
class FdBudget:
    """Finite differences: their own error estimate, which each evaluation
    carries (harness/engines/fd.py), plus FD_REL_TOL."""
    name: str = "fd"
    kind: ClassVar[str] = "fd"


@lru_cache(maxsize=None)
def _on_lecture_level(budget):
    return replace(budget, name=f"{budget.name} (lecture level)",
                   classes=budget.classes + budget.lecture, lecture=())


EXACT = UlpBudget("exact")
PORT_REORDERS = ("a port's own topological order (any valid one, and a sum or dot lowered "
                 "to + and *) may add a node's gradient contributions in another order")


def port_budget(name, libm=(), known_deviations=()):
    """A user's port: its runtime's libm classes and known IEEE deviations,
    plus what any port may write its own way, and on lecture-level fixtures
    the lecture's own formulas; nothing else: its forward of + - * / ** is
    bit-identical."""
    return UlpBudget(name, tuple(libm) + (PORT,), reorders=PORT_REORDERS,
                     known_deviations=tuple(known_deviations), conventions=True,
                     lecture=(LECTURE,))


def minus_zero_or_inf(x):
    """-inf or -0.0: a base whose sign a power keeps or drops (C99 pow gives
    -inf or -0.0 for an odd integer exponent, +inf or +0.0 otherwise)."""
    return x == -math.inf or (x == 0.0 and math.copysign(1.0, x) < 0.0)


def _torch_sqrt_edge(args, constant):
    base, exponent = args
    return constant[1] and (exponent - 0.5).is_integer() and minus_zero_or_inf(base)


TORCH_BUDGET = UlpBudget(
    "torch", (TORCH,),
    reorders="torch's autograd engine runs backward nodes by a ready queue ordered by "
             "creation sequence, so a node used three or more times sums its gradient "
             "contributions in another order (measured: 2 ulp on random DAGs of + - *)",
    known_deviations=(KnownDeviation(
        "pow", _torch_sqrt_edge,
        "torch computes x**0.5 as sqrt(x) and x**-0.5 as rsqrt(x) (also inside the "
        "derivative of x**1.5): sqrt(-inf) = nan and sqrt(-0.0) = -0.0, where C99 "
        "pow (python_ref, Lua) gives +inf and +0.0"),))


def _ulp(x):
    return math.ulp(x) if math.isfinite(x) else math.inf


def node_budgets(program, reference, table, reorders=False, free_order=frozenset(),
                 candidate=None):
    """{node id: (data ulps, grad ulps)} allowed against reference (python_ref's
    evaluation of program) for an engine whose ops differ as table says
    ({op: OpBudget}) and which adds gradient contributions in its own order
    when reorders.  free_order: ops whose terms the engine adds in an order of
    its own (a port's Neuron computing b + w . x as a dot node stands for):
    each of their roundings counts, exact inputs or not.  Empty when
    everything must be exact.

    candidate: the engine's own evaluation of program.  With it, a local
    derivative's allowance comes from the candidate's measured forward
    values (how far each operand and the op's output are from python_ref's);
    without, from the forward bounds (the most a correct engine could be off,
    libm allowances included)."""
    if not table and not reorders and not free_order:
        return {}
    if not any(step.op in table or step.op in free_order for step in program.steps) and not (
            reorders and _has_reuse(program)):
        return {}
    data = {node: pair[0] for node, pair in reference.items()}
    grad = {node: pair[1] for node, pair in reference.items()}
    err = {name: 0.0 for name, _ in program.inputs}
    gerr = {node: 0.0 for node in data}
    abs_sum = {node: 0.0 for node in data}     # sum of |contributions| (reordering)
    count = {node: 0 for node in data}
    locals_ = {}

    for step in program.steps:
        op = OPS[step.op]
        vals = step.resolve(data.__getitem__)
        errs = [err[a.value] if a.kind == "node" else 0.0 for a in step.args]
        out = data[step.out]
        partials = op.derivatives(vals, out)
        locals_[step.out] = (vals, errs, partials)
        own = table.get(step.op)
        propagated = sum(_times(abs(d), e) for (d, _), e in zip(partials, errs))
        roundings = op.roundings(vals) if propagated or step.op in free_order else 0
        scale = op.rounding_scale(vals, out)
        err[step.out] = propagated + (_own_data_error(own, vals, out)
                                      + roundings * _ulp(scale))
    moved = err if candidate is None else _measured_shifts(data, candidate, err)

    upstream = program.upstream([program.output])
    for step in reversed(program.steps):
        if step.out not in upstream:
            continue  # backward never runs there
        # every contribution to step.out is in: sum them before they flow on
        gerr[step.out] += _summing(count[step.out], abs_sum[step.out], gerr[step.out],
                                   reorders)
        vals, errs, partials = locals_[step.out]
        if candidate is not None:
            errs = [moved[a.value] if a.kind == "node" else 0.0 for a in step.args]
        g, g_err = grad[step.out], gerr[step.out]
        own = table.get(step.op)
        # where the candidate's operands or output moved: the derivatives there
        shifted = (_derivatives_at(step, candidate, data)
                   if candidate is not None and (moved[step.out] or any(errs)) else None)
        for i, (arg, (d, sens)) in enumerate(zip(step.args, partials)):
            if arg.kind != "node":
                continue
            d_err = sum(_times(s, moved[step.out] if j == "out" else errs[j])
                        for j, s in sens.items())
            d_size = abs(d)
            if shifted is not None:
                d_new = shifted[i][0]
                d_err = _finite_max(d_err, abs(d_new - d))
                d_size = _finite_max(d_size, abs(d_new))
            d_err += _own_grad_error(own, vals, data[step.out], d)
            e = _times(d_size, g_err) + _times(abs(g), d_err)
            if e:
                e += _ulp(g * d)
            gerr[arg.value] += e
            abs_sum[arg.value] += _times(abs(g), abs(d))
            count[arg.value] += 1
    for name, _ in program.inputs:
        gerr[name] += _summing(count[name], abs_sum[name], gerr[name], reorders)
    return {node: (_to_ulps(err.get(node, 0.0), data[node]), _to_ulps(gerr[node], grad[node]))
            for node in data}


def _measured_shifts(data, candidate, bounds):
    """{node: |candidate's value - python_ref's|}: 0 where they are equal (or
    both nan), inf where they differ in kind; the forward bound where the
    candidate gives no value."""
    out = {}
    for node, ref in data.items():
        pair = candidate.get(node)
        cand = pair[0] if pair is not None else None
        if cand is None:
            out[node] = bounds.get(node, 0.0)
        elif cand == ref or (cand != cand and ref != ref):
            out[node] = 0.0
        else:
            shift = abs(cand - ref)
            out[node] = shift if shift == shift else math.inf
    return out


def _derivatives_at(step, candidate, data):
    """The step's local derivatives at the candidate's own values (python_ref's
    where it gives none): what the candidate's derivative should be, computed
    rather than estimated, so no product of a sensitivity and an error (such
    as 1/x**2 times x's shift) can overflow where the change itself does not."""
    def value(node):
        pair = candidate.get(node)
        return data[node] if pair is None or pair[0] is None else pair[0]
    return OPS[step.op].derivatives(step.resolve(value), value(step.out))


def _finite_max(a, b):
    """The larger of two estimates of one error, ignoring one that overflowed
    or is nan (inf when both did)."""
    finite = [x for x in (a, b) if math.isfinite(x)]
    return max(finite) if finite else math.inf


def _has_reuse(program):
    """Does any node receive three or more gradient contributions?"""
    uses = {}
    for step in program.steps:
        for arg in step.args:
            if arg.kind == "node":
                uses[arg.value] = uses.get(arg.value, 0) + 1
    return any(n >= 3 for n in uses.values())


def _summing(k, abs_sum, err, reorders):
    """What summing a node's k gradient contributions adds to its error:
    another order's roundings (reorders), and, where a contribution is
    already off (err), each addition's rounding, which may then go the other
    way: up to an ulp of the running sum, at most abs_sum, per addition
    (1 + n2 with n2 1 ulp off lands 1 ulp of 1.25 away)."""
    error = _reordering(k, abs_sum) if reorders else 0.0
    if err and k >= 2:
        error += (k - 1) * _ulp(abs_sum)
    return error


def _reordering(k, abs_sum):
    """How far k gradient contributions summed in another order can land
    (two terms commute exactly; each further addition rounds differently)."""
    return (k - 1) * EPS * abs_sum if k >= 3 else 0.0


def _times(a, b):
    """a * b for magnitudes, where a zero factor wins (0 * inf adds no error),
    and a product of two nonzero ones never underflows to none at all (an
    error below the smallest subnormal still moves a subnormal result)."""
    return 0.0 if a == 0.0 or b == 0.0 else max(a * b, UNDERFLOW)


def _to_ulps(bound, value):
    """The ulps between value and value +- SAFETY * bound (counted, not
    divided: a bound larger than the value spans many binades)."""
    if bound == 0.0:
        return 0
    if not (math.isfinite(bound) and math.isfinite(value)):
        return 0
    reach = SAFETY * bound
    ulps = max(ulp_distance(value, value + reach), ulp_distance(value, value - reach))
    # finite, so an infinity or nan can never be within budget
    return min(ulps, ULP_CAP)


class BudgetCache:
    """The node budgets of one program under each engine's budget, for each
    evaluation judged against it, each computed once (the matrix asks for
    torch's several times per fixture, once for each column judged against
    torch)."""

    def __init__(self, program, reference):
        self.program, self.reference = program, reference
        self._kept = {}   # (budget, id(evaluation)) -> (evaluation, its node budgets)

    def of(self, budget, evaluation=None):
        """The budgets of an evaluation by an engine with this budget
        (measured from its own values: see node_budgets)."""
        key = (budget.name, id(evaluation))
        kept = self._kept.get(key)
        if kept is None or kept[0] is not evaluation:
            kept = (evaluation, budget.node_budgets(self.program, self.reference, evaluation))
            self._kept[key] = kept
        return kept[1]

    def pair(self, a, a_evaluation, b, b_evaluation):
        """Budget of a's evaluation against b's when both are judged against
        the reference: the two budgets add (triangle inequality)."""
        ba, bb = self.of(a, a_evaluation), self.of(b, b_evaluation)
        return {node: tuple(x + y for x, y in zip(ba.get(node, (0, 0)), bb.get(node, (0, 0))))
                for node in set(ba) | set(bb)}


class UlpAllowance:
    """Every value within so many ulps of the reference: budget None (bit-
    identical), one number for every value, {node id: (data ulps, grad
    ulps)} (missing nodes: 0), or a function giving one of those, called
    only when a value differs (bit-identical evaluations need no budget)."""
    relative = False
    why = ("the error bound propagated to this value (first-order error analysis of the "
           "listed ops, a derivative's from the engine's own measured values, doubled: "
           "harness/judge/tolerances.py)")

    def __init__(self, budget=None):
        self._budget = budget

    @property
    def budget(self):
        if callable(self._budget):
            self._budget = self._budget()
        return self._budget

    def allowed(self, node, index):
        if self.budget is None:
            return 0
        if isinstance(self.budget, (int, float)):
            return self.budget
        pair = self.budget.get(node)
        return 0 if pair is None else pair[index]

    def check(self, difference):
        """(allowed ulps, the same as an absolute error, within?) for one Difference."""
        allowed = self.allowed(difference.node, difference.index)
        return allowed, ulp_reach(difference.reference, allowed), difference.ulps <= allowed

    def explain(self, node):
        return self.why


class FdAllowance:
    """Finite differences: relative error for |g| >= 1, absolute below, plus
    fd's own error estimate for the input (noise: {input: absolute error})."""
    relative = True

    def __init__(self, noise=None, rel_tol=FD_REL_TOL, reasons=None):
        self.noise, self.rel_tol, self.reasons = noise or {}, rel_tol, reasons or {}

    def check(self, difference):
        ref, cand = difference.reference, difference.candidate
        if not (math.isfinite(ref) and math.isfinite(cand)):
            return self.rel_tol, 0.0, False   # unequal and not both finite: infinitely far
        bound = self.rel_tol * max(1.0, abs(ref)) + self.noise.get(difference.node, 0.0)
        return self.rel_tol, bound, abs(cand - ref) <= bound

    def explain(self, node):
        return (f"{self.rel_tol:g} * max(1, |ref|) + fd's error estimate"
                + (f" {self.reasons[node]}" if node in self.reasons else ""))


def describe(budgets):
    """budgets ({engine: UlpBudget}) as Markdown rows: the report's
    explanation of every deviation class."""
    rows = ["| backend | op | value ulps | derivative ulps | why |", "|---|---|---|---|---|"]
    for engine, budget in budgets.items():
        for op, b in budget.table.items():
            rows.append(f"| {engine} | `{op}` | {b.data} | {b.grad} | {b.reason} |")
        for op, b in _merged(budget.lecture).items():
            rows.append(f"| {engine}, lecture-level fixtures | `{op}` | {b.data} | {b.grad} | "
                        f"{b.reason}{f' (ulps of {b.of})' if b.of else ''} |")
    for engine, budget in budgets.items():
        if budget.reorders:
            rows.append(f"| {engine} | gradient accumulation | - | - | {budget.reorders} |")
        for d in budget.known_deviations:
            rows.append(f"| {engine} | `{d.op}` (N/A: known deviation) | - | - | {d.reason} |")
    return "\n".join(rows)

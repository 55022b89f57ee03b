"""The comparison engine: two evaluations of one Program, value by value, in ulps.

An evaluation maps every node id to (data, grad); a backend puts None where it
does not compute something (finite differences give input gradients only).
This module measures (which values differ and how far); harness.judge.verdict
decides what the differences mean.

Conventions (the report states them too):
* ulp_distance counts the float64 values between a and b: adjacent floats are
  1 apart, 1.0 and 1.0 + 2**-52 are 1 apart, the smallest subnormals on both
  sides of zero are 2 apart.
* +0.0 and -0.0 are equal (0 ulp).  Python accumulates a gradient onto +0.0
  (0.0 + -0.0 == +0.0) while torch assigns the first contribution, so the sign
  of a zero gradient is not a property of the engine; a sign of zero that
  matters shows up downstream (1/x, log, x**-1) as an infinity of the other
  sign, which is infinitely far.
* nan equals nan (any payload).  nan against a number, an infinity against a
  finite number, or infinities of opposite sign are infinitely far.
"""
import itertools
import math
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple, Optional

FIELDS = ("data", "grad")
_MAGNITUDE = 0x7FFF_FFFF_FFFF_FFFF
_MAX_POSITION = 0x7FEF_FFFF_FFFF_FFFF   # the largest finite float's position


def _ordered(x):
    """The float's position on the number line as an integer (both zeros at 0)."""
    (bits,) = struct.unpack("<q", struct.pack("<d", x))
    return bits if bits >= 0 else -(bits & _MAGNITUDE)


def _at_position(position):
    """The float at an integer position of _ordered (inf past the largest)."""
    if abs(position) > _MAX_POSITION:
        return math.copysign(math.inf, position)
    (x,) = struct.unpack("<d", struct.pack("<q", abs(position)))
    return -x if position < 0 else x


def ulp_distance(a, b):
    """How many float64 steps lie between a and b (see the module docstring)."""
    a, b = float(a), float(b)
    if a != a or b != b:
        return 0 if (a != a and b != b) else math.inf
    if a == b:
        return 0
    if math.isinf(a) or math.isinf(b):
        return math.inf
    return abs(_ordered(a) - _ordered(b))


# Beyond this many ulps allowed, a distance in ulps says little to a reader (4.5e18 ulp
# is 6e3 around 0.0): the absolute distance goes first.
ULPS_TOO_MANY_TO_READ = 2.0 ** 20
TEXT_SHOWN = 80   # characters of a step's source text in a one-line message


def ulp_reach(value, ulps):
    """How far (absolutely) `ulps` float64 steps from value can land, the
    farther of the two directions; inf when they pass the largest float."""
    if ulps <= 0 or not math.isfinite(value):
        return 0.0
    if ulps == math.inf:
        return math.inf
    position = _ordered(value)
    return max(abs(_at_position(position + int(ulps)) - value),
               abs(value - _at_position(position - int(ulps))))


def abs_error(reference, candidate):
    if reference == candidate or (reference != reference and candidate != candidate):
        return 0.0
    return abs(candidate - reference)


def rel_error(reference, candidate):
    err = abs_error(reference, candidate)
    if err == 0.0:
        return 0.0
    return err / abs(reference) if reference != 0.0 else math.inf


def relative_distance(reference, candidate):
    """|candidate - reference| / |reference|, for ranking how far off values
    are: 0 for equal values (nan equals nan), inf where they differ in kind
    (nan against a number, an infinity against anything else) or reference is 0."""
    if abs_error(reference, candidate) == 0.0:
        return 0.0
    if not (math.isfinite(reference) and math.isfinite(candidate)) or reference == 0.0:
        return math.inf
    return abs(candidate - reference) / abs(reference)


def scaled_error(reference, candidate):
    """|candidate - reference| / max(1, |reference|); inf when they differ in kind."""
    if abs_error(reference, candidate) == 0.0:
        return 0.0
    if not (math.isfinite(reference) and math.isfinite(candidate)):
        return math.inf
    return abs(candidate - reference) / max(1.0, abs(reference))


@dataclass(frozen=True)
class Mismatch:
    """One value of one node: where it is, both values and how far apart."""
    node: str
    op: str            # for a leaf, its program's word for one ("input", "parameter")
    line: int
    text: str          # the fixture's source text of the assignment
    field: str         # "data" or "grad"
    reference: float
    candidate: float
    ulps: float
    abs_err: float
    rel_err: float
    allowed: float     # the budget for this value (ulps, or rel_tol in fd mode)
    bound: Optional[float] = None   # the budget as an absolute error (when it matters)

    def where(self):
        # a 1000-input dot's source line made a FAIL line of 11,909 characters
        text = self.text if len(self.text) <= TEXT_SHOWN else self.text[:TEXT_SHOWN - 1] + "…"
        if not text:   # an input: it read "node x (input, input)"
            return f"node {self.node} ({self.op})"
        if not self.line:   # a node no fixture line says (the nn half's)
            return f"node {self.node} ({self.op}, {text})"
        return f"node {self.node} ({self.op}, line {self.line}: {text})"

    def describe(self):
        distance = f"{fmt_ulps(self.ulps)} ulp (allowed {self.allowed:g})"
        if self.allowed > ULPS_TOO_MANY_TO_READ:   # near 0 an ulp is tiny: say it absolutely too
            reach = ulp_reach(self.reference, self.allowed)
            distance = (f"off by {self.abs_err:.3g}, {reach:.3g} allowed ({fmt_ulps(self.ulps)} "
                        f"ulp, {self.allowed:g} allowed)")
        return (f"{self.where()} {self.field}: "
                f"expected {self.reference!r}, got {self.candidate!r}, {distance}")

    def describe_briefly(self):
        """Where, both values and how far apart, relatively (the farthest-off value)."""
        far = relative_distance(self.reference, self.candidate)
        finite = math.isfinite(self.reference) and math.isfinite(self.candidate)
        apart = (f"relative error {far:.2g}" if far != math.inf else
                 f"absolute error {abs(self.candidate):.2g}" if finite else "they differ in kind")
        return (f"node {self.node} ({self.op}) {self.field}: expected {self.reference!r}, "
                f"got {self.candidate!r} ({apart})")

    def to_json(self):
        out = {"node": self.node, "op": self.op, "line": self.line, "text": self.text,
               "field": self.field, "reference": repr(self.reference),
               "candidate": repr(self.candidate), "ulps": json_number(self.ulps),
               "abs_err": json_number(self.abs_err), "rel_err": json_number(self.rel_err),
               "allowed": json_number(self.allowed)}
        if self.bound is not None:
            out["bound"] = json_number(self.bound)
        return out


class Difference(NamedTuple):
    """A value the two evaluations disagree on (ulps > 0)."""
    node: str
    index: int         # into FIELDS
    reference: float
    candidate: float
    ulps: float


# Inside kept_pairs(), the last few evaluations as lists in program order:
# the matrix compares each column's evaluation of a fixture with python_ref's
# and with torch's, so each list is built once, not per comparison.  Only
# there: it keys on the evaluation dict itself, which must not change.
_PAIRS_KEPT = 6
_kept = None   # [(evaluation, program, its pairs, has it a None)] while on


@contextmanager
def kept_pairs():
    """Keep each evaluation's pairs for the comparisons in this block (the
    evaluations compared in it must not be changed in it)."""
    global _kept
    outer, _kept = _kept, []
    try:
        yield
    finally:
        _kept = outer


def _pairs(evaluation, program):
    """([evaluation's (data, grad) or None per node, in program order],
    whether any of them is or holds a None)."""
    if _kept is not None:
        for i, (kept, kept_program, pairs, has_none) in enumerate(_kept):
            if kept is evaluation and kept_program is program:
                _kept.insert(0, _kept.pop(i))   # most recently used first; the last is dropped
                return pairs, has_none
    pairs = list(map(evaluation.get, program.node_ids()))
    has_none = None in pairs or None in itertools.chain.from_iterable(pairs)
    if _kept is not None:
        _kept.insert(0, (evaluation, program, pairs, has_none))
        del _kept[_PAIRS_KEPT:]
    return pairs, has_none


def differences(reference, candidate, program):
    """(how many values both evaluations have, [Difference] in program order)."""
    (ref_pairs, ref_none), (cand_pairs, _) = _pairs(reference, program), _pairs(candidate, program)
    # Most cells are bit-identical: one comparison of the two lists, in C,
    # settles them without a Python step per node.
    if not ref_none and ref_pairs == cand_pairs:
        return 2 * len(ref_pairs), []
    compared, found = 0, []
    for node_id, ref_pair, cand_pair in zip(program.node_ids(), ref_pairs, cand_pairs):
        if ref_pair is None or cand_pair is None:
            continue
        if ref_pair == cand_pair and None not in ref_pair:
            compared += 2   # equal floats are 0 ulp apart (the common case: fast)
            continue
        for index in (0, 1):
            ref, cand = ref_pair[index], cand_pair[index]
            if ref is None or cand is None:
                continue
            compared += 1
            ulps = ulp_distance(ref, cand)
            if ulps:
                found.append(Difference(node_id, index, ref, cand, ulps))
    return compared, found


def mismatch(steps, difference, allowed, bound=None, leaf="input"):
    """The Mismatch of a Difference, with the fixture's line for its node
    (steps: the program's step_by_id(); leaf: what the program calls an input)."""
    step = steps.get(difference.node)
    ref, cand = difference.reference, difference.candidate
    return Mismatch(difference.node, step.op if step else leaf,
                    step.line if step else 0, step.text if step else "",
                    FIELDS[difference.index], ref, cand, difference.ulps,
                    abs_error(ref, cand), rel_error(ref, cand), allowed, bound)


def same_bits(a, b):
    """The same double to the bit (-0.0 is not 0.0); any nan matches any nan."""
    if a is None or b is None:
        return a is b
    a, b = float(a), float(b)
    return (a != a and b != b) or struct.pack("<d", a) == struct.pack("<d", b)


def first_bit_difference(program, one, two):
    """(node, "data" or "grad", one's value, two's) of the first value in
    program order whose bits differ between two evaluations, or None."""
    for node in program.node_ids():
        for index, field in enumerate(FIELDS):
            a, b = one[node][index], two[node][index]
            if not same_bits(a, b):
                return node, field, a, b
    return None


def fmt_ulps(ulps):
    return "inf" if ulps == math.inf else f"{ulps:g}"


def json_number(x):
    """JSON has no inf/nan: write them as strings, keep ints as ints."""
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def expected_evaluation(expected):
    """A fixture's expected values ({node: {"data": x, "grad": y}}) as an evaluation."""
    return {node: (values.get("data"), values.get("grad")) for node, values in expected.items()}

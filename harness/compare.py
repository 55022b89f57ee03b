"""Compare two evaluations of one Program, value by value, in ulps.

An evaluation maps every node id to (data, grad); a backend puts None where it
does not compute something (finite differences give input gradients only).

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
import math
import struct
from dataclasses import dataclass, field
from typing import Mapping, Optional

EXACT, CLOSE, FAIL, ERROR, NA = "EXACT", "CLOSE", "FAIL", "ERROR", "N/A"
STATUSES = (EXACT, CLOSE, FAIL, ERROR, NA)
PASSING = (EXACT, CLOSE, NA)
FIELDS = ("data", "grad")


def _ordered(x):
    """The float's position on the number line as an integer (both zeros at 0)."""
    (bits,) = struct.unpack("<q", struct.pack("<d", x))
    return bits if bits >= 0 else -(bits & 0x7FFF_FFFF_FFFF_FFFF)


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


def abs_error(reference, candidate):
    if reference == candidate or (reference != reference and candidate != candidate):
        return 0.0
    return abs(candidate - reference)


def rel_error(reference, candidate):
    err = abs_error(reference, candidate)
    if err == 0.0:
        return 0.0
    return err / abs(reference) if reference != 0.0 else math.inf


@dataclass(frozen=True)
class Mismatch:
    """One value of one node: where it is, both values and how far apart."""
    node: str
    op: str            # "input" for a leaf
    line: int
    text: str          # the fixture's source text of the assignment
    field: str         # "data" or "grad"
    reference: float
    candidate: float
    ulps: float
    abs_err: float
    rel_err: float
    allowed: float     # the budget for this value (ulps, or rel_tol in fd mode)

    def describe(self):
        where = f"line {self.line}: {self.text}" if self.text else self.op
        return (f"node {self.node} ({self.op}, {where}) {self.field}: "
                f"expected {self.reference!r}, got {self.candidate!r}, "
                f"{_fmt_ulps(self.ulps)} ulp (allowed {self.allowed:g})")

    def to_json(self):
        return {"node": self.node, "op": self.op, "line": self.line, "text": self.text,
                "field": self.field, "reference": repr(self.reference),
                "candidate": repr(self.candidate), "ulps": _json_number(self.ulps),
                "abs_err": _json_number(self.abs_err), "rel_err": _json_number(self.rel_err),
                "allowed": _json_number(self.allowed)}


@dataclass(frozen=True)
class Cell:
    """The verdict for one evaluation against another."""
    status: str
    max_ulps: float = 0            # the largest ulp distance seen (CLOSE/FAIL)
    worst: Optional[Mismatch] = None   # where max_ulps was seen
    first_fail: Optional[Mismatch] = None
    message: str = ""              # ERROR: the exception; N/A: why
    compared: int = field(default=0)   # how many values were compared
    max_rel: Optional[float] = None    # relative mode (finite differences): the largest
                                       # |cand - ref| / max(1, |ref|), what its tolerance bounds

    @property
    def passed(self):
        return self.status in PASSING

    @staticmethod
    def error(exc):
        text = f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)
        return Cell(ERROR, message=" ".join(text.split())[:500])

    @staticmethod
    def not_applicable(reason):
        return Cell(NA, message=reason)

    def summary(self):
        """A short text for a table cell."""
        if self.status == CLOSE and self.max_rel is not None:
            return f"CLOSE rel {self.max_rel:.1e}"
        if self.status == CLOSE:
            return f"CLOSE {_fmt_ulps(self.max_ulps)} ulp"
        if self.status == FAIL:
            return f"FAIL {self.first_fail.node}.{self.first_fail.field}"
        return self.status

    def detail(self):
        """One line explaining the verdict (empty for EXACT)."""
        if self.status == FAIL:
            return self.first_fail.describe()
        if self.status == CLOSE and self.worst is not None:
            return "worst: " + self.worst.describe()
        return self.message

    def to_json(self):
        out = {"status": self.status, "max_ulps": _json_number(self.max_ulps),
               "compared": self.compared}
        if self.message:
            out["message"] = self.message
        if self.max_rel is not None:
            out["max_rel_err"] = _json_number(self.max_rel)
        if self.first_fail is not None:
            out["first_fail"] = self.first_fail.to_json()
        if self.worst is not None:
            out["worst"] = self.worst.to_json()
        return out


def _fmt_ulps(ulps):
    return "inf" if ulps == math.inf else f"{ulps:g}"


def _json_number(x):
    """JSON has no inf/nan: write them as strings, keep ints as ints."""
    if isinstance(x, float) and not math.isfinite(x):
        return repr(x)
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else x


def _allowed(budget, node_id, field_index):
    if budget is None:
        return 0
    if isinstance(budget, (int, float)):
        return budget
    bound = budget.get(node_id)
    return 0 if bound is None else bound[field_index]


def _fd_ok(reference, candidate, rel_tol, noise):
    """Finite differences: relative error for |g| >= 1, absolute below, plus
    the rounding noise of the difference quotient the backend reports."""
    if reference != reference or candidate != candidate:
        return reference != reference and candidate != candidate
    if math.isinf(reference) or math.isinf(candidate):
        return reference == candidate
    return abs(candidate - reference) <= rel_tol * max(1.0, abs(reference)) + noise


def _scaled_error(reference, candidate):
    """|candidate - reference| / max(1, |reference|); inf when they differ in kind."""
    if abs_error(reference, candidate) == 0.0:
        return 0.0
    if not (math.isfinite(reference) and math.isfinite(candidate)):
        return math.inf
    return abs(candidate - reference) / max(1.0, abs(reference))


def compare(reference, candidate, program, budget=None, rel_tol=None, noise=None):
    """Compare every value both evaluations have, in program order.

    budget: None (every value must be bit-identical), a number of ulps for
    every value, or {node id: (data ulps, grad ulps)} (missing nodes: 0).
    rel_tol: compare with a relative tolerance instead of ulps (finite
    differences); noise: {node id: extra absolute allowance} for that mode.
    Returns a Cell: EXACT, CLOSE or FAIL (the first value over its budget).
    """
    steps = program.step_by_id()
    max_ulps, worst, first_fail, compared = 0, None, None, 0
    max_rel = 0.0 if rel_tol is not None else None
    for node_id in program.node_ids():
        ref_pair, cand_pair = reference.get(node_id), candidate.get(node_id)
        if ref_pair is None or cand_pair is None:
            continue
        if ref_pair == cand_pair and None not in ref_pair:
            compared += 2   # equal floats are 0 ulp apart (the common case: fast)
            continue
        for index, name in enumerate(FIELDS):
            ref, cand = ref_pair[index], cand_pair[index]
            if ref is None or cand is None:
                continue
            compared += 1
            ulps = ulp_distance(ref, cand)
            if ulps == 0:
                continue
            if rel_tol is not None:
                allowed = rel_tol
                max_rel = max(max_rel, _scaled_error(ref, cand))
                ok = _fd_ok(ref, cand, rel_tol, (noise or {}).get(node_id, 0.0))
            else:
                allowed = _allowed(budget, node_id, index)
                ok = ulps <= allowed
            mismatch = None
            if ulps > max_ulps or (not ok and first_fail is None):
                step = steps.get(node_id)
                mismatch = Mismatch(node_id, step.op if step else "input",
                                    step.line if step else 0, step.text if step else "",
                                    name, ref, cand, ulps, abs_error(ref, cand),
                                    rel_error(ref, cand), allowed)
            if ulps > max_ulps:
                max_ulps, worst = ulps, mismatch
            if not ok and first_fail is None:
                first_fail = mismatch
    if first_fail is not None:
        return Cell(FAIL, max_ulps, worst, first_fail, compared=compared, max_rel=max_rel)
    if max_ulps:
        return Cell(CLOSE, max_ulps, worst, compared=compared, max_rel=max_rel)
    return Cell(EXACT, compared=compared, max_rel=max_rel)


def expected_evaluation(expected):
    """A fixture's expected values ({node: {"data": x, "grad": y}}) as an evaluation."""
    return {node: (values.get("data"), values.get("grad")) for node, values in expected.items()}

"""A cell's verdict, decided in one place: two evaluations of one program and
the engine's budget in, the verdict with its evidence out.

The runner (harness.run), and through it the parity matrix, the check, the
mutants and the fuzzer, all ask this module.  compare measures (ulps, which
values differ), tolerances derives the budgets; this module decides what the
differences mean.  It knows no engine: only the budget an engine opened with.

A value is *resolved* when its allowed error is under half its magnitude:
the comparison then checks at least its leading binary digit.  Where the
allowance is half the value or more (a cancellation whose error bound is as
large as what is left, a finite difference whose rounding swamps the slope)
a value within it reads UNRESOLVED rather than CLOSE, with the bound and
its reason: a first-order bound that large checks no digit.  A value beyond
an ulp budget still FAILs (the budget bounds a correct engine's error); one
beyond finite differences' own error estimate reads UNRESOLVED too, since
that estimate is what no longer holds.  Values
that differ in kind (nan against a number, an infinity against anything
else) are infinitely far, which no finite allowance covers: FAIL.
"""
import math
from dataclasses import dataclass, replace
from typing import Optional

from ..program import FLOATS
from . import conventions, tolerances
from .compare import (FIELDS, ULPS_TOO_MANY_TO_READ, Difference, Mismatch, differences,
                      expected_evaluation, first_bit_difference, fmt_ulps, json_number,
                      mismatch, relative_distance, scaled_error, ulp_distance)

EXACT, CLOSE, FAIL, ERROR, NA = "EXACT", "CLOSE", "FAIL", "ERROR", "N/A"
UNRESOLVED, UNSUPPORTED, CONVENTION = "UNRESOLVED", "UNSUPPORTED", "CONVENTION"
NOT_RUN = "NOT RUN"
PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
NOT_RUN_COUNT = "not run"   # a NOT RUN cell fails, and the final line counts it apart


@dataclass(frozen=True)
class Status:
    name: str
    counted: str     # PASSED, FAILED or SKIPPED: which count of the final line it joins
    severity: int    # a group of cells shows its most severe status
    meaning: str


_TABLE = (
    Status(EXACT, PASSED, 0, "bit-identical"),
    Status(CONVENTION, PASSED, 1, "differs only where a legitimate convention differs "
                                  "(relu'(0), say), and says which"),
    Status(NA, SKIPPED, 2, "the check does not apply (fd at a kink), and the cell gives "
                           "the reason"),
    Status(UNSUPPORTED, SKIPPED, 3, "the port has no such op"),
    Status(CLOSE, PASSED, 4, "within the budget; the largest ulp distance is shown"),
    Status(UNRESOLVED, SKIPPED, 5, "the allowed error is half the value or more, so no "
                                   "digit is checked; the cell gives the bound and why"),
    Status(NOT_RUN, FAILED, 5.5, "the run stopped before this cell (the time budget, "
                                 "timeouts in a row on its runtime, or Ctrl-C): nothing shows "
                                 "the port right here; the report names the cause once"),
    Status(FAIL, FAILED, 6, "gives the first node that differs, with its op, its source "
                            "line, both values and the distance in ulps"),
    Status(ERROR, FAILED, 7, "the backend raised"),
)
STATUS = {s.name: s for s in _TABLE}
STATUSES = tuple(STATUS)
# What the parity matrix itself gives (a port check adds UNSUPPORTED and CONVENTION).
MATRIX_STATUSES = (EXACT, CLOSE, UNRESOLVED, FAIL, ERROR, NA)
# Not counted as failed: these never fail a run.
PASSING = tuple(s.name for s in _TABLE if s.counted != FAILED)
MOST_SEVERE_FIRST = tuple(sorted(STATUSES, key=lambda s: -STATUS[s].severity))

RESOLVES_BELOW = 0.5   # an allowed error under this share of |value| checks its leading bit
TORCH = "torch"        # the second opinion every cell is also compared with


def worst(statuses):
    """The most severe of some statuses (EXACT for none)."""
    return max(statuses, key=lambda s: STATUS[s].severity, default=EXACT)


@dataclass(frozen=True)
class Cell:
    """The verdict for one evaluation against another, with its evidence."""
    status: str
    max_ulps: float = 0            # the largest ulp distance of a resolved value
    worst: Optional[Mismatch] = None   # where max_ulps was seen
    first_fail: Optional[Mismatch] = None
    message: str = ""              # ERROR: the exception; N/A: why; UNRESOLVED: bound and why
    compared: int = 0              # how many values were compared
    max_rel: Optional[float] = None    # relative mode (finite differences): the largest
                                       # |cand - ref| / max(1, |ref|), what its tolerance bounds
    unresolved: Optional[Mismatch] = None   # the first value no digit of which is checked
    variant: str = FLOATS          # the run the verdict comes from (INTEGERS: Lua 5.3+
                                   # integers; the runner judges every run)
    worst_fail: Optional[Mismatch] = None   # FAIL: the value over its allowance that is
                                            # farthest off (relative error), where it is
                                            # not first_fail itself

    @property
    def counted(self):
        return STATUS[self.status].counted

    @property
    def passed(self):
        """Not a failure (skipped cells never fail a run)."""
        return self.counted != FAILED

    @staticmethod
    def error(exc):
        text = f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)
        return Cell(ERROR, message=" ".join(text.split())[:500])

    @staticmethod
    def not_applicable(reason):
        return Cell(NA, message=reason)

    @staticmethod
    def not_run(reason):
        return Cell(NOT_RUN, message=reason)

    def summary(self):
        """A short text for a table cell."""
        text = self._summary()
        return text if self.variant == FLOATS else f"{text} ({self.variant})"

    def _summary(self):
        if self.status == CLOSE and self.max_rel is not None:
            return f"CLOSE rel {self.max_rel:.1e}"
        if self.status == CLOSE and self.worst is not None and \
                self.max_ulps > ULPS_TOO_MANY_TO_READ:   # near 0: "2.7e11 ulp" read alarming
            rel = relative_distance(self.worst.reference, self.worst.candidate)
            return (f"CLOSE rel {rel:.1e}" if math.isfinite(rel) else
                    f"CLOSE off by {self.worst.abs_err:.1e}")
        if self.status == CLOSE:
            return f"CLOSE {fmt_ulps(self.max_ulps)} ulp"
        if self.status == FAIL:
            differ = " (runs differ)" if self.message.startswith(NON_DETERMINISTIC) else ""
            where = f" {self.first_fail.node}.{self.first_fail.field}" if self.first_fail else ""
            return f"FAIL{where}{differ}"
        if self.status == UNRESOLVED:
            return f"UNRESOLVED {self.unresolved.node}.{self.unresolved.field}"
        return self.status

    def detail(self):
        """One line explaining the verdict (empty for EXACT)."""
        text = self._detail()
        return text if self.variant == FLOATS else f"as Lua integers: {text}"

    def _detail(self):
        if self.status == FAIL and self.message.startswith(NON_DETERMINISTIC):
            return self.message   # the runs that differ: their own account
        if self.status == FAIL:
            farthest = (f"; farthest off: {self.worst_fail.describe_briefly()}"
                        if self.worst_fail is not None else "")
            return self.first_fail.describe() + farthest
        if self.status == CLOSE and self.worst is not None:
            return "worst: " + self.worst.describe()
        return self.message

    def to_json(self):
        out = {"status": self.status, "max_ulps": json_number(self.max_ulps),
               "compared": self.compared}
        if self.message:
            out["message"] = self.message
        if self.max_rel is not None:
            out["max_rel_err"] = json_number(self.max_rel)
        if self.first_fail is not None:
            out["first_fail"] = self.first_fail.to_json()
        if self.worst_fail is not None:
            out["worst_fail"] = self.worst_fail.to_json()
        if self.worst is not None:
            out["worst"] = self.worst.to_json()
        if self.unresolved is not None:
            out["unresolved"] = self.unresolved.to_json()
        if self.variant != FLOATS:
            out["variant"] = self.variant
        return out


def _resolved(difference, bound):
    ref, cand = difference.reference, difference.candidate
    if not (math.isfinite(ref) and math.isfinite(cand)):
        return True   # infinitely far: no finite allowance covers it, nothing to resolve
    return not (bound > 0.0 and bound >= RESOLVES_BELOW * abs(ref))


def _unresolved_reason(found, count, allowance):
    ulps = "" if allowance.relative else f" ({fmt_ulps(found.allowed)} ulp)"
    more = f"; {count - 1} more value(s) alike" if count > 1 else ""
    return (f"{found.where()} {found.field}: expected {found.reference!r}, got "
            f"{found.candidate!r}; allowed error {found.bound:.3g}{ulps} is at least half of "
            f"|expected|, so no digit is checked: {allowance.explain(found.node)}{more}")


def decide(reference, candidate, program, allowance):
    """Every value both evaluations have, in program order, under allowance
    (tolerances.UlpAllowance or FdAllowance): a Cell, FAIL (the first
    resolved value over its allowance, in the order a wrong value first
    appears: data forward, gradients backward) before UNRESOLVED before CLOSE."""
    compared, found = differences(reference, candidate, program)
    steps = program.step_by_id() if found else {}
    # the order a wrong value first appears in: values forward, then the
    # steps' gradients from the output back, then the inputs' (a leaf's
    # gradient is what backward ends with: wrong there, wrong upstream first)
    found = ([d for d in found if d.index == 0]
             + [d for d in reversed(found) if d.index == 1 and d.node in steps]
             + [d for d in found if d.index == 1 and d.node not in steps])
    max_ulps, worst_seen, first_fail, unresolved, n_unresolved = 0, None, None, None, 0
    farthest, farthest_error = None, -1.0
    max_rel = 0.0 if allowance.relative else None
    for difference in found:
        allowed, bound, within = allowance.check(difference)
        # An ulp budget is a bound on a correct engine's error: a value beyond
        # it is wrong however large the bound.  Finite differences' allowance
        # is their own estimate, which says nothing once it swamps the slope.
        if not _resolved(difference, bound) and (within or allowance.relative):
            n_unresolved += 1
            if unresolved is None:
                unresolved = mismatch(steps, difference, allowed, bound, program.leaf)
            continue
        if max_rel is not None:
            max_rel = max(max_rel, scaled_error(difference.reference, difference.candidate))
        larger = difference.ulps > max_ulps
        error = -1.0 if within else relative_distance(difference.reference,
                                                      difference.candidate)
        if larger or (not within and first_fail is None) or error > farthest_error:
            seen = mismatch(steps, difference, allowed, leaf=program.leaf)
            if larger:
                max_ulps, worst_seen = difference.ulps, seen
            if not within and first_fail is None:
                first_fail = seen
            if error > farthest_error:
                farthest, farthest_error = seen, error
    if first_fail is not None:
        return Cell(FAIL, max_ulps, worst_seen, first_fail, compared=compared, max_rel=max_rel,
                    worst_fail=None if farthest is first_fail else farthest)
    if unresolved is not None:
        return Cell(UNRESOLVED, max_ulps, worst_seen, None,
                    _unresolved_reason(unresolved, n_unresolved, allowance), compared,
                    max_rel, unresolved)
    if max_ulps:
        return Cell(CLOSE, max_ulps, worst_seen, compared=compared, max_rel=max_rel)
    return Cell(EXACT, compared=compared, max_rel=max_rel)


def compare(reference, candidate, program, budget=None, rel_tol=None, noise=None):
    """decide() with an allowance built from plain numbers: budget None
    (bit-identical), ulps for every value, or {node id: (data ulps, grad
    ulps)}; rel_tol (finite differences' mode) with noise {node id: fd's
    error estimate}."""
    if rel_tol is not None:
        return decide(reference, candidate, program, tolerances.FdAllowance(noise, rel_tol))
    return decide(reference, candidate, program, tolerances.UlpAllowance(budget))


def reference_failed(cell):
    """Every cell of a fixture whose reference raised (cell: its ERROR)."""
    return Cell.error(f"the reference python_ref failed: {cell.message}")


def _allowance(budget, program, reference, evaluation, cache):
    if budget.kind == "fd":   # finite differences carry their own error estimate
        return tolerances.FdAllowance(evaluation.noise, reasons=evaluation.reasons)
    return tolerances.UlpAllowance(lambda: cache.of(budget, evaluation))


def judge(budget, program, reference, evaluation, cache=None, tags=()):
    """evaluation (of an engine with this budget) against reference
    (python_ref's); cache: the fixture's tolerances.BudgetCache; tags: the
    fixture's, whose conventions may excuse a difference where the budget
    lets them (a user's port)."""
    cache = cache if cache is not None else tolerances.BudgetCache(program, reference)
    cell = decide(reference, evaluation, program,
                  _allowance(budget, program, reference, evaluation, cache))
    if cell.status != FAIL or budget.kind == "fd":
        return cell
    why = budget.known_deviation(program, reference)
    if why:
        return Cell.not_applicable(f"{why} (first difference: {cell.first_fail.describe()})")
    if budget.conventions:
        return with_conventions(cell, tags, program, reference, evaluation,
                                cache.of(budget, evaluation))
    return cell


def judge_vs_torch(budget, program, reference, evaluation, torch_eval, torch_cell, cache,
                   torch_budget):
    """The same evaluation against torch's (the second opinion), both budgets added."""
    if torch_eval is None:
        return Cell.not_applicable(f"torch has no result ({torch_cell.status})")
    if budget.kind == "fd":
        return decide(torch_eval, evaluation, program,
                      _allowance(budget, program, reference, evaluation, cache))
    cell = decide(torch_eval, evaluation, program,
                  tolerances.UlpAllowance(
        lambda: cache.pair(budget, evaluation, torch_budget, torch_eval)))
    if cell.status == FAIL:
        why = torch_budget.known_deviation(program, reference)
        if why:
            return Cell.not_applicable(why)
    return cell


def judge_expected(fixture, reference, torch_eval, cache, torch_budget):
    """(the fixture's own numbers against python_ref, the same against torch
    or None): the expected values are the truth, within the fixture's
    [tolerance] ulps (and torch's budget against torch)."""
    if not fixture.expected:
        return Cell.not_applicable("no expected values"), None
    expected = expected_evaluation(fixture.expected)
    ulps = (fixture.tolerance or {}).get("ulps", 0)
    cell = decide(expected, reference, fixture.program, tolerances.UlpAllowance(ulps))
    if torch_eval is None:
        return cell, None

    def budget():
        torch_budget_of = cache.of(torch_budget, torch_eval)
        return {node: (b[0] + ulps, b[1] + ulps) for node, b in torch_budget_of.items()} or ulps
    return cell, decide(expected, torch_eval, fixture.program, tolerances.UlpAllowance(budget))


NON_DETERMINISTIC = "non-deterministic"   # how the message of a FAIL for runs that differ begins


def runs_differ(program, first, other, how):
    """A FAIL for one engine whose two runs of program are not bit-identical
    (first: the run judged; other: a run again, made as `how` says), naming
    the first value that differs; None when every bit agrees.  A port whose
    answer changes from run to run cannot be trusted in any of them."""
    found = first_bit_difference(program, first, other)
    if found is None:
        return None
    node, field, a, b = found
    seen = mismatch(program.step_by_id(), Difference(node, FIELDS.index(field), a, b,
                                                     ulp_distance(a, b)), 0, leaf=program.leaf)
    return Cell(FAIL, seen.ulps, seen, seen, message=(
        f"{NON_DETERMINISTIC}: {seen.where()} {field} is {a!r} in the run judged and {b!r} "
        f"{how}"))


def runs_differ_by_failure(program, how, failure):
    """A FAIL for one engine that answered program once and raised another time."""
    return Cell(FAIL, message=f"{NON_DETERMINISTIC}: the run judged answered, the run {how} "
                              f"raised: {failure}"[:500])


def worse(cells):
    """The cell to show for several runs of one program: the most severe
    verdict, then the largest ulp distance; on a tie the first run's."""
    shown = cells[0]
    for cell in cells[1:]:
        rank, shown_rank = STATUS[cell.status].severity, STATUS[shown.status].severity
        if rank > shown_rank or (rank == shown_rank and cell.max_ulps > shown.max_ulps):
            shown = cell
    return shown


# -- a user's port: what it lacks, and where it may legitimately differ ----------

def unsupported(ops):
    """The cell of a fixture that needs ops the port lacks: skipped, not an ERROR."""
    return Cell(UNSUPPORTED, message=f"the port has no {', '.join(sorted(ops))}")


def _masked(evaluation, fields):
    out = dict(evaluation)
    for node, index in fields:
        if node in out:
            pair = list(out[node])
            pair[index] = None
            out[node] = tuple(pair)
    return out


def with_conventions(cell, tags, program, reference, evaluation, budget):
    """cell, or CONVENTION when it FAILs only where the fixture's tagged
    conventions (harness.judge.conventions) cover: all of them together,
    since a fixture may pin two; what is left must still pass under budget."""
    if cell.status != FAIL:
        return cell
    names, fields = [], set()
    for tag in tags:
        convention = conventions.CONVENTIONS.get(tag)
        cover = conventions.covered(convention, program, reference, evaluation) if convention else None
        if cover:
            names.append(tag)
            fields |= cover
    if not names:
        return cell
    rest = compare(_masked(reference, fields), _masked(evaluation, fields), program, budget)
    if rest.status == FAIL:   # named by what no convention covers (rest's own mismatches)
        return replace(rest, message=f"{', '.join(names)} covers "
                                     f"{cell.first_fail.node}.{cell.first_fail.field}, "
                                     "not this")
    return replace(cell, status=CONVENTION, message=f"{', '.join(names)} (first difference: "
                                                    f"{cell.first_fail.describe()})")


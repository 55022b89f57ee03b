"""The oracle: every backend evaluates the same program, each is compared
with the reference by the matrix's comparator (harness.compare) under the
matrix's budgets, and any verdict other than EXACT/CLOSE/N/A is a finding.

A backend that raises is a finding (ERROR); one that raises NotApplicable
(finite differences at a kink) is skipped for that program.
"""
from dataclasses import dataclass

from harness import compare as cmp
from harness import tolerances
from harness.backends import REFERENCE, NotApplicable, get_backend


@dataclass(frozen=True)
class Finding:
    """One backend disagreeing with the reference on one program."""
    backend: str
    cell: cmp.Cell

    @property
    def signature(self):
        """What kind of difference this is, to tell distinct bugs apart:
        the backend, the verdict, and the op and field of the first failure."""
        fail = self.cell.first_fail
        where = (fail.op, fail.field) if fail is not None else (self.cell.message.split(":")[0],)
        return (self.backend, self.cell.status) + where

    def summary(self):
        """The one line the terminal and the found fixture show."""
        return f"{self.backend} {self.cell.status} vs {REFERENCE}: {self.cell.detail()}"


class Oracle:
    """Evaluates programs on `backends` (names, see harness.backends) and
    compares each with the reference; the reference is always evaluated."""

    def __init__(self, backends, reference=REFERENCE, get=get_backend):
        self.reference = get(reference)
        self.candidates = [get(name) for name in backends if name != reference]

    def check(self, program):
        """The findings for one program: an empty list when every backend agrees."""
        try:
            expected = self.reference.evaluate(program)
        except Exception as exc:  # the reference itself broke: that is a finding too
            return [Finding(self.reference.name, cmp.Cell.error(exc))]
        findings = []
        for backend in self.candidates:
            cell = self.compare_one(backend, program, expected)
            if not cell.passed:
                findings.append(Finding(backend.name, cell))
        return findings

    def compare_one(self, backend, program, expected):
        try:
            got = backend.evaluate(program)
        except NotApplicable as exc:
            return cmp.Cell.not_applicable(str(exc))
        except Exception as exc:
            return cmp.Cell.error(exc)
        if backend.kind == "fd":
            return cmp.compare(expected, got, program, rel_tol=tolerances.FD_REL_TOL,
                               noise=backend.noise)
        budget = tolerances.node_budgets(program, expected, backend.name)
        return cmp.compare(expected, got, program, budget)

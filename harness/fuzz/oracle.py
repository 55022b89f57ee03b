"""The oracle: every backend evaluates the same program and is judged against
the reference (python_ref) by the parity matrix's own rule, harness.judge:
the ulp budgets of harness.judge.tolerances carried through the graph, finite
differences with their own error estimate, UNRESOLVED where no digit is
checked, and the known deviations, each with its reason.  A verdict counted
as failed (FAIL, ERROR) is a finding; a backend that raises is one (ERROR).
"""
from dataclasses import dataclass

from micrograd_lab.harness.judge import verdict
from micrograd_lab.harness.engines.registry import REFERENCE, get_engine
from micrograd_lab.harness.run import evaluate_and_judge


@dataclass(frozen=True)
class Finding:
    """One backend disagreeing with the reference on one program."""
    backend: str
    cell: verdict.Cell

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
    """Evaluates programs on `backends` (names, see harness.engines.registry) and
    compares each with the reference; the reference is always evaluated."""

    def __init__(self, backends, reference=REFERENCE, get=get_engine):
        self.reference = get(reference)
        self.candidates = [get(name) for name in backends if name != reference]

    def check(self, program):
        """The findings for one program: an empty list when every backend agrees."""
        try:
            expected = self.reference.evaluate(program)
        except Exception as exc:  # the reference itself broke: that is a finding too
            return [Finding(self.reference.name, verdict.Cell.error(exc))]
        findings = []
        for backend in self.candidates:
            cell = self.compare_one(backend, program, expected)
            if not cell.passed:
                findings.append(Finding(backend.name, cell))
        return findings

    def compare_one(self, backend, program, expected):
        return evaluate_and_judge(backend, program, expected)

"""What every diagnosis shares: the bug, its evidence, and the finding."""
import math
from dataclasses import dataclass, field

REL = 1e-9   # structural faults change a gradient by far more than rounding


@dataclass(frozen=True)
class Bug:
    key: str
    title: str
    meaning: str          # what the port does, and how to fix it
    order: int            # diagnoses show in this order
    # how the tests show it: the test port (tests/ports/<name>/) whose check
    # names it, on these fixtures and probes, on this runtime
    test_port: str
    shown_by: tuple
    shown_on: str = "lua54"
    confirmed_by_probe: bool = False   # cell evidence counts only where a probe shows it too


@dataclass(frozen=True)
class Evidence:
    bug: str
    runtime: str
    where: str            # a fixture name, or a probe ("probe numbers")
    node: str             # "" when no node
    detail: str           # one line

    def to_json(self):
        return {"bug": self.bug, "runtime": self.runtime, "where": self.where,
                "node": self.node, "detail": self.detail}


@dataclass
class Diagnosis:
    bug: Bug
    evidence: list = field(default_factory=list)   # of Evidence, the first few per engine
    count: int = 0                                  # how much evidence in all

    @property
    def runtimes(self):
        return list(dict.fromkeys(e.runtime for e in self.evidence))

    def headline(self):
        first = self.evidence[0]
        at = f"{first.where}" + (f", node {first.node}" if first.node else "")
        return f"{self.bug.title} ({', '.join(self.runtimes)}): {at}: {first.detail}"

    def to_json(self):
        return {"bug": self.bug.key, "title": self.bug.title, "meaning": self.bug.meaning,
                "runtimes": self.runtimes, "count": self.count,
                "evidence": [e.to_json() for e in self.evidence]}


def near(got, want, scale):
    """got within REL of want (relative to the larger of them and scale)."""
    if got is None or want is None:
        return got is want
    if got != got or want != want:
        return got != got and want != want
    if got == want:
        return True
    if math.isinf(got) or math.isinf(want):
        return False
    return abs(got - want) <= REL * max(abs(got), abs(want), scale)

"""What every backend shares: the Evaluation it returns, NotApplicable, and
the stand-in for a backend that cannot run here (a module of its own, so the
backends import it without importing their package)."""
from typing import Dict, Optional, Protocol, Tuple

Evaluation = Dict[str, Tuple[Optional[float], Optional[float]]]


class NotApplicable(Exception):
    """The backend has no answer for this program (not a failure)."""


class Backend(Protocol):
    name: str
    kind: str

    def evaluate(self, program) -> Evaluation: ...


class UnavailableBackend:
    """Stands in for a backend that cannot run here; evaluate() raises why."""

    kind = "unavailable"

    def __init__(self, name, reason):
        self.name, self.reason = name, reason

    def evaluate(self, program):
        raise RuntimeError(f"backend {self.name} is not available: {self.reason}")

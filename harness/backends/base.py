"""What every backend shares: the Evaluation it returns, NotApplicable, the
runs a cell may be judged on (variants), and the stand-in for a backend that
cannot run here (a module of its own, so the backends import it without
importing their package)."""
from typing import Dict, Optional, Protocol, Tuple

Evaluation = Dict[str, Tuple[Optional[float], Optional[float]]]


class NotApplicable(Exception):
    """The backend has no answer for this program (not a failure)."""


# A cell is judged on one run of its program, or on several (variants): the
# Lua 5.3+ columns run a program with integral numbers twice, as floats and
# with those numbers as Lua integers (harness/backends/lua.py).
FLOATS, INTEGERS = "floats", "integers"


class Backend(Protocol):
    name: str
    kind: str

    def evaluate(self, program) -> Evaluation: ...


def variants(backend, program):
    """The runs of program a cell on backend is judged on: (FLOATS,) unless
    the backend says more (its variants(program)); evaluate(program,
    integers=True) is the INTEGERS run."""
    more = getattr(backend, "variants", None)
    return more(program) if more is not None else (FLOATS,)


class UnavailableBackend:
    """Stands in for a backend that cannot run here; evaluate() raises why."""

    kind = "unavailable"

    def __init__(self, name, reason):
        self.name, self.reason = name, reason

    def evaluate(self, program):
        raise RuntimeError(f"backend {self.name} is not available: {self.reason}")

"""What every engine is, and what it may raise.

An engine runs a Program forward and backward and answers an Evaluation:
{node id: (data, grad)} in program order, floats, -0.0 kept, None where it
computes nothing (finite differences give input gradients only).  Its
budget (a harness.judge.tolerances budget) says how far its values may be
from python_ref's; it is fixed when the engine opens.

An engine raises NotApplicable where the question has no answer for it
(finite differences at a kink), Unsupported where it lacks an op, and
EngineFailure where it could not answer (it raised, crashed, ran out of time
or memory, or broke the protocol); anything else it raises is its own error.
Each becomes a cell (N/A, UNSUPPORTED, ERROR) in harness.run.
"""
from typing import Dict, Optional, Tuple

from ..program import FLOATS, INTEGERS  # noqa: F401 (the runs an engine has)

Evaluation = Dict[str, Tuple[Optional[float], Optional[float]]]


class NotApplicable(Exception):
    """The engine has no answer for this program (not a failure)."""


class EngineFailure(Exception):
    """The engine could not answer this program; `kind` says how:
    "error" (it raised: the message is its own), "crash" (its process died),
    "timeout" (it ran past its time limit), "memory" (past its memory cap),
    "protocol" (it answered something the protocol does not allow) or
    "stopped" (the run's deadline passed while it worked: engines/deadline.py)."""

    KINDS = ("error", "crash", "timeout", "memory", "protocol", "stopped")

    def __init__(self, kind, message):
        if kind not in self.KINDS:
            raise ValueError(f"unknown failure kind {kind!r}; expected one of {self.KINDS}")
        super().__init__(message)
        self.kind, self.message = kind, message

    def __reduce__(self):   # crosses from a worker process
        return type(self), (self.kind, self.message)


class NotRun(Exception):
    """An engine the run stopped (its budget, fail-fast): its program was not
    run (a NOT RUN cell).  run_control raises it."""


class Unsupported(Exception):
    """The engine has no such op (it said so, or has no method for it)."""

    def __init__(self, op, message=""):
        super().__init__(message or f"the port has no {op}")
        self.op = op

    def __reduce__(self):   # crosses from a worker process
        return type(self), (self.op, str(self))


# A port whose ** takes a number exponent only (micrograd asserts it), as its
# manifest ([port] pow) or its hello ("pow") says: a program with a Value
# exponent (a ** b, 2 ** x) is never sent to it and reads UNSUPPORTED, the
# same through every driver.
NUMBER_EXPONENT = "number-exponent"
VALUE_EXPONENT = "pow with a Value exponent"   # what such a port lacks, as cells name it


def refuse_value_exponents(program):
    """Raise Unsupported at the first pow of program whose exponent is a Value."""
    for step in program.steps:
        if step.op == "pow" and step.args[1].kind == "node":
            raise Unsupported(VALUE_EXPONENT, f"the port's ** takes a number exponent only "
                                              f"(pow = \"{NUMBER_EXPONENT}\"): {step.out} is "
                                              f"a power of a Value")


class Engine:
    """The interface every engine keeps; the defaults are an in-process
    engine's, which has every op, one run per program and nothing to start."""
    name = ""           # its column in the reports
    version = ""        # what it says of itself
    budget = None       # how far it may be from python_ref
    language = ""       # the language it is written in, as its port says ("lua", "python")
    number_exponent_only = False   # does its ** take number exponents only (NUMBER_EXPONENT)?

    def evaluate(self, program, *, integers=False) -> Evaluation:
        """Forward and backward of program; integers=True (the INTEGERS run):
        integral inputs and constants as the language's integers."""
        raise NotImplementedError

    def variants(self, program):
        """The runs a cell of program is judged on: FLOATS, and INTEGERS
        where the engine's language has wrapping integers."""
        return (FLOATS,)

    def declared_ops(self):
        """The ops the engine says it has, or None: every op."""
        return None

    def start_failure(self):
        """Why the engine cannot start (an EngineFailure), or None."""
        return None

    def nn_kinds(self):
        """The MLP kinds its own nn builds ("relu-linear", ...: harness.nn),
        () when it has none."""
        return ()

    def mlp(self, request):
        """Its own MLP on a harness.nn.request.MlpRequest: an MlpAnswer."""
        raise Unsupported("mlp", f"{self.name} has no nn")

    def printed(self):
        """What the port printed since the last call (engines/printed.py's
        summary), or None: print() of a Lua port, a command port's stderr."""
        return None

    def restart(self):
        """A fresh engine: nothing of earlier programs kept."""

    def close(self):
        """End whatever process the engine holds."""


class UnavailableEngine(Engine):
    """Stands in for an engine that cannot run here; evaluate() raises why."""

    def __init__(self, name, reason, budget=None):
        self.name, self.reason, self.budget = name, reason, budget
        self.version = reason

    def evaluate(self, program, *, integers=False):
        raise RuntimeError(f"engine {self.name} is not available: {self.reason}")

"""What the check runner asks of a port, whatever its language.

A PortRuntime is one port on one runtime (a Lua version, or the port's own
process for a "command" port).  It runs a Program forward and backward and
returns an Evaluation ({node id: (data, grad)} in program order, floats, -0.0
kept), or raises one of the exceptions below.  Each runtime runs in its own
worker process (lupa) or child process (command), so a port that hangs or
blows its memory is killed and restarted, and the run goes on.
"""
from typing import Optional, Protocol

from ..backends.base import Evaluation


class PortFailure(Exception):
    """The port could not answer this program; `kind` says how:
    "error" (it raised: the message is the port's own), "crash" (its process
    died), "timeout" (it ran past the time limit), "memory" (past the memory
    cap) or "protocol" (it answered something the protocol does not allow)."""

    KINDS = ("error", "crash", "timeout", "memory", "protocol")

    def __init__(self, kind, message):
        if kind not in self.KINDS:
            raise ValueError(f"unknown failure kind {kind!r}; expected one of {self.KINDS}")
        super().__init__(message)
        self.kind, self.message = kind, message


class PortUnsupported(Exception):
    """The port has no such op (it said so, or has no method for it)."""

    def __init__(self, op, message=""):
        super().__init__(message or f"the port has no {op}")
        self.op = op


class PortRuntime(Protocol):
    name: str         # the report's column: "lua54", "luajit21", or the manifest's name
    version: str      # what the runtime says of itself (Lua's _VERSION, the hello's version)

    def declared_ops(self) -> Optional[frozenset]:
        """The ops the port says it has (a command port's hello), or None."""

    def evaluate(self, program, *, integers: bool = False) -> Evaluation:
        """Forward and backward of program.  integers=True: integral inputs and
        constants reach the port as integers where the language has them
        (Lua 5.3+: math.type(x) == "integer"; JSON: 3, not 3.0).
        Ops sum and dot reach a port only if it has them (it declares them,
        or the op probe finds them): the runner lowers them to + and *
        otherwise."""

    def restart(self) -> None:
        """A fresh runtime (a new process): nothing of earlier programs kept."""

    def close(self) -> None:
        """End the worker or child process."""

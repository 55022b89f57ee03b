"""What every probe shares: its answer, and the programs it builds."""
from dataclasses import dataclass, field
from typing import Callable

from ..engines.base import EngineFailure, Unsupported
from ..program import Arg, Program, Step

# Probe statuses: ok, a finding worth a look (warn), a fault (fail), not run.
OK, WARN, FAULT, SKIPPED = "ok", "warn", "fail", "not run"


@dataclass(frozen=True)
class Entry:
    """A registered probe (see the package's docstring)."""
    name: str             # what --probes names it
    order: int            # probes run and show in this order
    run: Callable         # run(Context) -> Probe
    test_port: str        # the test port (tests/ports/<name>/) it finds something in
    level: str            # the level (harness.levels) its finding belongs to


@dataclass
class Probe:
    name: str
    status: str           # OK, WARN, FAULT or SKIPPED
    summary: str          # one line for the terminal
    details: dict = field(default_factory=dict)   # JSON-able facts for the reports


def node(node_id):
    return Arg.node(node_id)


def num(x):
    return Arg.num(x)


def program(inputs, steps, output):
    return Program(inputs=tuple(inputs), steps=tuple(Step(*s) for s in steps), output=output)


def failure_text(exc):
    if isinstance(exc, EngineFailure):
        return f"{exc.kind}: {exc.message}"
    if isinstance(exc, Unsupported):
        return f"unsupported: {exc}"
    return f"{type(exc).__name__}: {exc}"

"""What every probe shares: its answer, and the programs it builds."""
from dataclasses import dataclass, field
from typing import Callable

from ..engines.base import EngineFailure, NotRun, Unsupported
from ..judge.verdict import ERROR, FAIL, FAILED, NOT_RUN_COUNT, PASSED, SKIPPED as SKIPPED_CELL
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
    raised: bool = False  # a fault where the port raised or crashed, not a wrong value
    cells: dict = field(default_factory=dict)   # fixture name -> the Cell the probe found
                                                # for that fixture's cell (runs that differ)
    stopped: bool = False   # the run's budget or fail-fast stopped it: NOT RUN, as a cell

    @property
    def verdict(self):
        """The probe as a cell of the final line: FAIL (a wrong value, runs
        that differ), ERROR (the port raised or crashed), or None."""
        if self.status != FAULT:
            return None
        return ERROR if self.raised else FAIL

    @property
    def counted(self):
        """Which count of the final line the probe joins: a fault fails; ok
        passes; one the run stopped is not run, as a cell it stops (a budget
        that skipped a failing probe raised the score); a warn (the manifest's
        time or memory limit cut it short) and one not run for the port's
        own reasons are skipped."""
        if self.stopped:
            return NOT_RUN_COUNT
        return {OK: PASSED, FAULT: FAILED}.get(self.status, SKIPPED_CELL)


def node(node_id):
    return Arg.node(node_id)


def num(x):
    return Arg.num(x)


def program(inputs, steps, output):
    return Program(inputs=tuple(inputs), steps=tuple(Step(*s) for s in steps), output=output)


def stopped_by_the_run(exc):
    """The run's budget or fail-fast, not the port: a probe it stops is not run."""
    return isinstance(exc, NotRun) or isinstance(exc, EngineFailure) and exc.kind == "stopped"


def failure_text(exc):
    if isinstance(exc, EngineFailure):
        return f"{exc.kind}: {exc.message}"
    if isinstance(exc, Unsupported):
        return f"unsupported: {exc}"
    return f"{type(exc).__name__}: {exc}"

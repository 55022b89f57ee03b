"""How a run stops short: its time budget, fail-fast, and Ctrl-C.

* The budget: CPU seconds for the whole run, every process of it counted
  (engines/deadline.py), with a wall-clock backstop.  Every wait on a port
  ends when it is spent (the Lua worker or the command port is killed);
  what was not run by then reads NOT RUN, the budget named as why.
* Fail-fast: after `fail_after` programs in a row ran past their time limit
  on one engine, its remaining programs are not run (NOT RUN, the cause
  named once): a port that loops forever costs a few timeouts per runtime,
  not one per fixture.  The count is kept per process; the stop is shared
  by every worker (a flag in shared memory, made before they fork).
* Ctrl-C: the pool's workers ignore SIGINT, which is the harness's to
  handle; on SIGTERM a worker kills the ports it started
  (engines/children.py) and leaves.  stop_workers() sends it, waits a
  moment and SIGKILLs what is left.  The run then raises Interrupted with
  its partial result.
"""
import multiprocessing
import os
import signal
import time
from dataclasses import dataclass

from .engines import children, deadline
from .engines.base import EngineFailure, NotRun

FAIL_AFTER = 3          # timeouts in a row that stop an engine
STOP_GRACE = 1.0        # seconds for a worker to end its ports after SIGTERM
INTERRUPTED = "interrupted (Ctrl-C) before this cell ran"
INTERRUPTED_EXIT = 130  # the shell's code for a process ended by SIGINT


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run: `result` holds what was run, the rest NOT RUN."""

    def __init__(self, result):
        super().__init__("interrupted")
        self.result = result


@dataclass(frozen=True)
class Limits:
    """What a command asks of a run: budget (CPU seconds for all of it, and
    deadline.WALL_FACTOR times as many of wall clock from started, a
    time.monotonic(); None: no budget), less reserve seconds kept for what
    follows the run (its reports); fail_after (timeouts in a row that stop
    an engine, 0: never)."""
    budget: float = None
    fail_after: int = FAIL_AFTER
    started: float = None
    reserve: float = 0.0


def budget_message(budget):
    return (f"the time budget ({budget:g} s of CPU) ran out before this cell ran "
            "(--budget gives more)")


IN_FLIGHT = "ran out while the port was still working on this program"


def in_flight_message(budget, timeout):
    """The program the budget stopped: where one program takes the whole
    budget, the port may loop, and a lower time limit tells that sooner."""
    limit = f"{timeout:g} s of CPU" if timeout else "none"
    return (f"the time budget ({budget:g} s of CPU) {IN_FLIGHT}, without an answer (a program's "
            f"time limit: {limit}); a port that loops reads like this, and a lower limit "
            "(--timeout, or timeout in the manifest) stops it sooner")


class Control:
    """One run's limits, as its tasks see them (made before the workers
    fork; each worker gets a copy, the stop flags are shared)."""

    def __init__(self, limits, names, timeouts=()):
        """names: the engines', in order; timeouts: their programs' time
        limits (None where none)."""
        self.limits = limits
        self.budget = (deadline.Budget(limits.budget - limits.reserve, limits.started)
                       if limits.budget else None)
        self.names = tuple(names)
        self.timeouts = tuple(timeouts) or (None,) * len(self.names)
        self.stopped = multiprocessing.RawArray("b", len(self.names) or 1)
        self.in_a_row = [0] * len(self.names)

    def begin(self):
        """Before a task: the engines' waits end when the budget is spent."""
        deadline.set_budget(self.budget)

    def end(self):
        """After the run, in the process that ran it: no budget any more."""
        deadline.set_budget(None)

    def out_of_time(self):
        return self.budget is not None and self.budget.passed()

    def why_not(self, index):
        """Why engine index runs nothing more; None: it runs."""
        if self.out_of_time():
            return budget_message(self.limits.budget)
        if self.stopped[index]:
            timeout = self.timeouts[index]
            limit = f" of {timeout:g} s" if timeout else ""
            return (f"{self.names[index]} stopped after {self.limits.fail_after} programs in a "
                    f"row ran past the time limit{limit} (fail-fast)")
        return None

    def guard(self, engine, index):
        return Guarded(engine, self, index)

    def answered(self, index, failure=None):
        """Count a program's outcome on engine index: a timeout (failure of
        kind "timeout") or anything else (an answer, another failure)."""
        if failure is not None and failure.kind == "timeout":
            self.in_a_row[index] += 1
            if self.limits.fail_after and self.in_a_row[index] >= self.limits.fail_after:
                self.stopped[index] = 1
        else:
            self.in_a_row[index] = 0


class Guarded:
    """An engine whose programs the run's limits may stop (NotRun); every
    other attribute is the engine's own."""

    def __init__(self, engine, control, index):
        self._engine, self._control, self._index = engine, control, index

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def evaluate(self, program, *, integers=False):
        control, index = self._control, self._index
        why = control.why_not(index)
        if why is not None:
            raise NotRun(why)
        try:
            out = self._engine.evaluate(program, integers=integers)
        except EngineFailure as failure:
            if failure.kind == "stopped":
                raise NotRun(in_flight_message(control.limits.budget,
                                               control.timeouts[index])) from None
            control.answered(index, failure)
            raise
        except Exception:
            control.answered(index)
            raise
        control.answered(index)
        return out


# -- Ctrl-C -------------------------------------------------------------------------

def _leave(signum, frame):
    children.kill_all()
    os._exit(INTERRUPTED_EXIT)


def worker_init():
    """A pool worker's start: Ctrl-C is the parent's to handle; SIGTERM ends
    the ports this worker started, then the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _leave)


def stop_workers(processes):
    """End a pool's worker processes (and through them their ports) now:
    SIGTERM, STOP_GRACE seconds, then SIGKILL."""
    processes = [p for p in processes if p.is_alive()]
    for process in processes:
        try:
            process.terminate()
        except (ProcessLookupError, AttributeError):
            pass
    end = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(max(0.0, end - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join(STOP_GRACE)
    children.kill_all()


def ignore_further_interrupts():
    """After a Ctrl-C the harness only stops its workers, writes the partial
    report and exits: another Ctrl-C is ignored from then on (a second one,
    or the one `timeout -s INT` sends the process group as well, cut the
    class summary short)."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:   # not the main thread: nothing to hold off
        pass

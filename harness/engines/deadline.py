"""The run's time budget, as the engines see it.  Every wait on a port (a Lua
worker's answer, a command port's line) ends once it is spent, however long
the program's own time limit is, so a check stops within its budget.

The budget counts CPU seconds, like a program's time limit (cpu_clock.py):
those of every process of the run (the harness's workers, and the Lua
workers and command ports they started), so that on a loaded machine a
healthy port waiting for a core does not run out of it.  Each process adds
what it used to a total in shared memory (made before the workers fork) as
it waits.  A port that waits instead of computing uses no CPU: the wall
clock ends the budget anyway at WALL_FACTOR times its seconds.

One budget per process at a time: the runner sets it before each task
(harness/run.py); None is no budget.
"""
import multiprocessing
import os
import time

from . import children
from .cpu_clock import cpu_seconds

WALL_FACTOR = 3     # wall-clock seconds per second of the budget, for ports that wait

_budget = None
_charged = 0.0      # CPU seconds this process has added to the current budget


class OutOfTime(Exception):
    """The run's time budget ran out while a port worked: the port was stopped."""


def _used_here():
    """CPU seconds of this process, of the children it has waited for, and
    of the port processes it runs now."""
    times = os.times()
    live = sum(cpu_seconds(child.pid) or 0.0 for child in list(children.live()))
    return times.user + times.system + times.children_user + times.children_system + live


class Budget:
    """seconds of CPU for the whole run (and WALL_FACTOR times as many of
    wall clock), counted from now."""

    def __init__(self, seconds, started=None):
        self.seconds = float(seconds)
        started = time.monotonic() if started is None else started
        self.wall_end = started + WALL_FACTOR * self.seconds
        self.spent = multiprocessing.Value("d", 0.0)   # every process's CPU seconds

    def charge(self):
        """Add what this process used since it last did."""
        global _charged
        now = _used_here()
        if now > _charged:
            with self.spent.get_lock():
                self.spent.value += now - _charged
            _charged = now

    def passed(self):
        if _budget is self:   # a process that works under it (not one that only waits)
            self.charge()
        return self.spent.value >= self.seconds or time.monotonic() >= self.wall_end


def set_budget(budget):
    """budget: a Budget this process works under from now, or None."""
    global _budget, _charged
    if budget is not _budget:
        _budget = budget
        _charged = _used_here()   # what this process used before is not the run's


def passed():
    return _budget is not None and _budget.passed()


def check():
    """Raise OutOfTime once the budget is spent."""
    if passed():
        raise OutOfTime("the run's time budget ran out")


def _forked():
    global _charged
    _charged = 0.0   # a forked process starts with no CPU time of its own


os.register_at_fork(after_in_child=_forked)

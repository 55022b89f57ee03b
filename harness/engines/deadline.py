"""The run's deadline, as the engines see it.  Every wait on a port (a Lua
worker's answer, a command port's line) ends there, however long the
program's own time limit is, so a check stops within its time budget.

One per process: the runner sets it (harness/run.py) before each task in
every worker; None is no deadline.  Times are time.monotonic(), the same
clock in every process of the machine.
"""
import time

_deadline = None


class OutOfTime(Exception):
    """The run's deadline passed while a port worked: the port was stopped."""


def set_deadline(when):
    """when: a time.monotonic() value, or None for no deadline."""
    global _deadline
    _deadline = when


def get_deadline():
    return _deadline


def passed():
    return _deadline is not None and time.monotonic() >= _deadline


def check():
    """Raise OutOfTime once the deadline has passed."""
    if passed():
        raise OutOfTime("the run's time budget ran out")

"""The processes this process started for ports (Lua workers, command ports),
each the leader of its own process group, so that a Ctrl-C typed at the
terminal reaches only the harness, which then ends them on purpose.

kill_all() sends SIGKILL to each one's group and waits for none, so that a
signal handler may call it (a handler that waited could deadlock on a
Popen's lock held by the code it interrupted).  What is still tracked when
the process exits normally is killed then too.
"""
import atexit
import os
import signal
import weakref

_LIVE = weakref.WeakSet()   # objects with a `pid` (the group's leader) and kill()


def track(child):
    """Track child (its pid leads its own process group) until it is killed."""
    _LIVE.add(child)


def forget(child):
    _LIVE.discard(child)


def live():
    """The children tracked now."""
    return list(_LIVE)


def kill_all():
    """SIGKILL every tracked child's process group; waits for none."""
    for child in list(_LIVE):
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, TypeError):
            pass


def _forked():
    # a forked process's children are its own: its parent's are not its to end
    _LIVE.clear()


os.register_at_fork(after_in_child=_forked)
atexit.register(lambda: [child.kill() for child in list(_LIVE)])

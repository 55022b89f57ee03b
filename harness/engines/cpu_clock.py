"""How long a port's process has worked on a program: its CPU seconds.

A program's time limit counts the CPU seconds of the process that runs the
port (Linux /proc), so that on a loaded machine (2 cores shared by many) a
port waiting for a core is not taken for a hung one.  A port that waits
instead of computing (a deadlock, a sleep) uses no CPU: the wall clock stops
it anyway at WALL_BACKSTOP times the limit.
"""
import os
from pathlib import Path

WALL_BACKSTOP = 10      # wall-clock seconds per second of the time limit
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(pid):
    """CPU seconds used so far by process pid and the children it has waited
    for (user + system), or None where /proc cannot tell."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()   # the name may hold spaces
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / TICKS_PER_SECOND

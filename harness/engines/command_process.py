"""The child process of a "command" port, spoken to one line at a time.

The child gets its own session and process group (killed as a group, so a
grandchild it started dies with it), pipes for stdin, stdout and stderr and
nothing else, the manifest's folder as working directory, and resource
limits set between fork and exec:

* RLIMIT_DATA = the memory cap.  Since Linux 4.7 it counts the heap and every
  private writable mapping, i.e. the memory a program really uses.  Not
  RLIMIT_AS: node reserves address space it never touches and does not
  start under an RLIMIT_AS of 1 GiB, where RLIMIT_DATA lets it start in 256 MiB.
* RLIMIT_CORE = 0: a crash leaves no core file in the port's folder.

One loop (selectors) writes the request, reads stdout and drains stderr, so
a child that does not read its stdin, or floods stderr, cannot block the
harness: the time limit (CPU seconds, with a wall-clock backstop) ends every
exchange.
"""
import ctypes
import ctypes.util
import os
import re
import resource
import selectors
import signal
import subprocess
import sys
import time

from . import children, deadline
from .cpu_clock import WALL_BACKSTOP, cpu_seconds

STDERR_KEPT = 16 * 1024   # bytes of stderr kept for messages (its last lines)
READ_SIZE = 1 << 20
CLOCK_TICK = 0.05         # seconds between two looks at the child's CPU time
# The line that says what went wrong, in each runtime's words: Python's and
# node's `SomeError: ...`, Java's `Exception in thread ...` and `Caused by:`,
# Go's `panic:` and `fatal error:` (out of memory), Rust's `thread 'main'
# panicked at` (its message on the next line), C++'s `what():`.  node prints
# it above its stack, so its last lines are frames and `Node.js v20`; and
# above it, the file and line at fault.
ERROR_LINE = re.compile(r"(\w+\.)*\w*(Error|Exception)( \[\w+\])?(:|$)|Exception in thread |Caused by: |"
                        r"panic: |fatal error: |thread '.*' panicked|what\(\): ")
ERROR_LOOKBACK = 40   # lines: node's stack and Java's frames below the error stay within it
# Go's runtime dies on these, then dumps every goroutine's stack (hundreds of
# lines when it ran out of memory): they are the end, however far above it
LAST_WORDS = re.compile(r"fatal error: |panic: ")
PLACE_LINE = re.compile(r"[^\s:]+\.\w+:\d+$")   # engine.js:12, not node:internal/...:1207

PR_SET_PDEATHSIG = 1   # prctl(2): a signal for the child when its parent dies
try:
    _PRCTL = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True).prctl
except (OSError, AttributeError):   # not Linux: the parent's cleanup alone ends it
    _PRCTL = None


class ChildExited(Exception):
    """The child closed its stdout or stdin: it exited (or will be killed)."""


class ChildTimedOut(Exception):
    """No complete line within the time limit: cpu and wall are the seconds
    it used; backstop is True when the wall clock stopped it."""

    def __init__(self, cpu, wall, backstop):
        super().__init__(cpu, wall, backstop)
        self.cpu, self.wall, self.backstop = cpu, wall, backstop


class ChildMisbehaved(Exception):
    """A line too long, or a line before the request was read.  noise:
    the child wrote a line nobody asked for (a print on stdout, most likely)."""

    def __init__(self, message, noise=False):
        super().__init__(message)
        self.noise = noise


def _limits(max_memory_bytes):
    # Runs in the child between fork and exec: no import and no lock in it,
    # which is what makes preexec_fn safe while other threads run.
    # PDEATHSIG: SIGKILL when the thread that started it ends (the harness was
    # killed without ending it): in its own session, nothing else would end a
    # hung port.  Ports are started from the main thread of their process.
    def apply():
        resource.setrlimit(resource.RLIMIT_DATA, (max_memory_bytes, max_memory_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if _PRCTL is not None:
            _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    return apply


def child_environment():
    """The harness's environment, with the folder of the Python running the
    harness first on PATH (as activating its venv would): `python` in a
    command is that Python, with the packages it has."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


def describe_exit(returncode):
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "an unknown signal"
        return f"killed by {name} (exit code {returncode})"
    return f"exited with code {returncode}"


class ChildProcess:
    """One started child.  exchange() sends a line and waits for one back."""

    def __init__(self, argv, cwd, max_memory_mib, on_stderr=None):
        """on_stderr(bytes): called with each piece of stderr as it is read."""
        self.argv = list(argv)
        self._on_stderr = on_stderr
        self._popen = subprocess.Popen(
            self.argv, cwd=cwd, env=child_environment(),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            close_fds=True, start_new_session=True,
            preexec_fn=_limits(int(max_memory_mib) * 2**20))
        self.pid = self._popen.pid
        self._stdin = self._popen.stdin.fileno()
        self._stdout = self._popen.stdout.fileno()
        self._stderr = self._popen.stderr.fileno()
        for fd in (self._stdin, self._stdout, self._stderr):
            os.set_blocking(fd, False)
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._stdout, selectors.EVENT_READ)
        self._selector.register(self._stderr, selectors.EVENT_READ)
        self._stdout_buffer = bytearray()
        self._stderr_buffer = bytearray()
        self._killed = False
        children.track(self)

    def exchange(self, request, limit, max_line_bytes, wall_limit=None):
        """Write request (bytes; may be empty), then return the next line the
        child writes (without its newline).  Raises ChildTimedOut once the
        child used limit CPU seconds on it (or wall_limit wall-clock seconds,
        by default WALL_BACKSTOP times limit: cpu_clock.py), ChildExited, ChildMisbehaved, or
        deadline.OutOfTime once the run's deadline passed."""
        if request:
            self._take_unasked()
        pending = memoryview(request)
        if pending:
            self._selector.register(self._stdin, selectors.EVENT_WRITE)
        cpu_start, wall_start = cpu_seconds(self.pid), time.monotonic()
        wall_limit = WALL_BACKSTOP * limit if wall_limit is None else wall_limit
        try:
            while True:
                wall = time.monotonic() - wall_start
                cpu = cpu_seconds(self.pid)
                used = wall if cpu is None or cpu_start is None else cpu - cpu_start
                if used > limit or wall > wall_limit:
                    raise ChildTimedOut(used, wall, used <= limit)
                deadline.check()
                wait = min(CLOCK_TICK, wall_limit - wall)
                for key, _ in self._selector.select(max(wait, 0.0)):
                    if key.fd == self._stdin:
                        pending = self._write(pending)
                    elif key.fd == self._stderr:
                        self._drain_stderr()
                    else:
                        line = self._read_stdout(max_line_bytes)
                        if line is not None:
                            if pending:
                                raise ChildMisbehaved("the port answered before it had read "
                                                      "the whole program", noise=True)
                            return line
        finally:
            if pending:
                self._selector.unregister(self._stdin)

    def _take_unasked(self):
        """Refuse what the child wrote since its last line: nothing was asked."""
        unasked = bytes(self._stdout_buffer)
        if self._stdout in {key.fd for key, _ in self._selector.select(0)}:
            unasked = self._read_stdout(READ_SIZE) or bytes(self._stdout_buffer)
        if unasked:
            raise ChildMisbehaved("the port wrote more than one line for the last message: "
                                  f"{unasked[:80]!r}", noise=True)

    def _write(self, pending):
        try:
            written = os.write(self._stdin, pending[:READ_SIZE])
        except BrokenPipeError:
            raise ChildExited("closed its stdin") from None
        pending = pending[written:]
        if not pending:
            self._selector.unregister(self._stdin)
        return pending

    def _read_stdout(self, max_line_bytes):
        chunk = os.read(self._stdout, READ_SIZE)
        if not chunk:
            raise ChildExited("closed its stdout")
        newline = chunk.find(b"\n")
        if newline < 0:
            self._stdout_buffer += chunk
            if len(self._stdout_buffer) > max_line_bytes:
                raise ChildMisbehaved(f"the port wrote more than {max_line_bytes} bytes "
                                      "without ending the line")
            return None
        line = bytes(self._stdout_buffer) + chunk[:newline]
        self._stdout_buffer = bytearray(chunk[newline + 1:])
        return line

    def _drain_stderr(self, to_the_end=False):
        """Read what stderr holds: one chunk while the child runs (a flood
        must not hold up the deadline), all of it once the child is gone."""
        while self._stderr is not None:
            try:
                chunk = os.read(self._stderr, READ_SIZE)
            except BlockingIOError:
                return
            if not chunk:
                self._selector.unregister(self._stderr)
                self._stderr = None
                return
            self._stderr_buffer += chunk
            del self._stderr_buffer[:-STDERR_KEPT]
            if self._on_stderr is not None:
                self._on_stderr(chunk)
            if not to_the_end:
                return

    def poll_stderr(self):
        """Read what stderr holds now (on_stderr sees it), without waiting."""
        if not self._killed:
            self._drain_stderr()

    def stderr_tail(self, lines=6):
        """The last lines the child wrote on stderr, joined with ' | ' (see
        stderr_summary)."""
        if not self._killed:
            self._drain_stderr()
        return stderr_summary(self._stderr_buffer.decode("utf-8", "replace"), lines)

    def wait_exit(self, seconds):
        """The exit code once the child has exited, or None after seconds."""
        try:
            return self._popen.wait(timeout=max(seconds, 0.0))
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        """Kill the child's whole process group (idempotent), keep its stderr."""
        if self._killed:
            return
        children.forget(self)
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._popen.wait()
        self._drain_stderr(to_the_end=True)   # what it wrote before dying
        self._killed = True
        self._selector.close()
        for pipe in (self._popen.stdin, self._popen.stdout, self._popen.stderr):
            try:
                pipe.close()
            except OSError:
                pass


def stderr_summary(text, lines=6):
    """The last lines of text; where the line that names the error stands
    above them, that line (with the place it names), `…` and the last line."""
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    # among the last lines: one the port logged long before is not its end
    errors = [i for i, line in enumerate(kept)
              if (i >= len(kept) - ERROR_LOOKBACK and ERROR_LINE.match(line))
              or LAST_WORDS.match(line)]
    if not errors or errors[-1] >= len(kept) - lines:
        return " | ".join(kept[-lines:])
    at = errors[-1]
    said = kept[at:at + 2] if "panicked" in kept[at] else [kept[at]]
    place = [kept[0]] if at > 0 and PLACE_LINE.match(kept[0]) else []
    return " | ".join([*place, *said, "…", kept[-1]])

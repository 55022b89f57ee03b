"""A user's Lua port on each lupa runtime, as PortRuntime objects (port.py).

open_lua_port(manifest) starts one worker process per runtime
(lua_worker.py), each holding the port in lua_port's sandbox with its setup
run and its manifest's expressions compiled.  A program crosses flat
(lua_port/wire.py), pickled once for all runtimes, and comes back as two
flat arrays; the calls block on a pipe, so a runner may drive several
runtimes at once from threads.

Limits, enforced from here: a program that runs past manifest.timeout
seconds has its worker killed (PortFailure "timeout").  The seconds are the
worker's CPU seconds where /proc tells them, so that on a loaded machine a
slow runtime waiting for a core is not taken for a hung one; the wall clock
stops the worker anyway at WALL_BACKSTOP times the limit.  One that runs past
manifest.max_memory MiB fails with "memory"; a worker that dies gives
"crash".  After any of these the next program gets a fresh worker.  A setup
that fails (or hangs) fails every program the same way without retrying,
until restart().
"""
import os
import pickle
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from multiprocessing.connection import Connection
from pathlib import Path

from .cpu_clock import WALL_BACKSTOP, cpu_seconds
from .lua_chunks import chunks
from .port import PortFailure, PortUnsupported

__all__ = ["LuaPortRuntime", "open_lua_port"]

REPO_DIR = Path(__file__).resolve().parents[2]
START_ALLOWANCE = 20.0  # seconds for a worker to start Python and lupa, before its setup runs
# What Lua says when an expression calls a method the port's Values lack, or
# applies an operator they have no metamethod for, in both wordings:
# Lua 5.1, 5.2 and LuaJIT "attempt to call method 'tanh' (a nil value)",
# Lua 5.3+ "attempt to call a nil value (method 'tanh')".
MISSING_OP = re.compile(
    r"attempt to call (?:(?:method|field|global) '[^']*' \(a nil value\)|a nil value \()"
    r"|attempt to perform arithmetic on (?:\w+ '[^']*' \(a table value\)|a table value)")


def _is_missing_op(op, message):
    """The op's own expression (not the port's files) hit a missing method
    or metamethod: the port does not have the op."""
    head = f"[ops] {op}:"
    return message.startswith(head) and MISSING_OP.search(message, len(head)) is not None


class _Program:
    """A program as it crosses: its node ids and the pickled request, made
    once for every runtime and both of its runs (floats, integers), and kept
    while the program lives, since each runtime's thread sends it at its
    own pace."""

    _made = {}   # id(program) -> (ids, flat, {integers: payload}), while it lives
    _lock = threading.Lock()

    @classmethod
    def _entry(cls, program):
        """(ids, flat, {integers: payload}) of program; the lock is held."""
        made = cls._made.get(id(program))
        if made is None:
            from lua_port import flatten_program
            made = cls._made[id(program)] = (*flatten_program(program), {})
            # dropped as the program is freed, before its id can be reused
            weakref.finalize(program, cls._made.pop, id(program), None)
        return made

    @classmethod
    def flat(cls, program):
        """flatten_program(program), made once while the program lives."""
        with cls._lock:
            return cls._entry(program)[:2]

    @classmethod
    def of(cls, program, integers):
        integers = bool(integers)
        with cls._lock:
            ids, flat, payloads = cls._entry(program)
            if integers not in payloads:
                # the two runs differ only in the flag: one flattening serves both
                payloads[integers] = pickle.dumps(
                    ("evaluate", len(ids), {**flat, "integers": integers}), pickle.HIGHEST_PROTOCOL)
            return ids, payloads[integers]


def flattened(program):
    """lua_port.flatten_program(program), kept while the program lives: one
    program goes to many runtimes (the matrix's -interp columns use it too)."""
    return _Program.flat(program)


class _Worker:
    """One worker process and its two pipes."""

    def __init__(self, config):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.stderr = tempfile.TemporaryFile()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_DIR), env.get("PYTHONPATH")]))
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "harness.check.lua_worker", str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=self.stderr, cwd=REPO_DIR, env=env)
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.outbox = Connection(to_child_w, readable=False)
        self.inbox = Connection(from_child_r, writable=False)
        self.outbox.send(config)

    @property
    def pid(self):
        return self.process.pid

    def ask(self, payload, timeout, runtime):
        """Send a pickled request; the reply, or PortFailure if the worker
        runs past timeout seconds (then it is killed) or dies."""
        try:
            if payload is not None:
                self.outbox.send_bytes(payload)
            cpu_start, wall_start = self.cpu_seconds(), time.monotonic()
            while not self.inbox.poll(min(0.05, timeout)):
                wall = time.monotonic() - wall_start
                cpu = self.cpu_seconds()
                used = wall if cpu is None or cpu_start is None else cpu - cpu_start
                if used > timeout or wall > WALL_BACKSTOP * timeout:
                    self.kill()
                    raise PortFailure("timeout", f"{runtime}: still running after {timeout:g} s "
                                                 "(the worker was stopped)")
            return self.inbox.recv()
        except (EOFError, OSError):
            raise self.died(runtime) from None

    def cpu_seconds(self):
        """The worker's CPU seconds so far (Linux /proc), or None."""
        return cpu_seconds(self.process.pid)

    def died(self, runtime):
        """The PortFailure of a worker whose pipe broke: how it ended, and
        the last line it wrote to stderr (LuaJIT's PANIC, a Python error)."""
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:  # alive but deaf: end it
            self.process.kill()
            code = self.process.wait()
        self.stderr.seek(0)
        tail = self.stderr.read()[-2000:].decode("utf-8", "replace").strip().splitlines()
        last = tail[-1] if tail else ""
        how = (f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit status {code}")
        message = f"{runtime}: the worker died ({how})" + (f": {last}" if last else "")
        if "MemoryError" in last or "not enough memory" in last:
            return PortFailure("memory", message)
        return PortFailure("crash", message)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for end in (self.outbox, self.inbox):
            end.close()
        self.stderr.close()


class LuaPortRuntime:
    """One Lua port on one lupa runtime (a PortRuntime)."""

    def __init__(self, manifest, runtime, modules):
        self.name = runtime
        self.manifest = manifest
        self.timeout = manifest.timeout
        self._config = {
            "runtime": runtime, "modules": modules,
            "chunks": {key: (name, source) for key, (name, source, _) in chunks(manifest).items()},
            "max_memory": manifest.max_memory * 2**20,
        }
        self._lock = threading.Lock()
        self._worker = None
        self._hello = None
        self._broken = None   # why the port cannot run here (its setup failed)

    # -- the worker's life ----------------------------------------------------------

    def start(self):
        """Start the worker (open_lua_port starts all, then waits for each)."""
        if self._worker is None:
            self._worker = _Worker(self._config)
            self._hello = None

    def _ready(self):
        """The worker, started and greeted; raises what stops the port here."""
        if self._broken is not None:
            raise self._broken
        self.start()
        if self._hello is None:
            try:
                started = self._worker.ask(None, START_ALLOWANCE, self.name)
                if started != "started":
                    raise PortFailure("crash", f"{self.name}: the worker said {started!r}")
                self._hello = self._worker.ask(None, self.timeout, self.name)
            except PortFailure as failure:
                self._discard()
                self._broken = PortFailure(failure.kind, f"setup: {failure.message}")
                raise self._broken from None
            if self._hello["error"] is not None:
                kind, message = self._hello["error"]
                self._broken = PortFailure(kind, f"setup: {message}")
                raise self._broken
        return self._worker

    def start_setup(self):
        """Start the worker and run the manifest's setup now: the PortFailure
        that stops the port on this runtime, or None."""
        try:
            self._ready()
        except PortFailure as failure:
            return failure
        return None

    def _discard(self):
        if self._worker is not None:
            self._worker.kill()
        self._worker = None

    @property
    def version(self):
        """The runtime's _VERSION (jit.version on LuaJIT), from the worker."""
        with self._lock:
            try:
                self._ready()
            except PortFailure:
                pass
            if self._hello is None:
                from lua_port import lupa_module
                lua = lupa_module(self.name).LuaRuntime()
                return lua.eval("jit and jit.version or _VERSION")
            return self._hello["version"]

    def status(self):
        """What the worker's runtime says of itself now:
        {"jit": jit.status(), "traces": compiled traces} (None on PUC Lua)."""
        with self._lock:
            try:
                return self._ready().ask(pickle.dumps(("status",)), self.timeout, self.name)
            except PortFailure:
                self._discard()
                raise

    @property
    def pid(self):
        """The worker's process id (None before it starts)."""
        return self._worker.pid if self._worker is not None else None

    def restart(self):
        with self._lock:
            self._discard()
            self._broken = None
            self.start()

    def close(self):
        with self._lock:
            self._discard()

    # -- the PortRuntime API ----------------------------------------------------------

    def declared_ops(self):
        return frozenset(op for op, expression in self.manifest.ops.items()
                         if expression is not None)

    def evaluate(self, program, *, integers=False):
        for step in program.steps:
            if self.manifest.ops.get(step.op) is None:
                raise PortUnsupported(step.op, f"the manifest says the port has no {step.op}")
        ids, payload = _Program.of(program, integers)
        with self._lock:
            worker = self._ready()
            op_errors = self._hello["op_errors"]
            for step in program.steps:
                if step.op in op_errors:
                    raise PortFailure("error", f"[ops] {step.op}: {op_errors[step.op]}")
            try:
                reply = worker.ask(payload, self.timeout, self.name)
            except PortFailure:
                self._discard()
                raise
            if reply[0] == "ok":
                return dict(zip(ids, zip(reply[1], reply[2])))
            if reply[0] == "failed":
                failure = self._failure(program, ids, *reply[1:])
            else:
                failure = PortFailure(reply[0], reply[1])
            if isinstance(failure, PortFailure) and failure.kind == "memory":
                self._discard()  # the next program gets a fresh runtime
            raise failure

    def _failure(self, program, ids, where, index, message):
        """The exception for a port that raised at `where` (see interpret_port.lua)."""
        if where == "step":
            step = program.steps[index - 1]
            if _is_missing_op(step.op, message):
                return PortUnsupported(step.op, message)
            place = f"step {step.out} ({step.op})"
        elif where == "input":
            name, value = program.inputs[index - 1]
            place = f"input {name} = {value!r}"
        elif where == "backward":
            place = f"backward from {program.output}"
        else:
            place = f"{where} of {ids[index - 1]}"
        if message == "not enough memory":
            return PortFailure("memory", f"{place}: over the memory limit of "
                                         f"{self.manifest.max_memory} MiB")
        return PortFailure("error", f"{place}: {message}")


def open_lua_port(manifest, runtimes=None):
    """A LuaPortRuntime per runtime of the manifest (or of runtimes, a
    subset of them), their workers started side by side."""
    from lua_port import read_modules
    try:
        modules = read_modules(manifest.root, shown=_shown_root(manifest))
    except ValueError as exc:
        raise manifest.error(["port", "root"], str(exc)) from None
    opened = [LuaPortRuntime(manifest, runtime, modules) for runtime in runtimes or manifest.runtimes]
    for port in opened:
        port.start()
    return opened


def _shown_root(manifest):
    from ..fixture import display_path
    return display_path(manifest.root)

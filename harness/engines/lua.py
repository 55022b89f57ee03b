"""A Lua port on each lupa runtime, one engine per runtime: a user's port
(its manifest), and our own (harness/ports/lua_port.toml), as users run it.

open_lua_port(manifest) starts one worker process per runtime
(lua_worker.py), each holding the port in lua_port's sandbox with its setup
run and its manifest's expressions compiled, LuaJIT with its compiler on.
On Lua 5.3+ a program with integral inputs or constants is judged on two
runs (variants): as floats, and with those numbers as Lua integers, as a
user writing Value(3) gives them, whoever wrote the port.  A program crosses flat
(lua_port/wire.py), pickled once for all runtimes, and comes back as two
flat arrays; the calls block on a pipe, so a runner may drive several
runtimes at once from threads.

Limits, enforced from here: a program that runs past manifest.timeout
seconds has its worker killed (EngineFailure "timeout").  The seconds are the
worker's CPU seconds where /proc tells them, so that on a loaded machine a
slow runtime waiting for a core is not taken for a hung one; the wall clock
stops the worker anyway at WALL_BACKSTOP times the limit.  One that runs past
manifest.max_memory MiB fails with "memory"; a worker that dies gives
"crash".  After any of these the next program gets a fresh worker.  A setup
that fails (or hangs) fails every program the same way without retrying,
until restart().
"""
import math
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

from micrograd_lab.lua_port.runtimes import INTEGER_RUNTIMES

from ..ops import OPS
from . import children, deadline
from .base import (FLOATS, INTEGERS, NUMBER_EXPONENT, Engine, EngineFailure, Unsupported,
                   refuse_value_exponents)
from .cpu_clock import WALL_BACKSTOP, cpu_seconds
from .lua_chunks import chunks
from .lua_worker import PHASE
from .printed import Printed

__all__ = ["LuaPortEngine", "open_lua_port", "has_lua_integers", "is_lua_integer",
           "flattened"]

# interpret_port.lua's phases, as a timeout names them
PHASE_WORDS = {"forward": ", building the graph", "backward": ", in backward",
               "data": ", reading data and grad"}
START_ALLOWANCE = 20.0  # seconds for a worker to start Python and lupa, before its setup runs
# What Lua says when an expression calls a method the port's Values lack, or
# applies an operator they have no metamethod for, in both wordings:
# Lua 5.1, 5.2 and LuaJIT "attempt to call method 'tanh' (a nil value)",
# Lua 5.3+ "attempt to call a nil value (method 'tanh')".
MISSING_OP = re.compile(
    r"attempt to call (?:(?:method|field|global) '[^']*' \(a nil value\)|a nil value \()"
    r"|attempt to perform arithmetic on (?:\w+ '[^']*' \(a table value\)|a table value)")


INTEGER_LIMIT = 2.0 ** 63   # math.tointeger gives an integer for -2^63 <= x < 2^63


def is_lua_integer(x):
    """Does x reach Lua 5.3+ as an integer in the INTEGERS run?  The same
    test as lua_port/interpret_port.lua's (math.tointeger; -0.0 stays a float)."""
    return (math.isfinite(x) and x.is_integer() and -INTEGER_LIMIT <= x < INTEGER_LIMIT
            and not (x == 0.0 and math.copysign(1.0, x) < 0))


def has_lua_integers(program):
    """Has program an input or a constant that an INTEGERS run makes a Lua integer?"""
    return (any(is_lua_integer(value) for _, value in program.inputs)
            or any(arg.kind == "num" and is_lua_integer(arg.value)
                   for step in program.steps for arg in step.args))


def _is_missing_op(op, message):
    """The op's own expression (not the port's files) hit a missing method
    or metamethod: the port does not have the op."""
    head = f"[ops] {op}:"
    return message.startswith(head) and MISSING_OP.search(message, len(head)) is not None


def _missing(message):
    """The op whose expression, or "mlp" when [nn] mlp's, hit a missing
    method or global (the port has no such op, no MLP), or None."""
    head = re.match(r"\[(ops|nn)\] (\w+):", message)
    if not head or (head[1] == "nn" and head[2] != "mlp"):
        return None
    return head[2] if MISSING_OP.search(message, head.end()) else None


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
            from micrograd_lab.lua_port import flatten_program
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
    program goes to many runtimes (the -interp engines use it too)."""
    return _Program.flat(program)


class _Worker:
    """One worker process and its two pipes.  It leads its own process group
    (a Ctrl-C at the terminal is the harness's to handle: it kills the
    worker, engines/children.py) and leaves by itself when its parent dies."""

    def __init__(self, config):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self.stderr = tempfile.TemporaryFile()
        try:
            # the worker is this package's lua_worker, run by this Python
            self.process = subprocess.Popen(
                [sys.executable, "-m", f"{__package__}.lua_worker", str(to_child_r),
                 str(from_child_w)],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=self.stderr, start_new_session=True)
            children.track(self)
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
        """Send a pickled request; the reply, or EngineFailure if the worker
        runs past timeout seconds or the run's deadline (then it is killed)
        or dies."""
        try:
            if payload is not None:
                self.outbox.send_bytes(payload)
            cpu_start, wall_start = self.cpu_seconds(), time.monotonic()
            phase = ""   # where a port's program is (forward, backward): a loop's place
            while True:
                while not self.inbox.poll(min(0.05, timeout)):
                    wall = time.monotonic() - wall_start
                    cpu = self.cpu_seconds()
                    used = wall if cpu is None or cpu_start is None else cpu - cpu_start
                    if used > timeout or wall > WALL_BACKSTOP * timeout:
                        self.kill()
                        raise EngineFailure("timeout", f"{runtime}: still running after "
                                                       f"{timeout:g} s{PHASE_WORDS.get(phase, '')} "
                                                       "(the worker was stopped)")
                    if deadline.passed():
                        self.kill()
                        raise EngineFailure("stopped", f"{runtime}: the run's time budget ran out "
                                                       "while the port worked (the worker was "
                                                       "stopped)")
                reply = self.inbox.recv()
                if not (isinstance(reply, tuple) and reply[:1] == (PHASE,)):
                    return reply
                phase = reply[1]
        except (EOFError, OSError):
            raise self.died(runtime) from None

    def cpu_seconds(self):
        """The worker's CPU seconds so far (Linux /proc), or None."""
        return cpu_seconds(self.process.pid)

    def died(self, runtime):
        """The EngineFailure of a worker whose pipe broke: how it ended, and
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
            return EngineFailure("memory", message)
        return EngineFailure("crash", message)

    def kill(self):
        children.forget(self)
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for end in (self.outbox, self.inbox):
            end.close()
        self.stderr.close()


class LuaPortEngine(Engine):
    """One Lua port on one lupa runtime, in its own worker process."""
    language = "lua"

    def __init__(self, manifest, runtime, modules, budget):
        self.name = runtime
        self.budget = budget
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
        self._printed = Printed()

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
                    raise EngineFailure("crash", f"{self.name}: the worker said {started!r}")
                self._hello = self._worker.ask(None, self.timeout, self.name)
            except EngineFailure as failure:
                self._discard()
                self._broken = EngineFailure(failure.kind, f"setup: {failure.message}")
                raise self._broken from None
            if self._hello["error"] is not None:
                kind, message = self._hello["error"]
                self._broken = EngineFailure(kind, f"setup: {message}")
                raise self._broken
        return self._worker

    def start_failure(self):
        """Start the worker and run the manifest's setup now: the EngineFailure
        that stops the port on this runtime, or None."""
        try:
            self._ready()
        except EngineFailure as failure:
            return failure
        return None

    def _discard(self):
        if self._worker is not None:
            self._worker.kill()
        self._worker = None

    @property
    def version(self):
        """The runtime's _VERSION (jit.version on LuaJIT, and whether its
        compiler is on), from the worker."""
        with self._lock:
            try:
                self._ready()
            except EngineFailure:
                pass
            if self._hello is None:
                from micrograd_lab.lua_port import lupa_module
                lua = lupa_module(self.name).LuaRuntime()
                return lua.eval("jit and jit.version or _VERSION")
            jit = self._hello["jit"]
            return self._hello["version"] + ("" if jit is None else
                                              f", JIT {'on' if jit else 'off'}")

    def status(self):
        """What the worker's runtime says of itself now:
        {"jit": jit.status(), "traces": compiled traces} (None on PUC Lua)."""
        with self._lock:
            try:
                return self._ready().ask(pickle.dumps(("status",)), self.timeout, self.name)
            except EngineFailure:
                self._discard()
                raise

    @property
    def pid(self):
        """The worker's process id (None before it starts)."""
        return self._worker.pid if self._worker is not None else None

    def printed(self):
        """What the port's print() wrote since the last call (its worker keeps it)."""
        with self._lock:
            self._collect_printed()
            return self._printed.take()

    def _collect_printed(self):
        if self._worker is None or self._hello is None or self._hello["error"] is not None:
            return
        try:
            lines, more = self._worker.ask(pickle.dumps(("printed",)), self.timeout, self.name)
        except EngineFailure:
            self._discard()
            return
        for line in lines:
            self._printed.add_line(line)
        self._printed.add_uncounted(more)

    def restart(self):
        with self._lock:
            self._collect_printed()   # what the old worker printed is not lost with it
            self._discard()
            self._broken = None
            self.start()

    def close(self):
        with self._lock:
            self._discard()

    # -- the Engine API ----------------------------------------------------------------

    def variants(self, program):
        if self.name in INTEGER_RUNTIMES and has_lua_integers(program):
            return (FLOATS, INTEGERS)
        return (FLOATS,)

    def declared_ops(self):
        return frozenset(op for op, expression in self.manifest.ops.items()
                         if expression is not None)

    @property
    def number_exponent_only(self):
        return self.manifest.pow == NUMBER_EXPONENT

    def evaluate(self, program, *, integers=False):
        for step in program.steps:
            if self.manifest.ops.get(step.op) is None:
                raise Unsupported(step.op, f"the manifest says the port has no {step.op}")
        if self.number_exponent_only:
            refuse_value_exponents(program)
        ids, payload = _Program.of(program, integers)
        with self._lock:
            worker = self._ready()
            op_errors = self._hello["op_errors"]
            for step in program.steps:
                if f"op:{step.op}" in op_errors:
                    raise EngineFailure("error", f"[ops] {step.op}: {op_errors[f'op:{step.op}']}")
            try:
                reply = worker.ask(payload, self.timeout, self.name)
            except EngineFailure:
                self._discard()
                raise
            if reply[0] == "ok":
                return dict(zip(ids, zip(reply[1], reply[2])))
            if reply[0] == "failed":
                failure = self._failure(program, ids, *reply[1:])
            else:
                failure = EngineFailure(reply[0], reply[1])
            if isinstance(failure, EngineFailure) and failure.kind == "memory":
                self._discard()  # the next program gets a fresh runtime
            raise failure

    def nn_kinds(self):
        return self.manifest.nn.kinds if self.manifest.nn else ()

    def mlp(self, request):
        """The port's own MLP, through its manifest's [nn] (harness.nn): an MlpAnswer."""
        from ..nn.request import MlpAnswer
        if self.manifest.nn is None:
            raise Unsupported("mlp", "the manifest says the port has no MLP ([nn] mlp = false)")
        for op in sorted(request.loss_ops()):
            if self.manifest.ops.get(op) is None or OPS[op].kind == "nary":
                raise Unsupported(op, f"the manifest says the port has no {op}")
        payload = pickle.dumps(("mlp", request.to_plain()), pickle.HIGHEST_PROTOCOL)
        with self._lock:
            worker = self._ready()
            broken = [why for key, why in self._hello["op_errors"].items()
                      if key.startswith("nn:") or key[3:] in request.loss_ops()]
            if broken:   # an expression that compiled here but not in the worker
                raise EngineFailure("error", broken[0])
            try:
                reply = worker.ask(payload, self.timeout, self.name)
            except EngineFailure:
                self._discard()
                raise
        if reply[0] == "ok":
            return MlpAnswer(tuple(reply[1]), tuple(map(tuple, reply[2])))
        if reply[0] != "failed":
            if reply[0] == "memory":
                self.close()   # the next request gets a fresh runtime
            raise EngineFailure(reply[0], reply[1])
        _, where, _, message = reply
        missing = _missing(message)
        if missing in ("mlp", *request.loss_ops()):
            raise Unsupported(missing, message)
        if message == "not enough memory":
            self.close()
            raise EngineFailure("memory", f"{where}: over the memory limit of "
                                          f"{self.manifest.max_memory} MiB")
        raise EngineFailure("error", f"{where}: {message}")

    def _failure(self, program, ids, where, index, message):
        """The exception for a port that raised at `where` (see interpret_port.lua)."""
        if where == "step":
            step = program.steps[index - 1]
            if _is_missing_op(step.op, message):
                return Unsupported(step.op, message)
            place = f"step {step.out} ({step.op})"
        elif where == "input":
            name, value = program.inputs[index - 1]
            place = f"input {name} = {value!r}"
        elif where == "backward":
            place = f"backward from {program.output}"
        else:
            place = f"{where} of {ids[index - 1]}"
        if message == "not enough memory":
            return EngineFailure("memory", f"{place}: over the memory limit of "
                                         f"{self.manifest.max_memory} MiB")
        return EngineFailure("error", f"{place}: {message}")


def open_lua_port(manifest, runtimes=None, budget=None):
    """A LuaPortEngine per runtime of the manifest (or of runtimes, a subset
    of them), their workers started side by side.  budget(runtime): each
    one's budget (default: a user's port's on that runtime)."""
    from micrograd_lab.lua_port import read_modules
    from .budgets import lua_port_budget
    try:
        modules = read_modules(manifest.root, shown=_shown_root(manifest))
    except ValueError as exc:
        raise manifest.error(["port", "root"], str(exc)) from None
    budget = budget or lua_port_budget
    opened = [LuaPortEngine(manifest, runtime, modules, budget(runtime))
              for runtime in runtimes or manifest.runtimes]
    for port in opened:
        port.start()
    return opened


def _shown_root(manifest):
    from ..fixture import display_path
    return display_path(manifest.root)

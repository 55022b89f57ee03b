"""A "command" port: any program that speaks the JSON-lines protocol
(docs/protocol.md) on its stdin and stdout, as an engine.

    engine = open_command_port(manifest)[0]     # one engine: the process
    engine.declared_ops()                       # from its hello
    engine.evaluate(program, integers=False)    # {node id: (data, grad)}

Its budget is fixed by its first hello: the libm of the language it names
(engines/budgets.py); a Lua port run by a stand-alone interpreter (its hello
names the version) is judged as a Lua port on that runtime is, integers
run included.

A port that crashes, hangs, or writes what the protocol does not allow is
killed (with its process group) and raises EngineFailure of kind crash,
timeout or protocol (memory when its last words say it ran out), with the
last lines of its stderr and its exit code.  The next call starts a new
process, so the run goes on.  An `error` or `unsupported` reply leaves the
process running: the port itself said what went wrong.
"""
import re

from micrograd_lab.lua_port.runtimes import INTEGER_RUNTIMES

from .base import (FLOATS, INTEGERS, NUMBER_EXPONENT, Engine, EngineFailure, Unsupported,
                   refuse_value_exponents)
from .budgets import command_port_budget
from .command_process import (ChildExited, ChildMisbehaved, ChildProcess, ChildTimedOut,
    describe_exit)
from .command_protocol import (ProtocolError, decode_message, decode_mlp_answer, decode_result,
    encode_mlp, encode_program)
from .cpu_clock import WALL_BACKSTOP
from .printed import Printed
from .deadline import OutOfTime

# How a process that ran out of memory says so: node ("JavaScript heap out of
# memory"), C++ (std::bad_alloc), Lua ("not enough memory"), Python (MemoryError).
OUT_OF_MEMORY = re.compile(r"out of memory|not enough memory|MemoryError|bad_alloc|"
                           r"Cannot allocate memory", re.IGNORECASE)
HELLO_MAX_BYTES = 1 << 20
REPLY_BYTES_PER_NODE = 128      # a [data, grad] pair is at most about 50 bytes
REPLY_BYTES_PER_NUMBER = 64     # an mlp_result's numbers: at most about 25 bytes each
EXIT_GRACE_SECONDS = 1.0        # after it closed stdout, for its exit code
# A port that writes what is not the protocol on stdout (a print where the
# protocol owns stdout) fails program after program the same way, each after
# a new process (or every other one, when the print comes after the reply):
# after this many, it fails the rest at once with the cause said once.
NOISE_LIMIT = 3
# The hello gets the manifest's timeout in CPU seconds (at least
# HELLO_CPU_MIN, for a runtime to start), as a program does, but a shorter
# wall-clock backstop than a program's: a port that waits before its hello
# (reads stdin first, waits on something) is hung, not slow.
HELLO_CPU_MIN = 1.0
HELLO_BACKSTOP = 3
HELLO_WALL_MIN = 5.0


LUA_VERSION = re.compile(r"(lua|luajit) (\d)\.(\d)", re.IGNORECASE)


def lua_runtime_of(hello):
    """The lupa runtime a Lua port's hello names ("Lua 5.4" -> lua54,
    "LuaJIT 2.0.5" -> luajit20), or None."""
    if str(hello.get("language", "")).lower() != "lua":
        return None
    m = LUA_VERSION.match(str(hello.get("version", "")))
    return "".join(m.groups()).lower() if m else None


def open_command_port(manifest, *, backward_calls=1, budget=None):
    """The one engine of a command port (a manifest.Manifest with language
    "command"): its process, started here in the manifest's folder.  If it
    cannot start or says no valid hello, the engine is still returned:
    last_start_failure holds why, and evaluate() tries again and raises it.
    backward_calls=2: an engine whose every program runs backward twice (the
    backward-twice probe); budget: fixed instead of taken from the hello."""
    engine = CommandEngine(manifest.name, manifest.command, manifest.folder,
                           timeout=manifest.timeout, max_memory=manifest.max_memory,
                           backward_calls=backward_calls, budget=budget)
    try:
        engine.restart()
    except EngineFailure:
        pass
    return [engine]


class CommandEngine(Engine):
    """One command port: a child process, started again after a failure."""

    def __init__(self, name, command, cwd, *, timeout, max_memory, hello_timeout=None,
                 backward_calls=1, budget=None):
        """command: argv run in folder cwd; timeout: CPU seconds per program
        (cpu_clock.py); hello_timeout: the same for the hello (default:
        timeout, at least HELLO_CPU_MIN, with a shorter wall-clock
        backstop, see HELLO_BACKSTOP); max_memory: MiB (RLIMIT_DATA);
        backward_calls: how many times each program runs backward."""
        self.name = name
        self.budget = budget
        self.command, self.cwd = list(command), cwd
        self.timeout, self.max_memory = float(timeout), int(max_memory)
        if hello_timeout:
            self.hello_timeout, self.hello_wall = float(hello_timeout), None
        else:
            self.hello_timeout = max(self.timeout, HELLO_CPU_MIN)
            self.hello_wall = max(HELLO_BACKSTOP * self.hello_timeout, HELLO_WALL_MIN)
        self.backward_calls = int(backward_calls)
        self.version = "not started"
        self.hello = None            # the last hello, as the port wrote it
        self.last_start_failure = None    # EngineFailure of the last start, or None
        self._child = None
        self._next_id = 1
        self._printed = Printed()     # its stderr, for the reports
        self._noise = []              # the programs it answered with stdout noise

    @property
    def language(self):
        """The language its hello names ("" before a hello)."""
        return str(self.hello.get("language", "")) if self.hello else ""

    @property
    def pid(self):
        """The process id of the running port, or None."""
        return self._child.pid if self._child is not None else None

    # -- PortRuntime ---------------------------------------------------------

    def declared_ops(self):
        """The ops of the hello (the port starts if it has not yet); None
        while it says no valid hello, or a hello without ops (the op probe
        then asks for each)."""
        if self._child is None and self.hello is None and self.last_start_failure is None:
            try:
                self.restart()
            except EngineFailure:
                pass
        return frozenset(self.hello["ops"]) if self.hello and "ops" in self.hello else None

    @property
    def number_exponent_only(self):
        """Does its hello say pow takes number exponents only (the port starts
        if it has not yet)?"""
        self.start_failure()
        return bool(self.hello) and self.hello.get("pow") == NUMBER_EXPONENT

    def evaluate(self, program, *, integers=False):
        if self.number_exponent_only:
            refuse_value_exponents(program)
        node_ids = program.node_ids()
        return self._ask(lambda request_id: encode_program(program, request_id, integers,
                                                           self.backward_calls),
                         "program", "result", REPLY_BYTES_PER_NODE * len(node_ids),
                         lambda message: decode_result(message, node_ids))

    def nn_kinds(self):
        """The MLP kinds its hello lists (the port starts if it has not yet)."""
        self.start_failure()
        return tuple(self.hello.get("nn", ())) if self.hello else ()

    def mlp(self, request):
        """The port's own MLP on an MlpRequest (harness.nn): an MlpAnswer."""
        numbers = (request.steps + 1) * (len(request.parameters) + 1)
        return self._ask(lambda request_id: encode_mlp(request, request_id), "mlp request",
                         "mlp_result", REPLY_BYTES_PER_NUMBER * numbers,
                         lambda message: decode_mlp_answer(message, request))

    def _ask(self, encode, what, answer_kind, reply_bytes, decode):
        """Send encode(request id), read the reply: decode(message) of an
        answer_kind reply, Unsupported or EngineFailure otherwise."""
        if len(self._noise) >= NOISE_LIMIT:
            raise EngineFailure("protocol", f"not run: the port wrote on stdout what is not the "
                                f"protocol on {len(self._noise)} programs (a print? the "
                                "protocol owns stdout: print to stderr); the first time: "
                                f"{self._noise[0]}")
        if self._child is None:
            self.restart()
        request_id, self._next_id = self._next_id, self._next_id + 1
        where = f"{what} {request_id}"
        message = self._receive(encode(request_id), HELLO_MAX_BYTES + reply_bytes, where,
                                self.timeout)
        try:
            if message["kind"] not in (answer_kind, "unsupported", "error"):
                raise ProtocolError(f"field kind: {message['kind']!r} where a reply "
                                    f"({answer_kind}, unsupported or error) was due")
            if message["id"] != request_id:
                raise ProtocolError(f"field id: {message['id']} answers no request; "
                                    f"expected {request_id}")
            if message["kind"] == answer_kind:
                return decode(message)
        except ProtocolError as error:
            raise self._fail("protocol", f"reply to {where}: {error}") from None
        if message["kind"] == "unsupported":
            raise Unsupported(message["op"], message.get("message", ""))
        kind = "memory" if OUT_OF_MEMORY.search(message["message"]) else "error"
        raise EngineFailure(kind, message["message"])

    def restart(self):
        """Kill the process if any, start a new one and read its hello;
        raises EngineFailure (kept in last_start_failure) if it says none."""
        self._stop()
        self.last_start_failure = None
        try:
            self._child = ChildProcess(self.command, self.cwd, self.max_memory,
                                       on_stderr=self._printed.add)
        except OSError as error:
            self.last_start_failure = EngineFailure(
                "crash", f"cannot start {' '.join(self.command)} in {self.cwd}: {error}")
            raise self.last_start_failure from None
        try:
            message = self._receive(b"", HELLO_MAX_BYTES, "its hello", self.hello_timeout,
                                    self.hello_wall)
            if message["kind"] != "hello":
                raise self._fail("protocol", f"its hello: field kind: {message['kind']!r} "
                                             "where the hello was due")
        except EngineFailure as failure:
            self.last_start_failure = failure
            raise
        self.hello = message
        self.version = message["version"]
        if self.budget is None:
            self.budget = command_port_budget(message["language"], lua_runtime_of(message))

    def variants(self, program):
        from .lua import has_lua_integers
        if (self.hello and lua_runtime_of(self.hello) in INTEGER_RUNTIMES
                and has_lua_integers(program)):
            return (FLOATS, INTEGERS)
        return (FLOATS,)

    def printed(self):
        """What the port wrote on stderr since the last call (where the
        drivers send its prints)."""
        if self._child is not None:
            self._child.poll_stderr()
        return self._printed.take()

    def start_failure(self):
        """Start the port (if it is not running) and read its hello: the
        EngineFailure that stops it, or None."""
        if self._child is None and self.hello is None and self.last_start_failure is None:
            try:
                self.restart()
            except EngineFailure:
                pass
        return self.last_start_failure

    def close(self):
        self._stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the child -------------------------------------------------------------

    def _receive(self, request, limit, where, timeout, wall_limit=None):
        """Send request, return the next message (validated); any failure
        kills the child and raises EngineFailure."""
        try:
            line = self._child.exchange(request, timeout, limit, wall_limit)
        except OutOfTime:
            raise self._fail("stopped", f"{where}: the run's time budget ran out while the "
                                        "port worked; killed") from None
        except ChildTimedOut as late:
            if late.backstop:
                backstop = (f"{WALL_BACKSTOP} times the limit of {timeout:g} s"
                            if wall_limit is None else f"its limit of {wall_limit:g} s")
                why = (f"no answer to {where} after {late.wall:.1f} s of wall clock "
                       f"({backstop}) in which it used "
                       f"{late.cpu:.1f} s of CPU: waiting, not computing; killed")
            else:
                why = (f"no answer to {where} within {timeout:g} s of CPU time "
                       f"({late.wall:.1f} s of wall clock); killed")
            raise self._fail("timeout", why) from None
        except ChildExited as exited:
            code = self._child.wait_exit(EXIT_GRACE_SECONDS)
            # "and killed by SIGSEGV" read as if the port had killed something
            how = ("did not exit (killed)" if code is None else
                   f"was {describe_exit(code)}" if code < 0 else describe_exit(code))
            raise self._fail("crash", f"the port {exited} during {where} and {how}") from None
        except ChildMisbehaved as error:
            raise self._fail("protocol", f"{where}: {error}", error.noise) from None
        try:
            return decode_message(line)
        except ProtocolError as error:   # a line that is no JSON object: noise
            raise self._fail("protocol", f"{where}: {error}",
                             not line.lstrip().startswith(b"{")) from None

    def _fail(self, kind, message, noise=False):
        """Kill the child; the EngineFailure to raise, with its stderr's last
        lines.  noise: the port wrote on stdout what nobody asked for."""
        if noise:
            self._noise.append(message)
        child, self._child = self._child, None
        child.kill()
        tail = child.stderr_tail()
        if kind == "crash" and OUT_OF_MEMORY.search(tail):
            kind = "memory"
            message += f" (memory cap {self.max_memory} MiB)"
        if tail:
            message += f"; stderr: {tail}"
        return EngineFailure(kind, message)

    def _stop(self):
        if self._child is not None:
            self._child.kill()
            self._child = None

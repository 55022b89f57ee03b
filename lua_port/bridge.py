"""The Python bridge to Lua, through lupa: sandboxed runtimes.

    from lua_port import LuaEngine, available_runtimes
    engine = LuaEngine("lua54")
    engine.evaluate(program.to_plain())   # {node id: (data, grad)}, program order
    engine.evaluate(flatten(program.to_plain()))   # the same, flattened once for many engines
    engine.run_file("some/script.lua", [1.0, 2.0], {"lr": 0.1})
    engine.execute("local x = ... return mg.Value(x):tanh().data", 0.5)

A LuaSandbox is one lupa runtime with lua_port/sandbox.lua loaded over a set
of Lua modules that Python read (read_modules): code run in it sees only the
safe part of the standard library, `clock` (os.clock, for benchmarks) and a
`require` that resolves only those modules (no os, io, package, load*,
dofile, debug, coroutine, python).  Lua cannot touch Python attributes, and
runaway work ends with a LuaBudgetError (an instruction budget per call) or
a LuaMemoryLimitError (a memory cap) instead of a hang.

LuaEngine is the sandbox with lua_port's own micrograd loaded as the global
`mg`.  A user's port is loaded the same way, in its own worker process
(harness/check/lua_worker.py).

Limits per runtime: lupa's memory cap does not work on 64-bit LuaJIT, so
there the cap is a soft one, checked by the instruction hook every 10,000
instructions (one huge allocation between two checks can overshoot it).
LuaJIT only runs hooks in interpreted code, so LuaEngine turns the JIT
compiler off unless asked for jit=True (then a compiled loop escapes the
budget).  A runtime with the JIT on and no instruction hook (jit="early":
a worker process, stopped by its owner's time limit) compiles as early as
LuaJIT allows, so that even a small program runs compiled code.  coroutine
is left out because PUC Lua's debug hook does not follow new coroutines.
"""
from pathlib import Path

from .runtimes import RUNTIMES, lupa_module
from .wire import flatten

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
SANDBOX_FILE = PACKAGE_DIR / "sandbox.lua"

DEFAULT_MAX_MEMORY = 2 * 2**30         # bytes: a 1,000,000-node chain needs about 1 GiB
DEFAULT_INSTRUCTION_BUDGET = 5 * 10**9  # VM instructions per call: tens of seconds
# jit="early": a loop is compiled at its first iteration and a side trace at
# a guard's first exit (LuaJIT's defaults wait for 56 and 10), so the
# compiled code, not the interpreter, runs a fixture of a few nodes too.
JIT_EARLY = ("hotloop=1", "hotexit=1")

# What read_modules takes from a folder: a port is a handful of small files,
# and everything read is held in memory by every runtime.
MAX_MODULE_FILES = 200
MAX_MODULE_BYTES = 2 * 2**20


class LuaError(RuntimeError):
    """Lua code run through a LuaEngine raised an error (or did not compile)."""


class LuaBudgetError(LuaError):
    """The call ran more VM instructions than the engine's instruction_budget."""


class LuaMemoryLimitError(LuaError, MemoryError):
    """The call needed more memory than the engine's max_memory."""


def module_name(relative):
    """The name require() finds a file by with ?.lua;?/init.lua on the path:
    engine.lua -> engine, micrograd/nn.lua -> micrograd.nn,
    micrograd/init.lua -> micrograd."""
    parts = list(Path(relative).with_suffix("").parts)
    if len(parts) > 1 and parts[-1] == "init":
        parts.pop()
    return ".".join(parts)


def read_modules(root, pattern="**/*.lua", *, shown=None):
    """{module name: {"path": path as messages show it, "source": text}} for
    the files under root that match pattern (hidden folders left out).
    shown: the folder as messages name it (default: root relative to the
    repo, else as given).  More than MAX_MODULE_FILES files, more than
    MAX_MODULE_BYTES in all, or a file that is not UTF-8 raises ValueError."""
    root = Path(root)
    if shown is None:
        try:
            shown = str(root.resolve().relative_to(REPO_DIR))
        except ValueError:
            shown = str(root)
    modules, total = {}, 0
    for path in sorted(root.glob(pattern)):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        if len(modules) == MAX_MODULE_FILES:
            raise ValueError(f"{shown}: more than {MAX_MODULE_FILES} .lua files")
        total += path.stat().st_size
        if total > MAX_MODULE_BYTES:
            raise ValueError(f"{shown}: its .lua files hold more than {MAX_MODULE_BYTES:,} bytes")
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{shown}/{relative.as_posix()}: not UTF-8 text") from None
        name = module_name(relative)
        # a/init.lua and a.lua both say "a": Lua's path tries a.lua first
        if name not in modules or path.name != "init.lua":
            modules[name] = {"path": f"{shown}/{relative.as_posix()}", "source": source}
    return modules


# lua_port's own modules, as require() finds them with
# lua_port/?.lua;lua_port/?/init.lua on package.path: every micrograd/*.lua,
# and the interpreter.
MODULE_FILES = {module_name(path): path for path in sorted(
    p.relative_to(PACKAGE_DIR).as_posix() for p in (PACKAGE_DIR / "micrograd").glob("*.lua"))}
MODULE_FILES["interpret"] = "interpret.lua"


def _refuse_attribute(obj, name, is_setting):
    raise AttributeError(f"Lua code may not access Python attributes (tried {name!r})")


class LuaSandbox:
    """One sandboxed lupa runtime over a set of modules (see read_modules).

    max_memory: bytes (lupa's allocator cap; on LuaJIT the hook's soft cap,
    which needs an instruction budget), or None for no cap.
    instruction_budget: VM instructions per call, or None for no hook at all
    (the owner of the runtime stops runaway work some other way).
    jit: leave LuaJIT's compiler on (True, with LuaJIT's default settings, or
    "early": JIT_EARLY).  shared_globals: the modules and api.env
    share one global table, as a stand-alone program's modules share _G.
    capture_print: print() keeps its lines for take_printed() instead of
    writing them.
    """

    def __init__(self, runtime, modules, *, max_memory=DEFAULT_MAX_MEMORY,
                 instruction_budget=DEFAULT_INSTRUCTION_BUDGET, jit=False, shared_globals=False,
                 capture_print=False):
        self.runtime = runtime
        self._lupa = lupa_module(runtime)
        self.is_luajit = runtime.startswith("luajit")
        self.max_memory = max_memory
        self.instruction_budget = None if instruction_budget is None else int(instruction_budget)
        # lupa's allocator cap is refused by 64-bit LuaJIT; the hook checks there.
        self.hard_memory_cap = not self.is_luajit
        self._lua = self._lupa.LuaRuntime(
            register_eval=False,
            register_builtins=False,
            attribute_filter=_refuse_attribute,
            unpack_returned_tuples=False,
            **({"max_memory": max_memory} if self.hard_memory_cap and max_memory else {}),
        )
        # Kept before the sandbox exists; called from Python, it runs no Lua
        # instruction, so the budget's hook cannot interfere with its own removal.
        self._sethook = self._lua.globals().debug.sethook
        self._collect = self._lua.eval("function() collectgarbage('collect') end")
        self._collectgarbage = self._lua.globals().collectgarbage   # a C function, like sethook
        self.version = self._lua.eval("_VERSION")
        if self.is_luajit:
            self.version = self._lua.eval("jit.version")
            if not jit:
                self._lua.execute("jit.off()")
            elif jit == "early":
                self._lua.globals().jit.opt.start(*JIT_EARLY)
        options = self._lua.table_from({"shared_globals": shared_globals,
                                        "capture_print": capture_print})
        self._api = self._lua.execute(SANDBOX_FILE.read_text(),
                                      self._lua.table_from(modules, recursive=True), options)
        self._slice = self._api.slice
        self._neg_zero = self._api.NEG_ZERO_MARK

    def jit_status(self):
        """LuaJIT's jit.status() (is the compiler on?), None on PUC Lua."""
        # (parenthesised: jit.status() also returns the CPU's flags)
        return bool(self._lua.eval("(jit.status())")) if self.is_luajit else None

    def jit_traces(self):
        """How many traces LuaJIT has compiled and keeps, None on PUC Lua."""
        if not self.is_luajit:
            return None
        return int(self._lua.eval(
            "(function() local info, n = require('jit.util').traceinfo, 0 "
            "while info(n + 1) do n = n + 1 end return n end)()"))

    def outside(self, source, *args):
        """Run trusted Lua source with the runtime's own globals, outside the
        sandbox (jit.attach, jit.util: diagnostics of our own code only);
        its result as lupa gives it."""
        return self._lua.execute(source, *args)

    # -- running code under the limits -----------------------------------------

    def _guarded(self, function, *args):
        """Call a Lua function under the instruction budget and memory cap."""
        state = self._api.state
        hooked = self.instruction_budget is not None
        if hooked:
            state.budget = self.instruction_budget
            state.used = 0
            state.exceeded = state.memory_exceeded = False
            state.memory_kb = (self.max_memory / 1024
                               if (self.max_memory and not self.hard_memory_cap) else False)
            # api.evaluate pauses the collector; past this much memory the hook resumes it
            state.gc_restart_kb = min(self.max_memory or 2**31, 2**31) / 4 / 1024
            self._sethook(self._api.hook, "", self._api.HOOK_EVERY)
        result = error = None
        try:
            result = function(*args)
        except self._lupa.LuaMemoryError:
            # Lift the cap and collect the garbage before any other call into
            # Lua: lupa's own unprotected calls would otherwise hit the cap
            # again and Lua would abort the process.
            capped = self.hard_memory_cap and self.max_memory
            if capped:
                self._lua.set_max_memory(0)
            self._collect()
            if capped:
                self._lua.set_max_memory(self.max_memory)
            error = LuaMemoryLimitError(
                f"{self.runtime}: memory limit of {self.max_memory} bytes exceeded")
        except self._lupa.LuaError as exc:
            # the first line names the file, the line and the reason; the
            # traceback lupa appends is kept on the exception
            message, _, traceback = str(exc).partition("\n")
            error = LuaError(f"{self.runtime}: {message}")
            error.lua_traceback = traceback
        finally:
            if hooked:
                self._sethook()
            if state.gc_stopped:  # api.evaluate ended by an error: the collector resumes
                self._collectgarbage("restart")
                state.gc_stopped = False
        if hooked and state.exceeded:
            raise LuaBudgetError(
                f"{self.runtime}: instruction budget of {self.instruction_budget} exceeded")
        if hooked and state.memory_exceeded:
            raise LuaMemoryLimitError(
                f"{self.runtime}: soft memory limit of {self.max_memory} bytes exceeded")
        if error is not None:
            raise error
        return result

    def take_printed(self):
        """(the lines print() kept since the last call, how many more it left
        out): capture_print's; ([], 0) without it."""
        lines, more = self._api.take_printed()
        return [line.decode("utf-8", "replace") if isinstance(line, bytes) else str(line)
                for line in lines.values()], int(more)

    def compile(self, source, chunkname, env=None):
        """A Lua function from source text (never bytecode), its globals env
        (default: a fresh safe environment plus api.globals); LuaError if it
        does not compile."""
        function, message = self._api.compile(source, chunkname, env)
        if function is None:
            raise LuaError(f"{self.runtime}: {message}")
        return function

    @property
    def env(self):
        """The global table a port's modules share (shared_globals), else None."""
        return self._api.env

    def table(self, mapping):
        """A Lua table of a dict's items (values as they are, not converted)."""
        return self._lua.table_from(mapping)

    def require(self, name):
        """A module of the sandbox (loaded once, by its private require)."""
        return self._guarded(self._api.require, name)

    def run(self, function, *args):
        """Call a Lua function under the limits; its results as lupa gives
        them (a Lua function, a table: left as Lua objects)."""
        return self._guarded(function, *args)

    def call(self, function, *args):
        """Call a Lua function under the limits; plain Python in and out
        (lists and dicts to tables, tables back to lists or dicts, numbers
        to float): None, one value, or a tuple."""
        lua_args = [self._to_lua(a) for a in args]
        results = self._guarded(self._api.call, function, *lua_args)
        if isinstance(results, tuple):
            return tuple(self._to_python(r) for r in results)
        return self._to_python(results)

    def run_flat(self, interpreter, flat, n):
        """Run a flattened program (lua_port/wire.py) with a Lua interpreter
        function under the limits.  Returns (data, grads), two lists of n
        floats in program order, or (None, what the interpreter said went
        wrong) when it reports a failure instead of raising."""
        table = self._lua.table_from
        program = table({key: table(value) if isinstance(value, list) else value
                         for key, value in flat.items()})
        pause = self.instruction_budget is not None  # only the hook restarts a paused collector
        data, grads, data_neg_zeros, grad_neg_zeros = self._guarded(
            self._api.evaluate, interpreter, program, pause)
        if data is None:
            return None, (grads, data_neg_zeros, grad_neg_zeros)
        return self._floats(data, n, data_neg_zeros), self._floats(grads, n, grad_neg_zeros)

    def _floats(self, values, n, negative_zeros):
        """A Lua array of n numbers as a list of floats, a slice per call
        (lupa makes integral numbers ints on 5.1/5.2/LuaJIT, so -0.0 crosses
        as 0 with its 1-based index listed in negative_zeros)."""
        out = []
        step = self._api.SLICE
        for i in range(1, n + 1, step):
            out.extend(self._slice(values, i, min(i + step - 1, n))[1:])
        out = [float(x) for x in out]
        for i in negative_zeros.values():
            out[int(i) - 1] = -0.0
        return out

    # -- conversions --------------------------------------------------------------

    def _to_lua(self, value):
        if isinstance(value, (list, tuple, dict)):
            return self._lua.table_from(value, recursive=True)
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise TypeError(f"cannot pass a {type(value).__name__} to Lua: "
                        "only None, bool, numbers, str, lists and dicts")

    def _to_python(self, value, _depth=0):
        if _depth > 100:
            raise LuaError(f"{self.runtime}: result nested deeper than 100 tables (a cycle?)")
        if value == self._neg_zero:
            return -0.0
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float)):
            return float(value)
        if self._lupa.lua_type(value) == "table":
            items = [(k, self._to_python(v, _depth + 1)) for k, v in value.items()]
            keys = [k for k, _ in items]
            if all(isinstance(k, (int, float)) for k in keys) and \
                    sorted(keys) == list(range(1, len(keys) + 1)):
                return [v for _, v in sorted(items, key=lambda kv: kv[0])]
            return {(float(k) if isinstance(k, (int, float)) and not isinstance(k, bool) else k): v
                    for k, v in items}
        return value  # a function or userdata: left as lupa's object


class LuaEngine(LuaSandbox):
    """One sandboxed Lua runtime with lua_port's micrograd loaded as `mg`."""

    def __init__(self, runtime="lua54", *, max_memory=DEFAULT_MAX_MEMORY,
                 instruction_budget=DEFAULT_INSTRUCTION_BUDGET, jit=False):
        sources = {name: {"path": f"lua_port/{path}", "source": (PACKAGE_DIR / path).read_text()}
                   for name, path in MODULE_FILES.items()}
        super().__init__(runtime, sources, max_memory=max_memory,
                         instruction_budget=instruction_budget, jit=jit)
        self._api.globals.mg = self.require("micrograd")
        self._interpret = self.require("interpret")

    def evaluate(self, program_plain):
        """Run a Program (its to_plain() form, or that form's flatten()) forward
        and backward in Lua.

        One guarded call into Lua for the whole program, which crosses as a
        few flat arrays (lua_port/wire.py); returns {node id: (data, grad)}
        in program order, floats exact to the bit.
        """
        ids, flat = program_plain if isinstance(program_plain, tuple) else flatten(program_plain)
        data, grads = self.run_flat(self._interpret, flat, len(ids))
        return dict(zip(ids, zip(data, grads)))

    def run_file(self, path, *args):
        """Run a trusted Lua file as a sandboxed chunk with `mg` in its globals.

        args are converted to Lua (lists and dicts to tables, floats kept
        floats); the chunk's results come back as plain Python (tables to
        lists or dicts, numbers to float): None, one value, or a tuple.
        """
        path = Path(path)
        try:
            source = path.read_text()
        except OSError as exc:
            raise LuaError(f"{path}: cannot read the Lua file ({exc.strerror})") from None
        try:
            name = path.resolve().relative_to(REPO_DIR)
        except ValueError:
            name = path
        return self.call(self.compile(source, f"@{name}"), *args)

    def execute(self, source, *args, name="=(execute)"):
        """Run a string of Lua code in the sandbox, like run_file."""
        return self.call(self.compile(source, name), *args)


__all__ = ["RUNTIMES", "LuaSandbox", "LuaEngine", "LuaError", "LuaBudgetError",
           "LuaMemoryLimitError", "read_modules", "module_name", "MODULE_FILES"]

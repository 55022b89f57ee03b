"""The Python bridge to the Lua port, through lupa.

    from lua_port import LuaEngine, available_runtimes
    engine = LuaEngine("lua54")
    engine.evaluate(program.to_plain())   # {node id: (data, grad)}, program order
    engine.evaluate(flatten(program.to_plain()))   # the same, flattened once for many engines
    engine.run_file("some/script.lua", [1.0, 2.0], {"lr": 0.1})
    engine.execute("local x = ... return mg.Value(x):tanh().data", 0.5)

Every LuaEngine is its own lupa runtime, sandboxed: the micrograd modules are
read here and loaded into Lua by lua_port/sandbox.lua, and code run through
the engine sees only the safe part of the standard library, `clock` (os.clock,
for benchmarks) and `mg` (no os, io, package, require, load*, dofile, debug,
coroutine, python).  Lua cannot touch Python attributes, and runaway work ends
with a LuaBudgetError (an instruction budget per call) or a
LuaMemoryLimitError (a memory cap) instead of a hang.

Limits per runtime: lupa's memory cap does not work on 64-bit LuaJIT, so
there the cap is a soft one, checked by the instruction hook every 10,000
instructions (one huge allocation between two checks can overshoot it).
LuaJIT only runs hooks in interpreted code, so the engine turns the JIT
compiler off unless asked for jit=True (then a compiled loop escapes the
budget).  coroutine is left out because PUC Lua's debug hook does not
follow new coroutines.
"""
import importlib
from pathlib import Path

RUNTIMES = ("lua51", "lua52", "lua53", "lua54", "lua55", "luajit20", "luajit21")

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
# module name -> file, as require() would find them with
# lua_port/?.lua;lua_port/?/init.lua on package.path
MODULE_FILES = {
    "micrograd": "micrograd/init.lua",
    "micrograd.engine": "micrograd/engine.lua",
    "micrograd.nn": "micrograd/nn.lua",
    "micrograd.rng": "micrograd/rng.lua",
    "micrograd.ieee": "micrograd/ieee.lua",
    "interpret": "interpret.lua",
}
SANDBOX_FILE = PACKAGE_DIR / "sandbox.lua"

DEFAULT_MAX_MEMORY = 2 * 2**30         # bytes: a 1,000,000-node chain needs about 1 GiB
DEFAULT_INSTRUCTION_BUDGET = 5 * 10**9  # VM instructions per call: tens of seconds


class LuaError(RuntimeError):
    """Lua code run through a LuaEngine raised an error (or did not compile)."""


class LuaBudgetError(LuaError):
    """The call ran more VM instructions than the engine's instruction_budget."""


class LuaMemoryLimitError(LuaError, MemoryError):
    """The call needed more memory than the engine's max_memory."""


def _lupa_module(runtime):
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown Lua runtime {runtime!r}; expected one of {', '.join(RUNTIMES)}")
    return importlib.import_module(f"lupa.{runtime}")


def available_runtimes():
    """The runtimes of RUNTIMES that lupa can import here, in that order."""
    found = []
    for runtime in RUNTIMES:
        try:
            _lupa_module(runtime)
        except ImportError:
            continue
        found.append(runtime)
    return tuple(found)


def flatten(plain):
    """A Program's to_plain() form as LuaEngine.evaluate sends it: (the node
    ids in program order, the flat arrays interpret.lua reads).  Pass the
    result to evaluate() of several engines to flatten a big program once.
    A node argument crosses as its place in program order (numbers cross far
    faster than strings); a step naming a node not made before it, or an
    argument of another kind, raises ValueError."""
    ids = [node_id for node_id, _ in plain["inputs"]]
    flat = {"input_ids": list(ids),
            "input_values": [float(value) for _, value in plain["inputs"]],
            "step_ids": [], "step_ops": [], "step_nargs": [], "arg_refs": [], "arg_nums": [],
            "output": plain["output"]}
    step_ids, ops, nargs, refs, nums = (flat[k] for k in (
        "step_ids", "step_ops", "step_nargs", "arg_refs", "arg_nums"))
    place = {node_id: i for i, node_id in enumerate(ids, 1)}
    for out, op, step_args in plain["steps"]:
        for kind, value in step_args:
            if kind == "node" and isinstance(value, str):
                if value not in place:
                    raise ValueError(f"step {out}: unknown node {value}")
                refs.append(place[value])
                nums.append(0.0)
            elif kind == "num" and isinstance(value, (int, float)) and not isinstance(value, bool):
                refs.append(0)
                nums.append(float(value))
            else:
                raise ValueError(f"step {out}: bad argument {kind!r} {value!r}")
        step_ids.append(out)
        ops.append(op)
        nargs.append(len(step_args))
        place[out] = len(place) + 1
    ids.extend(step_ids)
    return ids, flat


def _refuse_attribute(obj, name, is_setting):
    raise AttributeError(f"Lua code may not access Python attributes (tried {name!r})")


class LuaEngine:
    """One sandboxed Lua runtime with the micrograd port loaded."""

    def __init__(self, runtime="lua54", *, max_memory=DEFAULT_MAX_MEMORY,
                 instruction_budget=DEFAULT_INSTRUCTION_BUDGET, jit=False):
        self.runtime = runtime
        self._lupa = _lupa_module(runtime)
        self.is_luajit = runtime.startswith("luajit")
        self.max_memory = max_memory
        self.instruction_budget = int(instruction_budget)
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
        sources = {
            name: {"path": f"lua_port/{path}", "source": (PACKAGE_DIR / path).read_text()}
            for name, path in MODULE_FILES.items()
        }
        setup = self._lua.execute(SANDBOX_FILE.read_text(),
                                  self._lua.table_from(sources, recursive=True))
        self._api = setup
        self._evaluate = setup.evaluate
        self._slice = setup.slice
        self._neg_zero = setup.NEG_ZERO_MARK

    # -- running code under the limits -----------------------------------------

    def _guarded(self, function, *args):
        """Call a Lua function under the instruction budget and memory cap."""
        state = self._api.state
        state.budget = self.instruction_budget
        state.used = 0
        state.exceeded = state.memory_exceeded = False
        state.memory_kb = self.max_memory / 1024 if (self.max_memory and not self.hard_memory_cap) else False
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
            self._sethook()
            if state.gc_stopped:  # api.evaluate ended by an error: the collector resumes
                self._collectgarbage("restart")
                state.gc_stopped = False
        over_budget, over_memory = state.exceeded, state.memory_exceeded
        if over_budget:
            raise LuaBudgetError(
                f"{self.runtime}: instruction budget of {self.instruction_budget} exceeded")
        if over_memory:
            raise LuaMemoryLimitError(
                f"{self.runtime}: soft memory limit of {self.max_memory} bytes exceeded")
        if error is not None:
            raise error
        return result

    def _compile(self, source, chunkname):
        function, message = self._api.compile(source, chunkname)
        if function is None:
            raise LuaError(f"{self.runtime}: {message}")
        return function

    def _call(self, function, args):
        lua_args = [self._to_lua(a) for a in args]
        results = self._guarded(self._api.call, function, *lua_args)
        if isinstance(results, tuple):
            return tuple(self._to_python(r) for r in results)
        return self._to_python(results)

    # -- the public API ---------------------------------------------------------

    def evaluate(self, program_plain):
        """Run a Program (its to_plain() form, or that form's flatten()) forward
        and backward in Lua.

        One guarded call into Lua for the whole program, which crosses as a
        few flat arrays (see lua_port/interpret.lua); returns
        {node id: (data, grad)} in program order, floats exact to the bit.
        """
        ids, flat = program_plain if isinstance(program_plain, tuple) else flatten(program_plain)
        table = self._lua.table_from
        program = table({key: table(value) if isinstance(value, list) else value
                         for key, value in flat.items()})
        data, grads, data_neg_zeros, grad_neg_zeros = self._guarded(self._evaluate, program)
        data = self._floats(data, len(ids), data_neg_zeros)
        grads = self._floats(grads, len(ids), grad_neg_zeros)
        return dict(zip(ids, zip(data, grads)))

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
        return self._call(self._compile(source, f"@{name}"), args)

    def execute(self, source, *args, name="=(execute)"):
        """Run a string of Lua code in the sandbox, like run_file."""
        return self._call(self._compile(source, name), args)

    def mlp_weights(self, nin, nouts, seed=0, **opts):
        """The parameter values of the Lua MLP(nin, nouts, seed=seed, **opts)."""
        return self.execute(
            "local nin, nouts, opts = ...\n"
            "return mg.MLP(nin, nouts, opts):parameter_values()",
            nin, list(nouts), dict(opts, seed=seed), name="=(mlp_weights)")

    def mlp_output(self, nin, nouts, x, seed=0, **opts):
        """The Lua MLP's output data on input x (a float, or a list of floats)."""
        return self.execute(
            "local nin, nouts, x, opts = ...\n"
            "local out = mg.MLP(nin, nouts, opts)(x)\n"
            "if mg.Value.is_value(out) then return out.data end\n"
            "local data = {}\n"
            "for i = 1, #out do data[i] = out[i].data end\n"
            "return data",
            nin, list(nouts), [float(v) for v in x], dict(opts, seed=seed),
            name="=(mlp_output)")

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

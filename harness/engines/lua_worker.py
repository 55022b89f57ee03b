"""The worker process that hosts one Lua port on one lupa runtime.

    python -m micrograd_lab.harness.check.lua_worker READ_FD WRITE_FD

lua_adapter.py starts one per runtime and talks to it over two pipes with
multiprocessing's Connection (pickled messages).  The first message is the
port: {"runtime", "modules" (lua_port.read_modules), "chunks" ({key: (chunk
name, Lua source)}, harness/engines/lua_chunks.py), "max_memory" (bytes)}.
The worker says "started" once its runtime exists, then runs the port's
setup and answers with a hello, {"version", "jit", "error", "op_errors"}
(the parent times the setup like a program), then serves requests until
its parent closes the pipe:

    ("evaluate", n, flat)  -> ("ok", data, grads)
                            | ("failed", where, index, message)  the port raised
                            | ("memory", message) | ("error", message)
    ("mlp", request)       -> ("ok", losses, gradients)   the nn half (interpret_nn.lua)
                            | ("failed", where, 0, message) | ("memory", ...) | ("error", ...)
    ("status",)            -> {"jit": jit.status(), "traces": how many} (None on PUC Lua)
    ("printed",)           -> ([lines the port printed since last asked], how many more)

The port runs in lua_port's sandbox with one global table for its modules,
setup and expressions, LuaJIT's compiler on and compiling as early as it can
(lua_port.bridge.JIT_EARLY: the compiled code is what gets judged, even on
a fixture of a few nodes), and no instruction hook: the
parent ends runaway work by its time limit, killing this process.  Memory
is capped twice: lupa's allocator cap where it works (PUC Lua), and the
address-space rlimit of this process (the only one LuaJIT honours).
"""
import os
import resource
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from micrograd_lab.lua_port.bridge import PACKAGE_DIR, LuaError, LuaMemoryLimitError, LuaSandbox

INTERPRETER = PACKAGE_DIR / "interpret_port.lua"
NN_INTERPRETER = PACKAGE_DIR / "interpret_nn.lua"
# Headroom above max_memory for Python's own work (the answer's lists), so
# that on PUC Lua lupa's cap, and its clean error, comes first.
RLIMIT_SLACK = 64 * 2**20


def _address_space():
    """Bytes of address space this process holds now (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _cap_address_space(max_memory):
    used = _address_space()
    if used is None or not hasattr(resource, "RLIMIT_AS"):
        return
    limit = used + max_memory + RLIMIT_SLACK
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class Port:
    """The port loaded on one runtime: setup run, expressions compiled."""

    def __init__(self, config, started, mark):
        """mark(phase): interpret_port.lua's phases of a program, to the parent."""
        self.sandbox = LuaSandbox(config["runtime"], config["modules"],
                                  max_memory=config["max_memory"], instruction_budget=None,
                                  jit="early", shared_globals=True, capture_print=True)
        _cap_address_space(config["max_memory"])
        started()
        self.error, self.op_errors, self.interpreter, self.nn_interpreter = None, {}, None, None
        chunks = dict(config["chunks"])
        sandbox, env = self.sandbox, self.sandbox.env
        try:
            chunkname, source = chunks.pop("setup")
            sandbox.run(sandbox.compile(source, chunkname, env))
            functions, ops, nn = {}, {}, {}
            for key, (chunkname, source) in chunks.items():
                try:
                    function = sandbox.run(sandbox.compile(source, chunkname, env))
                except LuaError as exc:
                    if not key.startswith(("op:", "nn:")):
                        raise
                    self.op_errors[key] = str(exc)
                    continue
                group, _, name = key.rpartition(":")
                {"op": ops, "nn": nn, "": functions}[group][name] = function
        except LuaMemoryLimitError as exc:
            self.error = ("memory", str(exc))
            return
        except LuaError as exc:
            self.error = ("error", str(exc))
            return
        port = {**functions, "ops": sandbox.table(ops), "nn": sandbox.table(nn), "mark": mark}
        for attribute, path in (("interpreter", INTERPRETER), ("nn_interpreter", NN_INTERPRETER)):
            make = sandbox.run(sandbox.compile(path.read_text(), f"@lua_port/{path.name}"))
            setattr(self, attribute, sandbox.run(make, sandbox.table(port)))

    def hello(self):
        return {"version": self.sandbox.version, "jit": self.sandbox.jit_status(),
                "error": self.error, "op_errors": self.op_errors}

    def mlp(self, request):
        """The nn half's request (a plain dict: harness.nn.request.MlpRequest.to_plain)."""
        try:
            result = self.sandbox.call(self.nn_interpreter, request)
        except LuaMemoryLimitError as exc:
            return ("memory", str(exc))
        except LuaError as exc:
            return ("error", str(exc))
        if result[0] is None:
            return ("failed", result[1], 0, result[2])
        return ("ok", result[0], result[1])

    def evaluate(self, n, flat):
        try:
            data, grads = self.sandbox.run_flat(self.interpreter, flat, n)
        except LuaMemoryLimitError as exc:
            return ("memory", str(exc))
        except LuaError as exc:
            return ("error", str(exc))
        if data is None:
            where, index, message = grads
            return ("failed", where, int(index), message)
        return ("ok", data, grads)


def _end_with_the_parent():
    """A port stuck in a loop never reads the closed pipe: if the parent dies
    without stopping this worker, leave anyway (lupa lets this thread run
    while Lua does)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


# a message before the reply: the phase of the program that now runs
PHASE = "phase"


def serve(read_fd, write_fd):
    _end_with_the_parent()
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    port = Port(inbox.recv(), lambda: outbox.send("started"),
                lambda phase: outbox.send((PHASE, phase)))
    outbox.send(port.hello())
    while True:
        try:
            request = inbox.recv()
        except EOFError:  # the parent closed the pipe: done
            return
        try:
            if request[0] == "evaluate":
                reply = port.evaluate(*request[1:])
            elif request[0] == "mlp":
                reply = port.mlp(request[1])
            elif request[0] == "printed":
                reply = port.sandbox.take_printed()
            elif request[0] == "status":
                reply = {"jit": port.sandbox.jit_status(), "traces": port.sandbox.jit_traces()}
            else:
                reply = ("error", f"unknown request {request[0]!r}")
        except MemoryError:
            reply = ("memory", f"{port.sandbox.runtime}: the worker ran out of memory")
        except Exception as exc:  # a fault of this worker: the parent reports it, the run goes on
            reply = ("error", f"{port.sandbox.runtime}: the worker failed: {exc!r}")
        outbox.send(reply)


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
    os._exit(0)  # skip lupa's teardown of a runtime that may be near its memory cap

"""Benchmark 2: build plus backward of deep and of wide graphs, 1,000 to
1,000,000 nodes, in every engine.

Two shapes, written with ops every engine has (micrograd 0.1.0 has no tanh):
  chain: y = x, then y = y + 1.0 k times: 2k + 1 nodes (each constant is a
         node in micrograd, python_ref and Lua), depth k.  d y / d x = 1.
  wide:  x feeds m nodes relu(x), which a balanced tree of + sums to one:
         2m nodes, depth log2(m).  d y / d x = m (x = 0.5, relu passes).
The size is the node count of the micrograd graph (torch makes no node for a
constant, so its count is a little lower; the axis stays the same).

Memory is what the graph holds once built, per node: tracemalloc for the
Python engines (in a run of its own: tracing slows everything down), the
growth of the resident set for torch (its tensors live outside Python's
allocator; approximate, since freed memory is reused), collectgarbage("count")
for Lua.  Lua is timed inside Lua with the sandbox's clock() (os.clock); the
stand-alone rows run the same script under the system's interpreters
(standalone.py).  "python_ref (gc off)" and "lua54 (gc stopped)", "luajit21
(gc stopped)" are the same runs with the collector off while timed: the gap
to their plain rows, and to a slope of 1.0, is the collector's.
"""
import gc
import resource
import tracemalloc
from dataclasses import asdict, dataclass
from pathlib import Path

from micrograd_lab.harness.lua_engines import lua_engine, runtimes as lua_runtimes

from . import isolated, standalone
from .timing import time_once

SHAPES = ("chain", "wide")
# Rows of these runtimes again with their collector stopped while timed: one
# PUC Lua and one LuaJIT show what the collector adds to the slope.
GC_STOPPED = " (gc stopped)"
GC_STOPPED_RUNTIMES = ("lua54", "luajit21")
LUA_SCRIPT = Path(__file__).parent / "lua" / "graphs.lua"
X = 0.5


def ops_for(size):
    """k (chain) or m (wide) for a graph of about `size` nodes."""
    return max(1, size // 2)


def node_count(shape, size):
    k = ops_for(size)
    return 2 * k + 1 if shape == "chain" else 2 * k


def expected_grad(shape, size):
    return 1.0 if shape == "chain" else float(ops_for(size))


def build(shape, size, leaf, relu):
    """The graph's output node, from a leaf and the engine's relu."""
    k = ops_for(size)
    if shape == "chain":
        y = leaf
        for _ in range(k):
            y = y + 1.0
        return y
    level = [relu(leaf) for _ in range(k)]
    while len(level) > 1:
        pairs = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        level = pairs + level[-1:] if len(level) % 2 else pairs
    return level[0]


@dataclass
class Row:
    engine: str
    shape: str
    size: int                     # nodes
    build_s: float = None
    backward_s: float = None
    bytes_per_node: float = None
    grad_ok: bool = None
    error: str = ""

    @property
    def seconds(self):
        if self.build_s is None or self.backward_s is None:
            return None
        return self.build_s + self.backward_s

    @property
    def ns_per_node(self):
        return None if self.seconds is None else 1e9 * self.seconds / self.size


# -- Python engines: leaf(x) -> node, relu(node) -> node, grad(node) -> float --

def _micrograd():
    from micrograd.engine import Value
    return Value, lambda v: v.relu(), lambda v: float(v.grad)


def _python_ref():
    from micrograd_lab.python_ref import Value
    return Value, lambda v: v.relu(), lambda v: v.grad


def _torch():
    import torch
    torch.set_num_threads(1)  # scalars: threads only add overhead
    leaf = lambda x: torch.tensor(x, dtype=torch.float64, requires_grad=True)  # noqa: E731
    return leaf, torch.relu, lambda v: float(v.grad)


PYTHON_ENGINES = {
    "micrograd 0.1.0": (_micrograd, True),
    "python_ref": (_python_ref, True),
    "python_ref (gc off)": (_python_ref, False),
    "torch scalar graph": (_torch, True),
}


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def _build_and_backward(shape, size, parts, gc_on):
    leaf_of, relu, grad_of = parts
    was_enabled = gc.isenabled()
    if not gc_on:
        gc.disable()
    try:
        x = leaf_of(X)
        seconds, y = time_once(lambda: build(shape, size, x, relu))
        backward_s, _ = time_once(y.backward)
        return seconds, backward_s, grad_of(x)
    finally:
        if was_enabled:
            gc.enable()


def _graph_bytes(engine, shape, size, parts):
    """Bytes the built graph holds (before backward, which frees torch's)."""
    leaf_of, relu, _ = parts
    gc.collect()
    if engine.startswith("torch"):
        before = _rss_bytes()
        y = build(shape, size, leaf_of(X), relu)
        return _rss_bytes() - before
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        y = build(shape, size, leaf_of(X), relu)
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        del y
        tracemalloc.stop()


def time_python_engine(engine, shape, size, repeat, memory=True):
    make_parts, gc_on = PYTHON_ENGINES[engine]
    row = Row(engine, shape, node_count(shape, size))
    try:
        parts = make_parts()
    except ImportError as exc:
        row.error = f"not installed ({exc.name}): `make bench` installs it"
        return row
    if memory:  # first: the resident-set growth means little once freed memory is reused
        row.bytes_per_node = _graph_bytes(engine, shape, size, parts) / row.size
    runs = []
    try:
        for _ in range(repeat):
            runs.append(_build_and_backward(shape, size, parts, gc_on))
    except RecursionError:
        row.error = "RecursionError (recursive topological sort)"
        return row
    runs.sort(key=lambda r: r[0] + r[1])
    row.build_s, row.backward_s, grad = runs[len(runs) // 2]
    row.grad_ok = grad == expected_grad(shape, size)
    return row


def time_lua_runtime(name, shape, size, repeat):
    """Build and backward timed inside Lua with the sandbox's clock(), the
    median of `repeat` runs; a full collection runs untimed before each.
    name: a runtime, or "<runtime> (gc stopped)": its collector stopped
    while the clock runs."""
    row = Row(name, shape, node_count(shape, size))
    runtime = name.removesuffix(GC_STOPPED)
    clocked_mode = "clocked-stopped" if name.endswith(GC_STOPPED) else "clocked"
    engine = lua_engine(runtime)
    k = ops_for(size)

    def call(ops, mode):
        return engine.run_file(LUA_SCRIPT, shape, ops, X, mode)

    runs = []
    for _ in range(repeat):
        call(0, "collect")
        clocked = call(k, clocked_mode)
        if clocked_mode == "clocked-stopped" and clocked.get("stopped") is False:
            row.error = "the collector was running again by the end of the timed run"
            return row
        runs.append((clocked["build_s"], clocked["backward_s"]))
    runs.sort(key=sum)
    row.build_s, row.backward_s = runs[len(runs) // 2]
    measured = call(k, "measure")
    if measured["nodes"] != row.size:
        row.error = f"the Lua graph has {measured['nodes']:.0f} nodes, expected {row.size}"
    row.grad_ok = measured["grad"] == expected_grad(shape, size)
    row.bytes_per_node = measured["graph_kb"] * 1024.0 / row.size
    call(0, "collect")
    return row


def standalone_series(binary, shape, sizes, repeat, max_seconds):
    """Rows for one system interpreter and shape, smallest size first (standalone.py)."""
    for size in sorted(sizes):
        row = Row(f"{binary} (stand-alone)", shape, node_count(shape, size))
        try:
            row.build_s, row.backward_s, nodes, grad, graph_kb = standalone.time_graph(
                binary, shape, ops_for(size), X, repeat)
        except standalone.Failed as exc:
            row.error = str(exc)
        else:
            row.grad_ok = grad == expected_grad(shape, size)
            row.bytes_per_node = graph_kb * 1024.0 / row.size
            if nodes != row.size:
                row.error = f"the Lua graph has {nodes} nodes, expected {row.size}"
        yield row
        if row.error or row.seconds > max_seconds:
            return


def engines(runtimes=None):
    names = list(PYTHON_ENGINES)
    lua = list(lua_runtimes() if runtimes is None else runtimes)
    stopped = [f"{runtime}{GC_STOPPED}" for runtime in GC_STOPPED_RUNTIMES if runtime in lua]
    return names[:3] + lua + stopped + names[3:]


def is_lua(engine, runtimes):
    """Is engine one of runtimes, or one of them with its collector stopped?"""
    return engine.removesuffix(GC_STOPPED) in runtimes


def series(engine, shape, sizes, repeat, max_seconds, memory, lua):
    """Rows (as dicts) for one engine and shape, smallest size first; stops
    after an error or a size that took longer than max_seconds."""
    for size in sorted(sizes):
        try:
            if lua:
                row = time_lua_runtime(engine, shape, size, repeat)
            else:
                row = time_python_engine(engine, shape, size, repeat, memory)
        except Exception as exc:  # one broken engine is a cell, not a crash
            row = Row(engine, shape, node_count(shape, size), error=f"{type(exc).__name__}: {exc}")
        yield asdict(row)
        if row.error or (row.seconds or 0.0) > max_seconds:
            return


def run(sizes, repeat=3, runtimes=None, max_seconds=60.0, memory=True, standalone_lua=True):
    """Rows for every engine, shape and size, each series in a child process
    (isolated.py): a crash there is an error row here."""
    rows = []
    lua = set(lua_runtimes() if runtimes is None else runtimes)
    for engine in engines(runtimes):
        for shape in SHAPES:
            items, failure = isolated.call("graphs.series", dict(
                engine=engine, shape=shape, sizes=list(sizes), repeat=repeat,
                max_seconds=max_seconds, memory=memory, lua=is_lua(engine, lua)))
            rows += [Row(**item) for item in items]
            if failure:
                done = {item["size"] for item in items}
                size = min((s for s in sizes if node_count(shape, s) not in done), default=max(sizes))
                rows.append(Row(engine, shape, node_count(shape, size), error=failure))
    if standalone_lua:  # the system's interpreters, timed inside Lua (standalone.py)
        for binary in standalone.available():
            for shape in SHAPES:
                rows += list(standalone_series(binary, shape, sizes, repeat, max_seconds))
    return rows

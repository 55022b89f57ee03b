"""depth-chain, depth-wide: the longest chain x = x + 1, and the widest sum
(one node with n inputs), that still backpropagate, doubling up to the
check's depth_max nodes; the error at the first size that fails (a port
without sum gets it as a chain of +, which depth-chain measures already:
depth-wide is left out)."""
import threading
from functools import lru_cache, wraps

from ..levels import SCALE
from ..lower import lower
from .common import (FAULT, OK, SKIPPED, WARN, Entry, Probe, failure_text, node, num, program,
                     stopped_by_the_run)

# The depth probes double from DEPTH_START to DEPTH_MAX nodes.  128,000 is
# past the corpus's deepest fixture (100,001 nodes) and past where a recursive
# sort stops on Lua 5.1, 5.4 and LuaJIT (5.2, 5.3 and 5.5 stop it between
# 128,000 and 256,000 levels: --depth-max 256000 finds that, 1000000 goes on
# to 10^6).
DEPTH_MAX = 128_000
DEPTH_START = 125    # 125 * 2^10 = 128,000; Python's own limit (about 1,000) shows

def _shared(function):
    """function's last few results, computed once even when the runtimes'
    threads ask at the same moment (they all probe the same sizes)."""
    cached, lock = lru_cache(maxsize=4)(function), threading.Lock()

    @wraps(function)
    def once(n):
        with lock:
            return cached(n)
    return once


@_shared
def chain_program(n):
    """x = x + 1, n times: node x#k holds k - 1, every gradient is 1."""
    steps = [(f"x#{k + 1}", "add", (node("x" if k == 1 else f"x#{k}"), num(1.0)))
             for k in range(1, n + 1)]
    return program([("x", 0.0)], steps, f"x#{n + 1}")


@_shared
def wide_program(n):
    """sum(0, x1, ..., xn) of n inputs equal to 1."""
    inputs = [(f"x{i}", 1.0) for i in range(1, n + 1)]
    args = (num(0.0),) + tuple(node(name) for name, _ in inputs)
    return program(inputs, [("s", "sum", args)], "s")


@_shared
def _chain_expected(n):
    values = {"x": (0.0, 1.0)}
    values.update({f"x#{k + 1}": (float(k), 1.0) for k in range(1, n + 1)})
    return values


@_shared
def _wide_expected(n):
    values = {f"x{i}": (1.0, 1.0) for i in range(1, n + 1)}
    values["s"] = (float(n), 1.0)
    return values


WRONG_VALUES = "wrong values:"   # how an attempt that answered, wrongly, begins

DEPTHS = {"depth-chain": (chain_program, _chain_expected, "chain x = x + 1"),
          "depth-wide": (wide_program, _wide_expected, "sum of n inputs")}


def _depth_attempt(runtime, kind, n, lower_ops):
    """None if a program of n nodes backpropagates right, else what failed."""
    make, expected, _ = DEPTHS[kind]
    program = make(n)
    try:
        values = runtime.evaluate(lower(program, lower_ops))
    except Exception as exc:
        if stopped_by_the_run(exc):
            raise
        return failure_text(exc)
    want = expected(n)
    if values == want:   # the common case, compared in C
        return None
    # a lowered sum adds nodes of its own: only the program's are compared
    wrong = next((node for node, pair in want.items() if values.get(node) != pair), None)
    if wrong is None:
        return None
    return f"{WRONG_VALUES} {wrong} is {values.get(wrong)!r}, expected {want[wrong]!r}"


def depth_sizes(top):
    """DEPTH_START, doubling, up to top (top itself last)."""
    sizes, n = [], DEPTH_START
    while n < top:
        sizes.append(n)
        n *= 2
    return sizes + [top]


def probe_depth(runtime, kind, lower_ops, top):
    """The largest size of depth_sizes(top) that passes, and the first that
    fails.  The largest is tried first: a port that passes it passes the
    smaller ones (the corpus runs 100,000-node chains too), so the doubling
    only runs for a port that fails somewhere."""
    _, _, what = DEPTHS[kind]
    lowered = " (no sum: lowered to a chain of +)" if kind == "depth-wide" and \
        "sum" in lower_ops else ""
    sizes = depth_sizes(top)
    error = _depth_attempt(runtime, kind, top, lower_ops)
    if error is None:
        return Probe(kind, OK, f"{what}: {top:,} nodes backpropagate{lowered}",
                     {"longest": top, "first_failure": None, "error": None, "max": top})
    longest, failed_at = 0, top
    for n in sizes[:-1]:
        problem = _depth_attempt(runtime, kind, n, lower_ops)
        if problem is not None:
            failed_at, error = n, problem
            break
        longest = n
    _restart(runtime)   # a failure may leave the runtime in any state
    # past the time or memory limit is the manifest's limit, not a depth the
    # port cannot reach
    limited = error.startswith(("timeout:", "memory:"))
    if failed_at == top and not limited and _depth_attempt(runtime, kind, top, lower_ops) is None:
        # a port at the edge of its stack: a Rust port's HashSet seeds its hash
        # anew each run, and 1 run in 6 overflowed, unexplained
        error += (" (in 1 of 2 tries: the port is at the edge of what it reaches, and how much "
                  "stack it uses changes from run to run)")
        _restart(runtime)
    return Probe(kind, WARN if limited else FAULT,
                 f"{what}: longest {longest:,}, fails at {failed_at:,}: {error}{lowered}",
                 {"longest": longest, "first_failure": failed_at, "error": error, "max": top},
                 raised=not error.startswith(WRONG_VALUES))


def _restart(runtime):
    try:
        runtime.restart()
    except Exception:
        pass                # the next program restarts it, or fails saying why


def _run(kind):
    def run(context):
        if kind == "depth-wide" and "sum" in context.lower_ops:
            return Probe(kind, SKIPPED, "the port has no sum, and a sum lowered to + is a "
                                        "chain (depth-chain)")
        return probe_depth(context.engine, kind, context.lower_ops, context.depth_max)
    return run


PROBES = [Entry("depth-chain", 4, _run("depth-chain"), test_port="recursive",
                level=SCALE),
          Entry("depth-wide", 5, _run("depth-wide"), test_port="recursive",
                level=SCALE)]

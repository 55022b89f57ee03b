"""Probes: small programs the check runs on each runtime besides the corpus.

  ops            a one-op program per op, before the corpus: which ops the
                 port lacks (their fixtures read UNSUPPORTED; sum and dot are
                 lowered to + and * instead)
  numbers        numbers as a user writes them: a constant on either side of
                 each operator (2 * x and x * 2), and integral inputs and
                 constants as integers (Lua 5.3+ and JSON have them), where
                 x + x doubled 63 times reaches 2^63
  backward-twice backward called twice on the same graph: micrograd and
                 torch accumulate (a leaf's gradient doubles), a port may zero
                 them first; anything else is reported
  determinism    two fresh runtimes (restart()) give bit-identical values on
                 a program whose gradients depend on the order children are
                 walked, and on the corpus's reuse and nn fixtures
  depth-chain    the longest chain x = x + 1, and the widest sum (one node
  depth-wide     with n inputs), that still backpropagate, doubling up to
                 DEPTH_MAX nodes; the error at the first size that fails (a
                 port without sum gets it as a chain of +, which depth-chain
                 measures already: depth-wide is left out)

A probe never changes the exit code: what it finds goes to the report, and
the diagnosis (diagnosis.py) reads it.
"""
import math
import struct
import threading
from functools import lru_cache, wraps
from dataclasses import dataclass, field

from ..judge.verdict import FAIL, compare
from ..interpret import interpret
from ..program import Arg, Program, Step
from .lower import LOWERABLE, lower
from .port import PortFailure, PortUnsupported

PROBES = ("numbers", "backward-twice", "determinism", "depth-chain", "depth-wide")
# The depth probes double from DEPTH_START to DEPTH_MAX nodes.  128,000 is
# past the corpus's deepest fixture (100,001 nodes) and past where a recursive
# sort stops on Lua 5.1, 5.4 and LuaJIT (5.2, 5.3 and 5.5 stop it between
# 128,000 and 256,000 levels: --depth-max 256000 finds that, 1000000 goes on
# to 10^6).  All seven runtimes of our own port together: a 256,000-node
# chain took 12 s, and the whole check must stay under half a minute.
DEPTH_MAX = 128_000
DEPTH_START = 125    # 125 * 2^10 = 128,000; Python's own limit (about 1,000) shows

# Probe statuses: ok, a finding worth a look (warn), a fault (fail), not run.
OK, WARN, FAULT, SKIPPED = "ok", "warn", "fail", "not run"
SUPPORTED, UNSUPPORTED_OP, LOWERED, BROKEN = "ok", "unsupported", "lowered", "error"


@dataclass(frozen=True)
class OpStatus:
    state: str            # SUPPORTED, UNSUPPORTED_OP, LOWERED or BROKEN
    message: str = ""


@dataclass
class Probe:
    name: str
    status: str           # OK, WARN, FAULT or SKIPPED
    summary: str          # one line for the terminal
    details: dict = field(default_factory=dict)   # JSON-able facts for the reports


# -- building programs -----------------------------------------------------------

def _node(node_id):
    return Arg.node(node_id)


def _num(x):
    return Arg.num(x)


def _program(inputs, steps, output):
    return Program(inputs=tuple(inputs), steps=tuple(Step(*s) for s in steps), output=output)


def _failure_text(exc):
    if isinstance(exc, PortFailure):
        return f"{exc.kind}: {exc.message}"
    if isinstance(exc, PortUnsupported):
        return f"unsupported: {exc}"
    return f"{type(exc).__name__}: {exc}"


# -- ops ----------------------------------------------------------------------------

def op_program(op):
    """A program with one step of op, every argument a Value (a number exponent
    for pow, the way every port has it)."""
    kind = {"sum": "nary", "dot": "nary"}.get(op)
    if op == "pow":
        return _program([("a", 1.5)], [("y", "pow", (_node("a"), _num(3.0)))], "y")
    if op in ("add", "sub", "mul", "div"):
        return _program([("a", 1.5), ("b", 0.25)],
                        [("y", op, (_node("a"), _node("b")))], "y")
    if kind == "nary" and op == "sum":
        return _program([("a", 1.5), ("b", 0.25)],
                        [("y", "sum", (_num(0.0), _node("a"), _node("b")))], "y")
    if op == "dot":
        return _program([("a", 1.5), ("b", 0.25), ("c", -2.0), ("d", 3.0)],
                        [("y", "dot", (_num(0.0), _node("a"), _node("b"), _node("c"),
                                       _node("d")))], "y")
    return _program([("x", 2.0 if op == "log" else 0.5)], [("y", op, (_node("x"),))], "y")


def probe_ops(runtime):
    """{op: OpStatus} for every op of harness.ops.OPS."""
    from ..ops import OPS
    declared = runtime.declared_ops()
    out = {}
    for op in OPS:
        if declared is not None and op not in declared:
            out[op] = OpStatus(LOWERED if op in LOWERABLE else UNSUPPORTED_OP,
                               "the port does not declare it")
            continue
        try:
            runtime.evaluate(op_program(op))
        except PortUnsupported as exc:
            out[op] = OpStatus(LOWERED if op in LOWERABLE else UNSUPPORTED_OP, str(exc))
        except Exception as exc:   # the op is there and fails: its fixtures say how
            out[op] = OpStatus(BROKEN, _failure_text(exc))
        else:
            out[op] = OpStatus(SUPPORTED)
    return out


def ops_probe(ops):
    """The op probe as a Probe for the reports."""
    lacking = sorted(op for op, s in ops.items() if s.state == UNSUPPORTED_OP)
    lowered = sorted(op for op, s in ops.items() if s.state == LOWERED)
    broken = {op: s.message for op, s in ops.items() if s.state == BROKEN}
    parts = [f"{sum(s.state == SUPPORTED for s in ops.values())} of {len(ops)} ops"]
    if lacking:
        parts.append(f"no {', '.join(lacking)} (their fixtures: UNSUPPORTED)")
    if lowered:
        parts.append(f"{', '.join(lowered)} lowered to + and *")
    parts += [f"{op} fails: {message}" for op, message in sorted(broken.items())]
    return Probe("ops", WARN if lacking or broken else OK, "; ".join(parts),
                 {"ops": {op: {"state": s.state, "message": s.message}
                          for op, s in ops.items()}})


# -- numbers as a user writes them -------------------------------------------------------

SIDES = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
DOUBLINGS = 63   # x + x doubled 63 times: 2^63, one past the largest 64-bit integer


def constant_programs():
    """[(label, op, program)]: each operator with the constant 2 on the
    left and on the right of a Value x = 3."""
    out = []
    for op, symbol in SIDES.items():
        out.append((f"2 {symbol} x", op, _program([("x", 3.0)],
                                                  [("y", op, (_num(2.0), _node("x")))], "y")))
        out.append((f"x {symbol} 2", op, _program([("x", 3.0)],
                                                  [("y", op, (_node("x"), _num(2.0)))], "y")))
    return out


def doubling_program(n=DOUBLINGS):
    steps = [(f"x#{k + 1}", "add", (_node("x" if k == 1 else f"x#{k}"),) * 2)
             for k in range(1, n + 1)]
    return _program([("x", 1.0)], steps, f"x#{n + 1}")


def _check(runtime, program, integers, lower_ops):
    """(None, evaluation) when the port agrees with python_ref, else (what
    went wrong, evaluation or None)."""
    try:
        evaluation = runtime.evaluate(lower(program, lower_ops), integers=integers)
    except Exception as exc:
        return _failure_text(exc), None
    reference = interpret(program)   # python_ref (not the backend's cache: threads)
    cell = compare(reference, evaluation, program)
    if cell.status == FAIL:
        return cell.first_fail.describe(), evaluation
    return None, evaluation


def probe_numbers(runtime, ops, lower_ops):
    cases = []
    for label, op, program in constant_programs():
        if ops[op].state == UNSUPPORTED_OP:
            continue
        for integers in (False, True):
            problem, _ = _check(runtime, program, integers, lower_ops)
            cases.append({"case": label, "op": op, "integers": integers,
                          "side": "left" if label.startswith("2") else "right",
                          "problem": problem})
    problem, evaluation = _check(runtime, doubling_program(), True, lower_ops)
    cases.append({"case": f"x + x doubled {DOUBLINGS} times", "op": "add", "integers": True,
                  "side": "none", "problem": problem,
                  "values": _doubling_values(evaluation)})
    bad = [c for c in cases if c["problem"]]
    if not bad:
        summary = (f"{len(cases)} cases: constants on both sides of + - * / **, integral "
                   "numbers as integers")
        return Probe("numbers", OK, summary, {"cases": cases})
    shown = "; ".join(f"{c['case']}{' (integers)' if c['integers'] else ''}: {c['problem']}"
                      for c in bad[:3])
    more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
    return Probe("numbers", FAULT, f"{len(bad)} of {len(cases)} cases fail: {shown}{more}",
                 {"cases": cases})


def _doubling_values(evaluation):
    if evaluation is None:
        return None
    last = f"x#{DOUBLINGS + 1}"
    return {"x.grad": _plain(evaluation["x"][1]), f"{last}.data": _plain(evaluation[last][0])}


def _plain(x):
    return x if x is None or math.isfinite(x) else repr(x)


# -- backward twice ----------------------------------------------------------------------

BACKWARD_TWICE = _program([("a", 3.0), ("b", -2.0)], [("L", "mul", (_node("a"), _node("b")))],
                          "L")


def probe_backward_twice(twice):
    """twice: a runtime of the port whose backward statement runs twice, or None."""
    if twice is None:
        return Probe("backward-twice", SKIPPED, "not measured: this port's adapter cannot "
                     "call backward twice")
    try:
        values = twice.evaluate(BACKWARD_TWICE)
    except Exception as exc:
        return Probe("backward-twice", FAULT, f"the second backward fails: {_failure_text(exc)}",
                     {"error": _failure_text(exc)})
    grads = (values["a"][1], values["b"][1])
    details = {"a.grad": grads[0], "b.grad": grads[1], "once": [-2.0, 3.0]}
    if grads == (-4.0, 6.0):
        return Probe("backward-twice", OK, "accumulates, as micrograd and torch do: a leaf's "
                     "gradient doubles (zero the gradients between calls)",
                     dict(details, behaviour="accumulates"))
    if grads == (-2.0, 3.0):
        return Probe("backward-twice", OK, "starts from zero: the port zeroes the gradients "
                     "itself (micrograd and torch accumulate)", dict(details, behaviour="zeroes"))
    return Probe("backward-twice", FAULT, f"neither accumulates nor zeroes: a.grad = "
                 f"{grads[0]!r}, b.grad = {grads[1]!r} (once: -2.0, 3.0)",
                 dict(details, behaviour="other"))


# -- determinism -------------------------------------------------------------------------

CHILD_ORDER_GROUPS = 40
TINY = 2.0 ** -53   # 1 + TINY + TINY is 1 or 1 + 2^-52, by the order they are added in


def child_order_program(groups=CHILD_ORDER_GROUPS):
    """x_i's gradient sums 1, TINY and TINY: 1 + 2^-52 when the two TINY come
    first, 1 otherwise.  Which comes first is the order backward walks the
    children of s_i = m_i + n_i: fixed in a port that walks them in argument
    order, a coin toss per group in one that walks a hash set (pairs())."""
    inputs, steps, total = [], [], None
    for i in range(1, groups + 1):
        x = f"x{i}"
        inputs.append((x, 1.0))
        steps += [(f"m{i}", "mul", (_node(x), _num(1.0))),
                  (f"p{i}", "mul", (_node(x), _num(TINY))),
                  (f"q{i}", "mul", (_node(x), _num(TINY))),
                  (f"n{i}", "add", (_node(f"p{i}"), _node(f"q{i}"))),
                  (f"s{i}", "add", (_node(f"m{i}"), _node(f"n{i}")))]
        if total is None:
            total = f"s{i}"
        else:
            steps.append((f"t{i}", "add", (_node(total), _node(f"s{i}"))))
            total = f"t{i}"
    return _program(inputs, steps, total)


DETERMINISM_TAGS = ("reuse", "nn")
DETERMINISM_MAX_NODES = 5000


def kept_for_determinism(fixture):
    """Is this fixture's evaluation compared again after a restart?"""
    return (bool(set(fixture.tags) & set(DETERMINISM_TAGS))
            and len(fixture.program.node_ids()) <= DETERMINISM_MAX_NODES)


def _bits(x):
    return "nan" if x != x else struct.pack("<d", x).hex()


def first_difference(program, one, two):
    """(node, field, value one, value two) of the first value not bit-identical."""
    for node in program.node_ids():
        for index, name in enumerate(("data", "grad")):
            a, b = one[node][index], two[node][index]
            if a is None and b is None:
                continue
            if a is None or b is None or _bits(float(a)) != _bits(float(b)):
                return node, name, a, b
    return None


def probe_determinism(runtime, lower_ops, kept, fixtures):
    """Restart twice, evaluate the child-order program and the kept fixtures
    after each, and compare bit by bit (with the corpus run's values too)."""
    programs = [("child-order", child_order_program())]
    programs += [(f.name, f.program) for f in fixtures if f.name in kept]
    runs = []
    for _ in range(2):
        try:
            runtime.restart()
            runs.append({name: runtime.evaluate(lower(program, lower_ops))
                         for name, program in programs})
        except Exception as exc:
            return Probe("determinism", SKIPPED, f"not measured: {_failure_text(exc)}")
    for name, program in programs:
        candidates = [r[name] for r in runs] + ([kept[name]] if name in kept else [])
        for other in candidates[1:]:
            found = first_difference(program, candidates[0], other)
            if found:
                node, which, a, b = found
                return Probe("determinism", FAULT,
                             f"results differ between runs: {name}, {node}.{which} is {a!r} "
                             f"in one run and {b!r} in another",
                             {"identical": False, "program": name, "node": node, "field": which,
                              "values": [repr(a), repr(b)], "programs": len(programs)})
    return Probe("determinism", OK, f"bit-identical in two fresh runtimes on {len(programs)} "
                 "programs whose gradients depend on the order children are walked",
                 {"identical": True, "programs": len(programs)})


# -- depth ---------------------------------------------------------------------------------

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
    steps = [(f"x#{k + 1}", "add", (_node("x" if k == 1 else f"x#{k}"), _num(1.0)))
             for k in range(1, n + 1)]
    return _program([("x", 0.0)], steps, f"x#{n + 1}")


@_shared
def wide_program(n):
    """sum(0, x1, ..., xn) of n inputs equal to 1."""
    inputs = [(f"x{i}", 1.0) for i in range(1, n + 1)]
    args = (_num(0.0),) + tuple(_node(name) for name, _ in inputs)
    return _program(inputs, [("s", "sum", args)], "s")


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


DEPTHS = {"depth-chain": (chain_program, _chain_expected, "chain x = x + 1"),
          "depth-wide": (wide_program, _wide_expected, "sum of n inputs")}


def _depth_attempt(runtime, kind, n, lower_ops):
    """None if a program of n nodes backpropagates right, else what failed."""
    make, expected, _ = DEPTHS[kind]
    program = make(n)
    try:
        values = runtime.evaluate(lower(program, lower_ops))
    except Exception as exc:
        return _failure_text(exc)
    want = expected(n)
    if values == want:   # the common case, compared in C
        return None
    # a lowered sum adds nodes of its own: only the program's are compared
    wrong = next((node for node, pair in want.items() if values.get(node) != pair), None)
    if wrong is None:
        return None
    return f"wrong values: {wrong} is {values.get(wrong)!r}, expected {want[wrong]!r}"


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
    try:
        runtime.restart()   # a failure may leave the runtime in any state
    except Exception:
        pass                # the next program restarts it, or fails saying why
    # past the time or memory limit is the manifest's limit, not a depth the
    # port cannot reach
    limited = error.startswith(("timeout:", "memory:"))
    return Probe(kind, WARN if limited else FAULT,
                 f"{what}: longest {longest:,}, fails at {failed_at:,}: {error}{lowered}",
                 {"longest": longest, "first_failure": failed_at, "error": error, "max": top})


# -- all of them -------------------------------------------------------------------------

def run_probes(runtime, ops, lower_ops, settings, kept, twice_opener, fixtures):
    """{name: Probe} for the op probe and every probe of settings.probes."""
    out = {"ops": ops_probe(ops)}
    chosen = set(settings.probes)

    def backward_twice():
        twice = twice_opener(runtime.name) if twice_opener else None
        try:
            return probe_backward_twice(twice)
        finally:
            if twice is not None:
                twice.close()

    runs = {"numbers": lambda: probe_numbers(runtime, ops, lower_ops),
            "backward-twice": backward_twice,
            "determinism": lambda: probe_determinism(runtime, lower_ops, kept, fixtures)}
    for kind in ("depth-chain", "depth-wide"):
        if kind == "depth-wide" and "sum" in lower_ops:
            runs[kind] = lambda kind=kind: Probe(
                kind, SKIPPED, "the port has no sum, and a sum lowered to + is a chain "
                               "(depth-chain)")
        else:
            runs[kind] = lambda kind=kind: probe_depth(runtime, kind, lower_ops,
                                                       settings.depth_max)
    for name in PROBES:
        if name not in chosen:
            continue
        try:
            out[name] = runs[name]()
        except Exception as exc:   # a port that cannot even restart: the run goes on
            out[name] = Probe(name, SKIPPED, f"not measured: {_failure_text(exc)}")
    return out

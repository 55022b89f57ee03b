"""determinism: two fresh engines (restart()) give bit-identical values on a
program whose gradients depend on the order children are walked, and on the
corpus's reuse and nn fixtures."""
import struct

from ..levels import SCALE
from ..lower import lower
from .common import FAULT, OK, SKIPPED, Entry, Probe, failure_text, node, num, program

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
        steps += [(f"m{i}", "mul", (node(x), num(1.0))),
                  (f"p{i}", "mul", (node(x), num(TINY))),
                  (f"q{i}", "mul", (node(x), num(TINY))),
                  (f"n{i}", "add", (node(f"p{i}"), node(f"q{i}"))),
                  (f"s{i}", "add", (node(f"m{i}"), node(f"n{i}")))]
        if total is None:
            total = f"s{i}"
        else:
            steps.append((f"t{i}", "add", (node(total), node(f"s{i}"))))
            total = f"t{i}"
    return program(inputs, steps, total)


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
            return Probe("determinism", SKIPPED, f"not measured: {failure_text(exc)}")
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


def _run(context):
    return probe_determinism(context.engine, context.lower_ops, context.kept, context.fixtures)


PROBES = [Entry("determinism", 3, _run, test_port="modules", level=SCALE)]

"""child-order: the determinism probe saw two runs differ."""
from .common import Bug, Evidence
from .wording import DEFAULT, LUA, PYTHON

BUGS = [Bug("child-order", "non-deterministic child order", {
    LUA: "the children of a node are walked in an order that changes from run to run "
         "(pairs() over a table keyed by node: LuaJIT hashes a table by address), so "
         "gradients summed from several paths round differently each run (or, where another "
         "bug depends on the order, differ by more): keep the children in an array, in "
         "argument order, and walk it with ipairs()",
    PYTHON: "the children of a node are walked in an order that changes from run to run (a "
            "set of children, as micrograd's _prev = set(_children): its order follows the "
            "objects' addresses), so gradients summed from several paths round differently "
            "each run (or, where another bug depends on the order, differ by more): keep the "
            "children in a tuple or list, in argument order",
    DEFAULT: "the children of a node are walked in an order that changes from run to run (a "
             "hash set or map keyed by node), so gradients summed from several paths round "
             "differently each run (or, where another bug depends on the order, differ by "
             "more): keep the children in a list or array, in argument order"},
    8, "modules", ("determinism", "lecture-reuse-ab"), "luajit21")]


def from_probes(engine, probes):
    probe = probes.get("determinism")
    if not (probe and probe.details.get("identical") is False):
        return []
    d = probe.details
    return [Evidence("child-order", engine, f"probe determinism: {d['program']}", d["node"],
                     f"{d['field']} is {d['values'][0]} in one run and {d['values'][1]} "
                     "in another")]

"""child-order: the determinism probe saw two runs differ."""
from .common import Bug, Evidence

BUGS = [Bug("child-order", "non-deterministic child order",
            "the children of a node are walked in an order that changes from run to run (a "
            "set of children: a Python set, pairs() over a Lua table keyed by node), so "
            "gradients summed from several paths round differently each run: keep children in "
            "a list or array, in argument order", 8, "modules",
            ("determinism", "lecture-reuse-ab"), "luajit21")]


def from_probes(engine, probes):
    probe = probes.get("determinism")
    if not (probe and probe.details.get("identical") is False):
        return []
    d = probe.details
    return [Evidence("child-order", engine, f"probe determinism: {d['program']}", d["node"],
                     f"{d['field']} is {d['values'][0]} in one run and {d['values'][1]} "
                     "in another")]

"""recursion: the depth probes fail with a stack overflow (the size, per
runtime), or a fixture ERRORs with one."""
import re

from ..judge.verdict import ERROR
from .common import Bug, Evidence, split_place
from .wording import DEFAULT, PYTHON

BUGS = [Bug("recursion", "a recursion limit", {
    PYTHON: "the topological sort (or backward) recurses once per level of the graph, and "
            "Python stops a recursion at about 1,000 frames (sys.setrecursionlimit moves the "
            "limit, and past it the C stack overflows): walk the graph with an explicit stack",
    DEFAULT: "the topological sort (or backward) recurses once per level of the graph, and the "
             "runtime's stack ends at a depth of its own: walk the graph with an explicit "
             "stack"},
    5, "recursive", ("depth-chain",), "lua51")]
# "stack ?overflow": Java says StackOverflowError
RECURSION = re.compile(r"stack ?overflow|recursion|call stack size|too many C levels",
                       re.IGNORECASE)


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status == ERROR and RECURSION.search(cell.message):
        place, message = split_place(cell.message)
        return [Evidence("recursion", engine, fixture.name, "", message[:200], place=place)]
    return []


def from_probes(engine, probes):
    found = []
    for kind in ("depth-chain", "depth-wide"):
        probe = probes.get(kind)
        if probe and probe.details.get("error") and RECURSION.search(probe.details["error"]):
            d = probe.details
            place, message = split_place(d["error"])
            found.append(Evidence("recursion", engine, f"probe {kind}", "",
                                  f"longest {d['longest']:,} nodes, fails at "
                                  f"{d['first_failure']:,}: {message[:160]}", place=place))
    return found

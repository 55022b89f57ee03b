"""exponential-walk: a fixture of a few thousand nodes runs out of time (or
memory) where a walk that visits a node once per path from the output would
make astronomically many visits (x = x + x a thousand times: 2^1000 paths).
A port with a visited set walks it in as many steps as it has nodes.  Where
a smaller fixture shows which walk the port has (no-topo, no-visited), the
finding is that diagnosis's evidence."""
from ..judge.verdict import ERROR
from .common import Bug, Evidence

BUGS = [Bug("exponential-walk", "a walk once per path (exponential time)",
            "the graph walk visits a node once per path from the output, and a graph that "
            "reuses its nodes has exponentially many paths: the sort has no visited set, or "
            "backward recurses into the children with no sort at all (where a smaller fixture "
            "shows which, the finding joins that diagnosis). Visit each node once: a "
            "topological order built with a visited set", 12, "no-topo",
            ("reuse-doubling-1000",), joins=("no-topo", "no-visited"))]

OUT_OF = ("timeout:", "memory:")
MAX_NODES = 20_000          # a port with a visited set walks these in a blink
MIN_VISITS = 10 ** 9        # a walk once per path makes at least this many visits


def visits_once_per_path(program):
    """How many node visits a walk once per path from the output makes."""
    paths = {node: 0 for node in program.node_ids()}
    paths[program.output] = 1
    for step in reversed(program.steps):
        for arg in step.args:
            if arg.kind == "node":
                paths[arg.value] += paths[step.out]
    return sum(paths.values())


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status != ERROR or not cell.message.startswith(OUT_OF):
        return []
    program = fixture.program
    nodes = len(program.node_ids())
    if nodes > MAX_NODES:
        return []
    visits = visits_once_per_path(program)
    if visits < MIN_VISITS:
        return []
    kind = cell.message.split(":", 1)[0]
    return [Evidence("exponential-walk", engine, fixture.name, "",
                     f"out of {'time' if kind == 'timeout' else 'memory'} on {nodes:,} nodes, "
                     f"which a walk once per path visits about 10^{len(str(visits)) - 1} times")]

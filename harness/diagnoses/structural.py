"""The structural bugs, simulated (harness.diagnoses.simulate): the gradients
backward gives when it walks the nodes in another way, or assigns instead of
adding.  A cell whose every gradient is one of these (and not python_ref's)
shows that bug exactly; where two explanations fit a fixture equally, it
shows neither, and one op without a backward counts as an explanation.

  assigned     an op's backward sets a gradient (grad = ...) instead of adding
               to it: a node used twice keeps one contribution.  Which ops do
               it: the fewest whose assignment gives every gradient
  no-visited   the topological sort has no visited set: a node is listed
               once per path from the output, and its backward runs that often
  wrong-order  the sorted nodes are walked from the inputs to the output
               instead of back from it
  no-topo, duplicates, visited-by-value: their own modules (no_topo.py,
               duplicate_nodes.py, visited_by_value.py)
"""
from itertools import combinations

from ..judge.verdict import FAIL
from ..interpret import interpret
from . import duplicate_nodes, no_topo, visited_by_value
from .common import Bug, Evidence
from .lecture_graph import lecture_graph
from .simulate import (BY_VALUE, DUPLICATES, DUPLICATES_REVERSED, EVERY_OP, FORWARD, NO_TOPO,
                       NO_VISITED, REVERSED, SIMULATED_MAX_NODES, WALKS, Backward, as_evaluated,
                       explains, first_wrong_gradient, forward_agrees, matches, merged_by_value,
                       simulate)

BUGS = [
    Bug("assigned", "gradients assigned instead of accumulated",
        "a node used more than once keeps only its last contribution: each backward step "
        "must add to the gradient (grad = grad + ...), never set it: check every op's "
        "backward, not only those named (they are the fewest the failures show)", 1, "assigned",
        ("lecture-reuse-a-plus-a",), names_ops="{owners} backward assign{s} the gradient"),
    Bug("no-visited", "a topological order without a visited set",
        "the sort lists a node once per path from the output, so its backward runs that many "
        "times and everything below it is counted again (and a graph with much reuse takes "
        "exponential time): mark nodes visited and list each once", 2, "no-visited",
        ("micrograd-sanity-check",)),
    Bug("wrong-order", "nodes walked in the wrong order",
        "a node ran its backward before every node that uses it had added to its gradient: "
        "walk the topological order from the output back to the inputs (reversed)", 3,
        "wrong-order", ("lecture-reuse-ab",)),
]
fallback = True   # a forward that is off already explains a cell: this speaks only otherwise

ASSIGNED = "assigned"
WALK_BUGS = {REVERSED: None, FORWARD: "wrong-order", NO_VISITED: "no-visited",
             NO_TOPO: no_topo.BUGS[0].key, DUPLICATES: duplicate_nodes.BUGS[0].key,
             DUPLICATES_REVERSED: duplicate_nodes.BUGS[0].key,
             BY_VALUE: visited_by_value.BUGS[0].key}


def _ops(program):
    return list(dict.fromkeys(step.op for step in program.steps))


def _fits(program, reference, evaluation, walk, assigns, nodes):
    return matches(program, evaluation, simulate(program, reference, Backward(walk, assigns)),
                   nodes)


def _graphs(program, reference):
    """[(graph, python_ref's values on it)]: the fixture's, and the one the
    lecture's micrograd builds for it where that has nodes of its own (made
    once a cell: its values are a run of python_ref)."""
    composed = lecture_graph(program)
    if composed is program:
        return [(program, reference)]
    return [(program, reference), (composed, interpret(composed))]


def _assigning_ops(program, reference, evaluation, nodes):
    """The fewest ops whose backward, assigning, gives every gradient (with
    python_ref's walk): the one op that does alone; else from every op, each
    left out where the gradients stay the same.  None when none fits, or
    when two ops each fit alone: the fixture cannot tell which one assigns
    (a mul of 1e300 makes add's lost contribution below mul's rounding)."""
    ops = _ops(program)
    alone = [op for op in ops
             if _fits(program, reference, evaluation, REVERSED, frozenset({op}), nodes)]
    if alone:
        return tuple(alone) if len(alone) == 1 else None
    if not _fits(program, reference, evaluation, REVERSED, EVERY_OP, nodes):
        return None
    kept = set(ops)
    for op in ops:
        if _fits(program, reference, evaluation, REVERSED, frozenset(kept - {op}), nodes):
            kept.discard(op)
    return tuple(op for op in ops if op in kept) or None


def _merges_a_value(program, reference):
    """Does the walk by value leave out, for its value, a node whose value
    is not 0?  Zeros meet by chance (x + x at 0 and its product with 1e300):
    a port that leaves out only those may as well lack an op's backward."""
    steps = program.step_by_id()
    return any(node in steps and reference[node][0] != 0
               for node in merged_by_value(program, reference))


UNNAMED = None   # a fit that names no bug: the walk by value merging only zeros


def explanations(program, reference, evaluation, graphs=None):
    """[(bugs, ops that assign)] of every simulated backward that fits, on
    the fixture's graph or the lecture's (graphs: _graphs', made already).
    The walk by value that leaves out only nodes of value 0 fits as UNNAMED:
    it still makes another walk that fits that fixture an unsure
    explanation, and is none itself."""
    found = []
    for graph, values in graphs or _graphs(program, reference):
        found += [fit for fit in _explanations(graph, values, evaluation, program.node_ids())
                  if fit not in found]
    return found


def _explanations(program, reference, evaluation, nodes):
    found = []
    for walk in WALKS:
        bug = WALK_BUGS[walk]
        if walk == BY_VALUE and not _merges_a_value(program, reference):
            bug = UNNAMED
        if walk == REVERSED:
            ops = _assigning_ops(program, reference, evaluation, nodes)
            if ops:
                found.append(((ASSIGNED,), ops))
            continue
        if explains(program, reference, evaluation, Backward(walk), nodes):
            found.append(((bug,), ()))
        elif explains(program, reference, evaluation, Backward(walk, EVERY_OP), nodes):
            found.append(((bug, ASSIGNED), ()))
    return found


SILENT_OPS_MAX = 3   # ops without a backward tried together (41 sets where a fixture has 6 ops)


def _without_backward(program, graphs, evaluation):
    """Do some ops (up to SILENT_OPS_MAX) whose backward adds nothing give
    every gradient?  The derivative diagnosis names such an op (its local
    derivatives read 0).  Where a walk fits too, the fixture cannot tell
    them apart: a port without add's backward gives, on lecture-reuse-ab,
    what mul assigning gives."""
    return any(explains(graph, values, evaluation, Backward(silent=frozenset(silent)),
                        program.node_ids())
               for graph, values in graphs
               for size in range(1, min(len(_ops(graph)), SILENT_OPS_MAX) + 1)
               for silent in combinations(_ops(graph), size))


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    """The structural bug whose simulation gives every gradient of the cell."""
    if cell.status != FAIL or evaluation is None:
        return []
    program, reference = as_evaluated(evaluated, fixture.program, reference)
    if len(program.node_ids()) > SIMULATED_MAX_NODES:
        return []
    if not forward_agrees(program, reference, evaluation):
        return []   # the forward is off: the gradients say nothing of backward
    graphs = _graphs(program, reference)
    matched = explanations(program, reference, evaluation, graphs)
    if not matched:
        return []
    if _without_backward(program, graphs, evaluation):
        return []   # as likely an op without a backward: the derivative diagnosis's to say
    fewest = min(len(bugs) for bugs, _ in matched)
    simplest = {}   # the fixture graph's fit first: the lecture graph's says add for sub
    for bugs, ops in matched:
        if len(bugs) == fewest:
            simplest.setdefault(bugs, ops)
    if len(simplest) > 1:
        return []   # two explanations fit this fixture: it shows neither
    (bugs, ops), = simplest.items()
    if UNNAMED in bugs:
        return []
    shown = first_wrong_gradient(program, reference, evaluation)
    if shown is None:
        return []
    node, got, want = shown
    assigning = f"assigning in {', '.join(ops)}: " if ops else ""
    detail = (f"{assigning}gradient {got!r}, python_ref {want!r}; every gradient of the "
              "fixture is what that backward gives")
    return [Evidence(bug, engine, fixture.name, node, detail,
                     ops=ops if bug == ASSIGNED else ())
            for bug in bugs]


def from_probes(engine, probes):
    """The backward-twice probe's port that assigns (a used twice keeps one part)."""
    probe = probes.get("backward-twice")
    if not (probe and probe.details.get("behaviour") == "assigns"):
        return []
    return [Evidence(ASSIGNED, engine, "probe backward-twice", "a",
                     f"L = a * a at a = 3: a.grad is {probe.details['a.grad']!r}, one of its "
                     "two contributions, where it gets 6.0 per backward call")]

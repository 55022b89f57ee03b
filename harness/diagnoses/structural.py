"""The structural bugs, simulated: the gradients backward gives when it
walks the nodes in another way, or assigns instead of adding.  A cell whose
every gradient is one of these (and not python_ref's) shows that bug exactly
(simulated on the fixture with python_ref's local derivatives: harness/ops.py).

  assigned     each step sets a gradient (grad = ...) instead of adding to
               it: a node used twice keeps one contribution
  no-visited   the topological sort has no visited set: a node is listed
               once per path from the output, and its backward runs that often
  wrong-order  the sorted nodes are walked from the inputs to the output
               instead of back from it
"""
from ..judge.compare import ulp_distance
from ..judge.verdict import FAIL
from ..ops import OPS
from .common import Bug, Evidence, near

BUGS = [
    Bug("assigned", "gradients assigned instead of accumulated",
        "a node used more than once keeps only its last contribution: each backward step "
        "must add to the gradient (grad = grad + ...), never set it", 1, "assigned",
        ("lecture-reuse-a-plus-a",)),
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

WALKS = {"reversed": None, "no-visited": "no-visited", "forward": "wrong-order"}
SIMULATED_MAX_NODES = 5000
SIMULATED_MAX_WALK = 200_000   # a walk without a visited set can be exponential


def _post_order(program, visited_set):
    """Depth-first post-order from the output, children in argument order;
    without a visited set a node comes once per path (None past the cap)."""
    steps = program.step_by_id()
    order, seen = [], {program.output}
    stack = [(program.output, 0)]
    while stack:
        node, i = stack[-1]
        step = steps.get(node)
        args = [a.value for a in step.args if a.kind == "node"] if step else []
        if i < len(args):
            stack[-1] = (node, i + 1)
            child = args[i]
            if not visited_set or child not in seen:
                seen.add(child)
                stack.append((child, 0))
        else:
            stack.pop()
            order.append(node)
            if len(order) > SIMULATED_MAX_WALK:
                return None
    return order


def simulate(program, reference, walk, assign):
    """({node: gradient}, {node: sum of |contributions|}) of a backward that
    walks the nodes `walk` ("reversed": python_ref's; "no-visited": the same
    sort without a visited set; "forward": python_ref's sort, inputs first)
    and assigns (assign=True) or adds each contribution; None past the cap."""
    order = _post_order(program, visited_set=walk != "no-visited")
    if order is None:
        return None
    if walk != "forward":
        order.reverse()
    steps = program.step_by_id()
    grads = {node: 0.0 for node in program.node_ids()}
    scale = dict(grads)
    grads[program.output] = scale[program.output] = 1.0
    for node in order:
        step = steps.get(node)
        if step is None:
            continue
        values = step.resolve(lambda node_id: reference[node_id][0])
        partials = OPS[step.op].derivatives(values, reference[node][0])
        g = grads[node]
        for arg, (d, _) in zip(step.args, partials):
            if arg.kind != "node":
                continue
            c = g * d
            grads[arg.value] = c if assign else grads[arg.value] + c
            scale[arg.value] += abs(c)
    return grads, scale


def _as_evaluated(evaluated, program, reference):
    """The program the port ran (sum and dot lowered, maybe) and python_ref's
    values for it."""
    if evaluated is program or len(evaluated.node_ids()) > SIMULATED_MAX_NODES:
        return program, reference
    from ..interpret import interpret   # python_ref, without the engine's shared cache
    return evaluated, interpret(evaluated)


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    """The structural bug whose simulation gives every gradient of the cell."""
    if cell.status != FAIL or evaluation is None:
        return []
    program, reference = _as_evaluated(evaluated, fixture.program, reference)
    if len(program.node_ids()) > SIMULATED_MAX_NODES:
        return []
    for node in program.node_ids():
        if ulp_distance(reference[node][0], evaluation[node][0]) != 0:
            return []   # the forward is off: the gradients say nothing of backward
    matches = []
    for walk in WALKS:
        for assign in (False, True):
            if walk == "reversed" and not assign:
                continue   # python_ref's own backward
            simulated = simulate(program, reference, walk, assign)
            if simulated is None:
                continue
            grads, scale = simulated
            if all(near(evaluation[n][1], grads[n], scale[n]) for n in program.node_ids()):
                bugs = [b for b in (WALKS[walk], "assigned" if assign else None) if b]
                matches.append(bugs)
    if not matches:
        return []
    fewest = min(len(m) for m in matches)
    simplest = [m for m in matches if len(m) == fewest]
    if len(simplest) > 1:
        return []   # two explanations fit this fixture: it shows neither
    shown = _first_wrong_gradient(program, reference, evaluation)
    if shown is None:
        return []
    node, got, want = shown
    detail = (f"gradient {got!r}, python_ref {want!r}; every gradient of the fixture is what "
              f"that backward gives")
    return [Evidence(bug, engine, fixture.name, node, detail) for bug in simplest[0]]


def _first_wrong_gradient(program, reference, evaluation):
    """(node, port's gradient, python_ref's) of the first wrong gradient in
    backward order: the place the fault first shows."""
    for node in reversed(program.node_ids()):
        want, got = reference[node][1], evaluation[node][1]
        if not near(got, want, 0.0):
            return node, got, want
    return None

"""A backward as a port may write it, simulated on a fixture: the nodes
walked in some order, each op's backward adding (or assigning) its
contributions with python_ref's local derivatives (harness/ops.py) or
another formula.  A cell whose every gradient is what such a backward gives
(and not python_ref's) shows that port's bug exactly.

The walks (each node's backward runs once per time the walk lists it, with
the gradient the node has then):
  reversed      python_ref's: a topological order (depth-first post-order
                with a visited set, children in argument order), output first
  forward       the same order walked from the inputs to the output
  no-visited    the post-order without a visited set: a node once per path
  no-topo       no sort at all: backward recurses, each node running its
                backward and then its children's, once per path (pre-order)
  duplicates    an iterative sort that marks a node visited when it is
                appended, not when it is pushed: a node pushed twice before it
                is appended is appended twice (children pushed in argument
                order, or in reverse: duplicates-reversed)
  by-value      python_ref's sort with a visited set that holds values, not
                nodes (seen[v.data], equals and hashCode on data): a node whose
                value an earlier node or constant had is never listed
"""
from dataclasses import dataclass, field

from ..ops import OPS
from .common import near

REVERSED, FORWARD, NO_VISITED, NO_TOPO = "reversed", "forward", "no-visited", "no-topo"
DUPLICATES, DUPLICATES_REVERSED = "duplicates", "duplicates-reversed"
BY_VALUE = "by-value"
WALKS = (REVERSED, FORWARD, NO_VISITED, NO_TOPO, DUPLICATES, DUPLICATES_REVERSED, BY_VALUE)
EVERY_OP = frozenset(OPS)
SIMULATED_MAX_NODES = 5000
SIMULATED_MAX_WALK = 200_000   # a walk once per path can be exponential


@dataclass(frozen=True)
class Backward:
    """How the simulated port runs backward."""
    walk: str = REVERSED
    assigns: frozenset = frozenset()   # the ops whose backward sets (=) a gradient
    silent: frozenset = frozenset()    # the ops whose backward adds nothing (none was written)
    # {op: formula(args, out, python_ref's local derivatives) -> the port's}
    partials: dict = field(default_factory=dict, hash=False)
    # {node: the port's local derivatives}: one step's, where its op's others are python_ref's
    step_partials: dict = field(default_factory=dict, hash=False)


def _children(steps, node):
    step = steps.get(node)
    return [a.value for a in step.args if a.kind == "node"] if step else []


def _post_order(program, visited_set):
    """Depth-first post-order from the output, children in argument order;
    without a visited set a node comes once per path (None past the cap)."""
    steps = program.step_by_id()
    order, seen = [], {program.output}
    stack = [(program.output, 0)]
    while stack:
        node, i = stack[-1]
        args = _children(steps, node)
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


def _pre_order_per_path(program):
    """Each node, then each of its children's subtrees, once per path."""
    steps = program.step_by_id()
    order, stack = [], [program.output]
    while stack:
        node = stack.pop()
        order.append(node)
        if len(order) > SIMULATED_MAX_WALK:
            return None
        stack.extend(reversed(_children(steps, node)))
    return order


def _appended_when_visited(program, reverse_children):
    """The iterative sort that marks visited on append: a stack of (node,
    expanded); a node popped unexpanded is pushed back expanded with its
    children not yet appended above it; popped expanded, it is appended."""
    steps = program.step_by_id()
    order, appended = [], set()
    stack = [(program.output, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            appended.add(node)
            continue
        stack.append((node, True))
        children = _children(steps, node)
        for child in reversed(children) if reverse_children else children:
            if child not in appended:
                stack.append((child, False))
        if len(stack) + len(order) > SIMULATED_MAX_WALK:
            return None
    return order


def _post_order_by_value(program, reference):
    """The post-order whose visited set is keyed by each node's value (and a
    constant, which the port wraps as a node, by its own; not pow's number
    exponent, which micrograd keeps as a number): a node is listed only if
    no node or constant walked before it had its value.  (the order, the
    nodes left out because their value was seen), or None where a value is
    nan (a Lua table refuses it as a key; other sets differ)."""
    steps = program.step_by_id()
    out = reference[program.output][0]
    order, seen, merged = [], {out}, []
    stack = [(program.output, 0)]
    while stack:
        node, i = stack[-1]
        step = steps.get(node)
        args = step.args if step else ()
        if i < len(args):
            stack[-1] = (node, i + 1)
            arg = args[i]
            if arg.kind == "num" and step.op == "pow" and i == 1:
                continue   # the exponent (a number base is wrapped: 2 ** x)
            value = reference[arg.value][0] if arg.kind == "node" else arg.value
            if value != value:
                return None
            if value not in seen:
                seen.add(value)
                if arg.kind == "node":
                    stack.append((arg.value, 0))
            elif arg.kind == "node":
                merged.append(arg.value)
        else:
            stack.pop()
            order.append(node)
    return None if out != out else (order, merged)


def merged_by_value(program, reference):
    """The nodes the walk by value leaves out because a node or constant
    walked before had their value ([] where a nan leaves it undecided)."""
    walked = _post_order_by_value(program, reference)
    return walked[1] if walked else []


def walk_order(program, walk, reference=None):
    """The nodes in the order the walk runs their backward (None past the cap;
    by-value needs python_ref's values)."""
    if walk == NO_TOPO:
        return _pre_order_per_path(program)
    if walk == BY_VALUE:
        walked = _post_order_by_value(program, reference)
        return walked[0][::-1] if walked else None
    if walk in (DUPLICATES, DUPLICATES_REVERSED):
        order = _appended_when_visited(program, walk == DUPLICATES_REVERSED)
    else:
        order = _post_order(program, visited_set=walk != NO_VISITED)
    if order is not None and walk != FORWARD:
        order.reverse()
    return order


def simulate(program, reference, backward=Backward()):
    """({node: gradient}, {node: sum of |contributions|}) of the backward
    described, on python_ref's values (reference); None past the cap."""
    order = walk_order(program, backward.walk, reference)
    if order is None:
        return None
    steps = program.step_by_id()
    grads = {node: 0.0 for node in program.node_ids()}
    scale = dict(grads)
    grads[program.output] = scale[program.output] = 1.0
    for node in order:
        step = steps.get(node)
        if step is None or step.op in backward.silent:
            continue
        values = step.resolve(lambda node_id: reference[node_id][0])
        out = reference[node][0]
        op = OPS[step.op]
        g = grads[node]
        own = [d for d, _ in op.derivatives(values, out)]
        formula = backward.partials.get(step.op)
        partials = backward.step_partials.get(node) or (
            own if formula is None else formula(values, out, own))
        # python_ref's own contribution where the port's derivative is python_ref's
        theirs = op.contributions(g, values, out) if op.contributions else [g * d for d in own]
        contributions = [c if _same(d, mine) else g * d
                         for c, d, mine in zip(theirs, partials, own)]
        assign = step.op in backward.assigns
        for arg, c, d in zip(step.args, contributions, partials):
            if arg.kind != "node":
                continue
            if c is None:     # python_ref adds nothing (relu at x <= 0) ...
                if not assign:
                    continue
                c = g * d     # ... where a port that assigns writes g * 0
            grads[arg.value] = c if assign else grads[arg.value] + c
            scale[arg.value] += abs(c)
    return grads, scale


def _same(a, b):
    return a == b or (a != a and b != b)


def matches(program, evaluation, simulated, nodes=None):
    """Is every gradient of evaluation (of nodes: default, the program's)
    what the simulation gives?"""
    if simulated is None:
        return False
    grads, scale = simulated
    return all(near(evaluation[n][1], grads[n], scale[n]) for n in nodes or program.node_ids())


def explains(program, reference, evaluation, backward, nodes=None):
    """Does the backward described give every gradient of evaluation, and
    not python_ref's (a backward that agrees with python_ref on this fixture
    says nothing of the port)?  Only where the simulation of python_ref's own
    backward gives python_ref's gradients: it multiplies g by each local
    derivative, and where python_ref divides instead (g/b, whose 1/b
    overflows for a subnormal b) it would blame another formula for what
    the product does.  nodes: the evaluation's, where the program has
    nodes of its own (the lecture's graph)."""
    simulated = simulate(program, reference, backward)
    return (matches(program, evaluation, simulated, nodes)
            and not matches(program, reference, simulated)
            and matches(program, reference, simulate(program, reference)))


def as_evaluated(evaluated, program, reference):
    """The program the port ran (sum and dot lowered, maybe) and python_ref's
    values for it."""
    if evaluated is program or len(evaluated.node_ids()) > SIMULATED_MAX_NODES:
        return program, reference
    from ..interpret import interpret   # python_ref, without the engine's shared cache
    return evaluated, interpret(evaluated)


def forward_agrees(program, reference, evaluation):
    """Every value of the forward pass bit-identical: only then do the
    gradients speak of backward alone."""
    from ..judge.compare import ulp_distance
    return all(ulp_distance(reference[n][0], evaluation[n][0]) == 0
               for n in program.node_ids())


def first_wrong_gradient(program, reference, evaluation):
    """(node, port's gradient, python_ref's) of the first wrong gradient in
    backward order: the place the fault first shows."""
    for node in reversed(program.node_ids()):
        want, got = reference[node][1], evaluation[node][1]
        if not near(got, want, 0.0):
            return node, got, want
    return None

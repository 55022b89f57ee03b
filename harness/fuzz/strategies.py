"""hypothesis strategies for random expression programs, derived from the op
registry: a new op in harness.ops.OPS is fuzzed with no change here.

A program is drawn step by step. Each step picks an op, then fills each of
its operand slots with one of: a node made earlier (the most recent first, so
shrinking gives short chains and `a*a`), a number constant, or a fresh input.
Numbers and fresh inputs are drawn from the op's own sampler (`ordinary`
range, then `edges`, then any float), so log and pow get positive operands
more often and every op meets its own edge values.

Draw order is chosen so that hypothesis shrinks towards small programs of
small integers: fewer steps, the first op (`add`), reused nodes, integers
before fractions, fractions before edges, edges before arbitrary floats.
"""
import functools
import math

from hypothesis import strategies as st

from micrograd_lab.harness.ops import OPS, PAIRS
from micrograd_lab.harness.program import Arg, Program, Step

# Operand sources, in shrink order.
REUSE, NUMBER, FRESH = 0, 1, 2
_SOURCES = {True: st.sampled_from((REUSE, NUMBER, FRESH)), False: st.sampled_from((REUSE, FRESH))}


@st.composite
def _weighted(draw, branches):
    return draw(draw(st.sampled_from(branches)))


@functools.lru_cache(maxsize=None)
def values_for(op):
    """Floats to feed `op`: integers of its ordinary range, then any float of
    that range, then its edges, then any float at all (inf and nan included).
    Ordinary values come about twice as often as the rest: a gradient bug
    shows where values are finite, and one nan input can hide it."""
    lo, hi = op.ordinary
    ordinary = []
    if math.ceil(lo) <= math.floor(hi):
        ordinary.append(st.integers(math.ceil(lo), math.floor(hi)).map(float))
    ordinary.append(st.floats(lo, hi))
    unusual = ([st.sampled_from(op.edges)] if op.edges else []) + [st.floats()]
    return _weighted(tuple(ordinary * 2 + unusual))


def _slots(op, draw):
    """The operand slots of one step: a list of 'node' (a Value is required)
    or 'any' (a node or a number), in the op's argument layout (harness.ops)."""
    if op.kind == "unary":
        return ["node"]
    if op.kind == "binary":
        return ["any", "any"]
    if op.layout == PAIRS:        # start, w1..wn (Values), x1..xn
        n = draw(st.integers(1, 3))
        return ["any"] + ["node"] * n + ["any"] * n
    n = draw(st.integers(1, 4))   # TERMS: start, v1..vn (Values)
    return ["any"] + ["node"] * n


class _Builder:
    """The program as it is drawn: inputs, steps and the ids in order."""

    def __init__(self):
        self.inputs = []
        self.steps = []
        self.ids = []

    def fresh_input(self, value):
        name = f"x{len(self.inputs) + 1}"
        self.inputs.append((name, value))
        self.ids.append(name)
        return name

    def operand(self, draw, op, slot, numbers_left):
        numbers = slot == "any" and numbers_left > 0
        source = draw(_SOURCES[numbers])
        if source == REUSE:
            back = draw(st.integers(0, len(self.ids) - 1))
            return Arg.node(self.ids[-1 - back])
        value = draw(values_for(op))
        if source == NUMBER:
            return Arg.num(value)
        return Arg.node(self.fresh_input(value))


# After each step: go on (1, 2, 3) or stop (0, what shrinking prefers), so a
# program has 4 steps on average.
_MORE = st.integers(0, 3)


@st.composite
def _step(draw, builder, names, may_go_on):
    """One step and whether another follows, drawn as one span, so the
    shrinker can delete a whole step (the first one included)."""
    op = OPS[draw(st.sampled_from(names))]
    slots = _slots(op, draw)
    # At least one operand of every step is a node: `2 + 3` is not a graph.
    numbers_left = len(slots) - 1 if op.kind == "binary" else slots.count("any")
    args = []
    for slot in slots:
        arg = builder.operand(draw, op, slot, numbers_left)
        numbers_left -= arg.kind == "num"
        args.append(arg)
    step = Step(f"n{len(builder.steps) + 1}", op.name, tuple(args))
    return step, may_go_on and draw(_MORE) > 0


@st.composite
def programs(draw, max_steps=8, ops=None):
    """A Program of 1..max_steps steps over every op of `ops` (default: all
    of harness.ops.OPS); the output is the last step, or sometimes any step."""
    names = list(OPS) if ops is None else list(ops)
    builder = _Builder()
    # One input to start with; more come from the FRESH operand source, so
    # shrinking an operand to REUSE also removes its input.
    builder.fresh_input(draw(values_for(OPS[draw(st.sampled_from(names))])))
    more = True
    while more:
        step, more = draw(_step(builder, names, len(builder.steps) + 1 < max_steps))
        builder.steps.append(step)
        builder.ids.append(step.out)
    # backward starts from a computed node (a fixture cannot start from an input)
    output = builder.steps[-1].out
    if draw(st.booleans()):
        output = draw(st.sampled_from([s.out for s in builder.steps]))
    return Program(tuple(builder.inputs), tuple(builder.steps), output)

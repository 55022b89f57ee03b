"""The fused sum(...) and dot(...) nodes as the chain of + and * a port
without them would write.

lower(program, ops) rewrites every step whose op is in `ops` ("sum", "dot").
The last step of a lowered node keeps that node's id, so a cell compares the
same nodes as on the original program; the steps before it get ids with a
`~`, which no fixture id can contain (fixture ids are Python names, `#` and
`.`), so they are never compared.  The chain adds left to right from the
start, as python_ref's fused nodes do, so the values are bit-identical (IEEE
addition and multiplication commute exactly).  A number never goes on the
left of an operator (`v1 + 0.0`, `x * 2.0`): a port without numbers-on-the-
left support is not failed by lowering.
"""
from .program import Arg, Program, Step

LOWERABLE = ("sum", "dot")


def lower(program, ops):
    """program with its `ops` (a subset of LOWERABLE) as chains of + and *;
    program itself when it has none of them."""
    ops = set(ops) & set(LOWERABLE)
    if not ops or not any(step.op in ops for step in program.steps):
        return program
    steps = []
    for step in program.steps:
        if step.op in ops:
            steps.extend(_chain(step))
        else:
            steps.append(step)
    return Program(inputs=program.inputs, steps=tuple(steps), output=program.output)


def _terms(step):
    """(start, [(term, factor or None)]): sum's terms, or dot's w_i * x_i."""
    start, rest = step.args[0], step.args[1:]
    if step.op == "sum":
        return start, [(term, None) for term in rest]
    n = len(rest) // 2
    return start, list(zip(rest[:n], rest[n:]))


def _chain(step):
    start, terms = _terms(step)
    made = []
    counter = iter(range(1, 2 * len(terms) + 1))

    def emit(op, left, right, last=False):
        out = step.out if last else f"{step.out}~{next(counter)}"
        if left.kind == "num" and right.kind == "num":
            raise ValueError(f"step {step.out}: {op} of two numbers makes no node")
        if left.kind == "num":  # both ops commute exactly: the number goes right
            left, right = right, left
        made.append(Step(out, op, (left, right), step.line, step.text))
        return Arg.node(out)

    total = start
    for i, (term, factor) in enumerate(terms):
        last = i == len(terms) - 1
        if factor is not None:
            if term.kind == "num" and factor.kind == "num":
                term = Arg.num(term.value * factor.value)   # python_ref multiplies them too
            else:
                term = emit("mul", term, factor)
        if total.kind == "num" and term.kind == "num":
            total = Arg.num(total.value + term.value)
            if last:
                raise ValueError(f"step {step.out}: {step.op} of numbers only makes no node")
            continue
        # python_ref adds start + term; start is the left operand unless it is a number
        total = emit("add", total, term, last)
    return made

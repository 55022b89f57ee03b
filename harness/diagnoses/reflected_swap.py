"""operands-swapped: with a number on the left, an operator that does not
commute computes the operands the other way round (2 - x gives x - 2): a
reflected method (Python's __rsub__) or a metamethod that swaps its
arguments to put the Value first, which is right only for + and *.  Shown
where the value is exactly the swapped one and the number on the right
works: in the numbers probe (2 - x against x - 2) and in a fixture's step
with a number on its left."""
from ..judge.verdict import FAIL
from ..ops import OPS
from ..probes.numbers import CONSTANT, X
from .common import Bug, Evidence, holds_its_arguments
from .wording import DEFAULT, JAVASCRIPT, LUA, PYTHON

NOT_COMMUTING = ("sub", "div", "pow")

BUGS = [Bug("operands-swapped", "a number on the left swapped to the right", {
    PYTHON: "2 - x gives x - 2: for a number on the left Python calls x.__rsub__(2), with the "
            "number as other; return Value(other) - self, not self - other (and the same in "
            "__rtruediv__ and __rpow__)",
    LUA: "2 - x gives x - 2: Lua calls __sub(2, x) with the number first; a metamethod that "
         "swaps its arguments to put the Value first is right only for + and *: lift the "
         "number to a Value in its own place",
    JAVASCRIPT: "2 - x gives x - 2: the method for a number on the left (rsub(other)) must "
                "compute other - this, not this - other",
    DEFAULT: "2 - x gives x - 2: the operator for a number on the left swaps its operands to "
             "put the Value first, which is right only for + and *: compute the number minus "
             "(or over, or to the power of) the Value"},
    9.5, "rsub-swapped", ("lecture-number-2-minus-x",), shown_on="", names_ops="in {ops}")]
# (9.5: beside the other numbers-on-one-side bugs, before the edges' bugs)


def _swapped(op, number, value):
    """What op gives with its operands the other way round."""
    return OPS[op].fold(value, number)


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status != FAIL or evaluation is None:
        return []
    for step in evaluated.steps:
        kinds = tuple(a.kind for a in step.args)
        if step.op not in NOT_COMMUTING or kinds != ("num", "node") or \
                not holds_its_arguments(step, reference, evaluation):
            continue
        number, value = step.resolve(lambda node_id: reference[node_id][0])
        got, want = evaluation[step.out][0], reference[step.out][0]
        swapped = _swapped(step.op, number, value)
        if got != want and got == swapped:
            return [Evidence("operands-swapped", engine, fixture.name, step.out,
                             f"{step.text or step.op}: {got!r}, which is {value!r} "
                             f"{OPS[step.op].syntax.split()[1]} {number!r}; python_ref "
                             f"{want!r}", ops=(step.op,))]
    return []


def from_probes(engine, probes):
    probe = probes.get("numbers")
    cases = probe.details.get("cases", []) if probe else []
    works = {(c["op"], c["integers"]) for c in cases if c["side"] == "right" and not c["problem"]}
    swapped = {}
    for c in cases:
        if (c["side"] == "left" and c["op"] in NOT_COMMUTING and c["problem"]
                and (c["op"], c["integers"]) in works
                and c.get("y") == _swapped(c["op"], CONSTANT, X)):
            swapped.setdefault(c["op"], c)
    if not swapped:
        return []
    shown = "; ".join(f"{c['case']} gives {c['y']!r}, x {OPS[op].syntax.split()[1]} 2"
                      for op, c in swapped.items())
    return [Evidence("operands-swapped", engine, "probe numbers", "",
                     f"at x = {X:g}: {shown}", ops=tuple(swapped))]

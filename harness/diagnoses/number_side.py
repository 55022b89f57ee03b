"""number-left, number-right: the numbers probe finds a constant on one side
of an operator failing (an error, not a value) where on the other side it
works (2 * x against x * 2, x - 2 against 2 - x); a fixture's ERROR at a
step with a number on that side counts only where the probe shows the same
(the error may have another cause).  pow is left out: x ** 2 is the one
form every port has, and 2 ** x another op to many."""
import re

from ..judge.verdict import ERROR
from .common import Bug, Evidence, split_place
from .wording import DEFAULT, JAVASCRIPT, LUA, PYTHON

BUGS = [
    Bug("number-left", "numbers on the left unsupported", {
        LUA: "2 * x fails where x * 2 works: Lua calls the metamethod (__add, __sub, __mul, "
             "__div, __pow) with the number as its first argument; lift both arguments to "
             "Values in each metamethod",
        PYTHON: "2 * x fails where x * 2 works: for a number on the left Python calls the "
                "reflected methods (__radd__, __rsub__, __rmul__, __rtruediv__, __rpow__); "
                "define them, each computing Value(other) op self",
        JAVASCRIPT: "2 * x fails where x * 2 works: a number on the left reaches the method "
                    "as its receiver; lift it to a Value (new Value(2).mul(x)) before calling",
        DEFAULT: "2 * x fails where x * 2 works: the operator assumes a Value on its left; "
                 "turn a number operand into a Value"},
        9, "modules", ("numbers",), confirmed_by_probe=True, names_ops="in {ops}"),
    Bug("number-right", "numbers on the right unsupported", {
        LUA: "x - 2 fails where 2 - x works: the metamethod (__sub, __div, ...) uses its second "
             "argument as a Value (other.data, other:neg()) and gets the number; lift both "
             "arguments to Values in each metamethod",
        PYTHON: "x - 2 fails where 2 - x works: the operator method (__sub__, __truediv__, ...) "
                "uses other as a Value and gets the number; wrap it first (other = other if "
                "isinstance(other, Value) else Value(other))",
        JAVASCRIPT: "x.sub(2) fails where new Value(2).sub(x) works: the method uses its "
                    "argument as a Value (other.neg(), other.pow(-1), other.data) and JavaScript "
                    "passes the plain number; lift it first (other instanceof Value ? other : "
                    "new Value(other))",
        DEFAULT: "x - 2 fails where 2 - x works: the operator assumes a Value on its right; "
                 "turn a number operand into a Value"},
        13, "js-numbers", ("numbers",), shown_on="", confirmed_by_probe=True,
        names_ops="in {ops}"),
]
SIDE_BUG = {"left": "number-left", "right": "number-right"}
OTHER_SIDE = {"left": "right", "right": "left"}
FAILED_STEP = re.compile(r"^error: step (\S+) \((\w+)\): ")


def _side(step):
    kinds = [a.kind for a in step.args]
    return {("num", "node"): "left", ("node", "num"): "right"}.get(tuple(kinds))


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status != ERROR:
        return []
    m = FAILED_STEP.match(cell.message)
    step = evaluated.step_by_id().get(m[1]) if m else None
    side = _side(step) if step is not None and step.op != "pow" else None
    if side is None:
        return []
    place, message = split_place(cell.message[len(m[0]):])
    return [Evidence(SIDE_BUG[side], engine, fixture.name, step.out,
                     f"{step.text or step.op}: {message[:160]}", ops=(step.op,), place=place)]


def _is_error(problem):
    return bool(problem) and not problem.startswith("node ")   # not a wrong value


def from_probes(engine, probes):
    probe = probes.get("numbers")
    cases = probe.details.get("cases", []) if probe else []
    by_key = {(c["op"], c["side"], c["integers"]): c for c in cases}
    found = {}
    for c in cases:
        side = c["side"]
        if side not in SIDE_BUG or c["op"] == "pow" or not _is_error(c["problem"]):
            continue
        other = by_key.get((c["op"], OTHER_SIDE[side], c["integers"]))
        if other is None or other["problem"] or c["op"] in found.get(side, {}):
            continue
        found.setdefault(side, {})[c["op"]] = (c, other)
    evidence = []
    for side, failing in found.items():
        places, shown = [], []
        for c, other in failing.values():
            place, message = split_place(c["problem"])
            places.append(place)
            shown.append(f"{c['case']}: {message.removeprefix('error: ')[:120]}"
                         + (f" (at {place})" if place else ""))
        works = ", ".join(other["case"] for _, other in failing.values())
        evidence.append(Evidence(SIDE_BUG[side], engine, "probe numbers", "",
                                 f"{'; '.join(shown)}; {works} "
                                 f"work{'s' if len(failing) == 1 else ''}",
                                 ops=tuple(failing)))
    return evidence

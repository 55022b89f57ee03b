"""number-left: the numbers probe finds 2 * x failing where x * 2 works; a
fixture's ERROR at a step with a number left of its operator counts only
where the probe shows the same (the error may have another cause)."""
import re

from ..judge.verdict import ERROR
from .common import Bug, Evidence

BUGS = [Bug("number-left", "numbers on the left unsupported",
            "2 * x fails where x * 2 works: the metamethods assume a Value on the left; turn "
            "either operand into a Value", 9, "modules", ("numbers",),
            confirmed_by_probe=True)]
FAILED_STEP = re.compile(r"^error: step (\S+) \((\w+)\): ")


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status != ERROR:
        return []
    m = FAILED_STEP.match(cell.message)
    step = evaluated.step_by_id().get(m[1]) if m else None
    if step is None or len(step.args) != 2 or step.args[0].kind != "num" or \
            step.args[1].kind != "node":
        return []
    return [Evidence("number-left", engine, fixture.name, step.out,
                     f"{step.text or step.op}: {cell.message[len(m[0]):][:160]}")]


def from_probes(engine, probes):
    probe = probes.get("numbers")
    cases = probe.details.get("cases", []) if probe else []
    by_key = {(c["op"], c["side"], c["integers"]): c for c in cases}
    for c in cases:
        if c["side"] != "left" or c["op"] == "pow" or not c["problem"]:
            continue
        right = by_key.get((c["op"], "right", c["integers"]))
        if right is not None and not right["problem"] and not c["problem"].startswith(
                "node "):   # an error, not a value
            return [Evidence("number-left", engine, "probe numbers", "",
                             f"{c['case']}: {c['problem'][:160]} (x {c['case'][2]} 2 works)")]
    return []

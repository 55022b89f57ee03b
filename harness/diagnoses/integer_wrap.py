"""integer-wrap: a value is what 64-bit integer arithmetic makes of
python_ref's, and not 0 (2^63 wraps to -2^63), or the numbers probe's 2^63
from the integer 1 wrapped."""
import math

from ..judge.verdict import CONVENTION, FAIL
from .common import Bug, Evidence

# x * 1.0, not x + 0.0, to make a float: -0 + 0.0 is +0.0, and a student who
# followed that advice met new -inf/+inf failures on the zero-sign fixtures
BUGS = [Bug("integer-wrap", "integers that wrap (Lua 5.3+)",
            "a value that started as a Lua integer (grad = 0, backward's seed 1, or an "
            "integral input's data) stays one, and 64-bit integers wrap at 2^63: start from "
            "floats (0.0, 1.0) and turn data into floats with x * 1.0 (x + 0.0 would turn -0.0 "
            "into 0.0)", 4, "gradient-field",
            ("reuse-doubling-1000",))]


def _wrap64(x):
    """What 64-bit two's complement integer arithmetic makes of integral x."""
    n = (int(x) + 2**63) % 2**64 - 2**63
    return float(n)


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    program, best = fixture.program, None
    for node in program.node_ids():
        for index, name in enumerate(("data", "grad")):
            ref, got = reference[node][index], evaluation.get(node, (None, None))[index]
            if ref is None or got is None or not math.isfinite(ref) or abs(ref) < 2.0**63:
                continue
            wrapped = _wrap64(ref) if ref.is_integer() else None
            # 0 would also be a gradient never added; -2^63 wraps to itself, and a
            # Python port whose every gradient was 0 read "-2^63 where python_ref has -2^63"
            if wrapped and got == wrapped and got != ref:
                if best is None or abs(ref) < abs(best[2]):
                    best = (node, name, ref, got)
    if best is None:
        return []
    node, name, ref, got = best
    return [Evidence("integer-wrap", engine, fixture.name, node,
                     f"{name} is {got!r} where python_ref has {ref!r} = "
                     f"2^{math.log2(abs(ref)):g}: a 64-bit integer wrapped")]


def from_probes(engine, probes):
    """The numbers probe's x + x doubled 63 times from the integer 1."""
    probe = probes.get("numbers")
    found = []
    for c in probe.details.get("cases", []) if probe else []:
        values = c.get("values") or {}
        if c["side"] == "none" and c["problem"] and -2.0**63 in values.values():
            shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
            found.append(Evidence("integer-wrap", engine, "probe numbers", "",
                                  f"{c['case']} from the integer 1: {shown} (2^63 wrapped to "
                                  "-2^63)"))
    return found

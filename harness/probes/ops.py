"""The op probe, before the corpus: a one-op program per op of harness.ops,
to find which ops an engine lacks (their fixtures read UNSUPPORTED; sum and
dot are lowered to + and * instead)."""
from dataclasses import dataclass

from ..engines.base import Unsupported
from ..lower import LOWERABLE
from ..ops import OPS
from .common import OK, WARN, Probe, failure_text, node, num, program

SUPPORTED, UNSUPPORTED_OP, LOWERED, BROKEN = "ok", "unsupported", "lowered", "error"
NUMBER_EXPONENT_ONLY = ("pow with a number exponent only, as the port says (a Value "
                        "exponent: UNSUPPORTED)")


@dataclass(frozen=True)
class OpStatus:
    state: str            # SUPPORTED, UNSUPPORTED_OP, LOWERED or BROKEN
    message: str = ""


def op_program(op):
    """A program with one step of op, every argument a Value (a number exponent
    for pow, the way every port has it)."""
    kind = {"sum": "nary", "dot": "nary"}.get(op)
    if op == "pow":
        return program([("a", 1.5)], [("y", "pow", (node("a"), num(3.0)))], "y")
    if op in ("add", "sub", "mul", "div"):
        return program([("a", 1.5), ("b", 0.25)],
                        [("y", op, (node("a"), node("b")))], "y")
    if kind == "nary" and op == "sum":
        return program([("a", 1.5), ("b", 0.25)],
                        [("y", "sum", (num(0.0), node("a"), node("b")))], "y")
    if op == "dot":
        return program([("a", 1.5), ("b", 0.25), ("c", -2.0), ("d", 3.0)],
                        [("y", "dot", (num(0.0), node("a"), node("b"), node("c"),
                                       node("d")))], "y")
    return program([("x", 2.0 if op == "log" else 0.5)], [("y", op, (node("x"),))], "y")


def probe_ops(runtime):
    """{op: OpStatus} for every op of harness.ops.OPS."""
    declared = runtime.declared_ops()
    out = {}
    for op in OPS:
        if declared is not None and op not in declared:
            out[op] = OpStatus(LOWERED if op in LOWERABLE else UNSUPPORTED_OP,
                               "the port does not declare it")
            continue
        try:
            runtime.evaluate(op_program(op))
        except Unsupported as exc:
            out[op] = OpStatus(LOWERED if op in LOWERABLE else UNSUPPORTED_OP, str(exc))
        except Exception as exc:   # the op is there and fails: its fixtures say how
            out[op] = OpStatus(BROKEN, failure_text(exc))
        else:
            out[op] = OpStatus(SUPPORTED, NUMBER_EXPONENT_ONLY if op == "pow" and
                               runtime.number_exponent_only else "")
    if out["pow"].state == SUPPORTED and not runtime.number_exponent_only:
        out["pow"] = OpStatus(SUPPORTED, _value_exponent_fails(runtime))
    return out


def _value_exponent_fails(runtime):
    """What a pow that works with a number exponent says of a Value one, or ""
    where that works too: a port that follows the lecture raises there, and
    its Value-exponent fixtures all read ERROR, with no word of the manifest
    key or driver flag that declares it."""
    try:
        runtime.evaluate(program([("a", 1.5), ("b", 2.0)], [("y", "pow", (node("a"), node("b")))],
                                 "y"))
    except Unsupported:
        return ""
    except Exception as exc:
        return (f"pow fails with a Value exponent ({failure_text(exc)}): a pow that takes numbers "
                "only, as the lecture's does, is declared (pow = \"number-exponent\" in a Lua "
                "port's manifest, --pow number-exponent to a driver), and its Value-exponent "
                "fixtures read UNSUPPORTED")
    return ""


def ops_probe(ops):
    """The op probe as a Probe for the reports."""
    lacking = sorted(op for op, s in ops.items() if s.state == UNSUPPORTED_OP)
    lowered = sorted(op for op, s in ops.items() if s.state == LOWERED)
    broken = {op: s.message for op, s in ops.items() if s.state == BROKEN}
    parts = [f"{sum(s.state == SUPPORTED for s in ops.values())} of {len(ops)} ops"]
    if lacking:
        parts.append(f"no {', '.join(lacking)} (their fixtures: UNSUPPORTED)")
    if lowered:
        parts.append(f"{', '.join(lowered)} lowered to + and *")
    if ops.get("pow") and ops["pow"].state == SUPPORTED and ops["pow"].message:
        parts.append(ops["pow"].message)   # a number exponent only, declared or not
    alike = {}   # one line per message: a port stopped short fails every op alike
    for op, message in sorted(broken.items()):
        alike.setdefault(message, []).append(op)
    parts += [f"{', '.join(ops_)} fail{'s' if len(ops_) == 1 else ''}: {message}"
              for message, ops_ in alike.items()]
    undeclared = ops.get("pow") and ops["pow"].message.startswith("pow fails")
    return Probe("ops", WARN if lacking or broken or undeclared else OK, "; ".join(parts),
                 {"ops": {op: {"state": s.state, "message": s.message}
                          for op, s in ops.items()}})

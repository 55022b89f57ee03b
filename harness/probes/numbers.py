"""numbers: numbers as a user writes them: a constant on either side of each
operator (2 * x and x * 2), and integral inputs and constants as integers
(Lua 5.3+ and JSON have them), where x + x doubled 63 times reaches 2^63."""
import math

from ..engines.base import Unsupported
from ..interpret import interpret
from ..judge.verdict import FAIL, compare
from ..levels import NUMBERS
from ..lower import lower
from .common import FAULT, OK, Entry, Probe, failure_text, node, num, program, stopped_by_the_run
from .ops import UNSUPPORTED_OP

SIDES = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
X, CONSTANT = 3.0, 2.0   # 2 * x and x * 2 at x = 3
DOUBLINGS = 63   # x + x doubled 63 times: 2^63, one past the largest 64-bit integer


def constant_programs():
    """[(label, op, program)]: each operator with the constant 2 on the
    left and on the right of a Value x = 3."""
    out = []
    for op, symbol in SIDES.items():
        out.append((f"2 {symbol} x", op, program([("x", X)],
                                                  [("y", op, (num(CONSTANT), node("x")))], "y")))
        out.append((f"x {symbol} 2", op, program([("x", X)],
                                                  [("y", op, (node("x"), num(CONSTANT)))], "y")))
    return out


def doubling_program(n=DOUBLINGS):
    steps = [(f"x#{k + 1}", "add", (node("x" if k == 1 else f"x#{k}"),) * 2)
             for k in range(1, n + 1)]
    return program([("x", 1.0)], steps, f"x#{n + 1}")


def _check(runtime, program, integers, lower_ops):
    """(what went wrong or None, evaluation or None, how: None (a wrong value
    or none), "raised" (the port raised or crashed) or "unsupported" (the
    port says it has no such op: not a fault))."""
    try:
        evaluation = runtime.evaluate(lower(program, lower_ops), integers=integers)
    except Unsupported as exc:
        return None, None, f"unsupported: {exc}"
    except Exception as exc:
        if stopped_by_the_run(exc):
            raise
        return failure_text(exc), None, "raised"
    reference = interpret(program)   # python_ref (not the backend's cache: threads)
    cell = compare(reference, evaluation, program)
    if cell.status == FAIL:
        return cell.first_fail.describe(), evaluation, None
    return None, evaluation, None


def probe_numbers(runtime, ops, lower_ops):
    cases = []
    for label, op, program in constant_programs():
        if op == "pow" and label.startswith("2") and runtime.number_exponent_only:
            continue   # 2 ** x: a Value exponent, which the port says it does not take
        if ops[op].state == UNSUPPORTED_OP:
            continue
        for integers in (False, True):
            problem, evaluation, how = _check(runtime, program, integers, lower_ops)
            cases.append({"case": label, "op": op, "integers": integers,
                          "side": "left" if label.startswith("2") else "right",
                          "problem": problem, **({"how": how} if how else {}),
                          **({"y": _plain(evaluation["y"][0])} if evaluation else {})})
    problem, evaluation, how = _check(runtime, doubling_program(), True, lower_ops)
    cases.append({"case": f"x + x doubled {DOUBLINGS} times", "op": "add", "integers": True,
                  "side": "none", "problem": problem, **({"how": how} if how else {}),
                  "values": _doubling_values(evaluation)})
    bad = [c for c in cases if c["problem"]]
    if not bad:
        summary = (f"{len(cases)} cases: constants on both sides of + - * / **, integral "
                   "numbers as integers")
        return Probe("numbers", OK, summary, {"cases": cases})
    shown = "; ".join(f"{c['case']}{' (integers)' if c['integers'] else ''}: {c['problem']}"
                      for c in bad[:3])
    more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
    # a wrong value is a FAIL; only cases that raised make an ERROR
    return Probe("numbers", FAULT, f"{len(bad)} of {len(cases)} cases fail: {shown}{more}",
                 {"cases": cases}, raised=all(c.get("how") == "raised" for c in bad))


def _doubling_values(evaluation):
    if evaluation is None:
        return None
    last = f"x#{DOUBLINGS + 1}"
    return {"x.grad": _plain(evaluation["x"][1]), f"{last}.data": _plain(evaluation[last][0])}


def _plain(x):
    return x if x is None or math.isfinite(x) else repr(x)


def _run(context):
    return probe_numbers(context.engine, context.ops, context.lower_ops)


PROBES = [Entry("numbers", 1, _run, test_port="modules", level=NUMBERS)]

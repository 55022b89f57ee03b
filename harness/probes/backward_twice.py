"""backward-twice: backward called twice on the same graph.  micrograd and
torch accumulate (a leaf's gradient doubles); a port may zero them first;
anything else is reported."""
from .common import FAULT, OK, SKIPPED, Entry, Probe, failure_text, node, program

BACKWARD_TWICE = program([("a", 3.0), ("b", -2.0)], [("L", "mul", (node("a"), node("b")))],
                          "L")


def probe_backward_twice(twice):
    """twice: a runtime of the port whose backward statement runs twice, or None."""
    if twice is None:
        return Probe("backward-twice", SKIPPED, "not measured: this port's adapter cannot "
                     "call backward twice")
    try:
        values = twice.evaluate(BACKWARD_TWICE)
    except Exception as exc:
        return Probe("backward-twice", FAULT, f"the second backward fails: {failure_text(exc)}",
                     {"error": failure_text(exc)}, raised=True)
    grads = (values["a"][1], values["b"][1])
    details = {"a.grad": grads[0], "b.grad": grads[1], "once": [-2.0, 3.0]}
    if grads == (-4.0, 6.0):
        return Probe("backward-twice", OK, "accumulates, as micrograd and torch do: a leaf's "
                     "gradient doubles (zero the gradients between calls)",
                     dict(details, behaviour="accumulates"))
    if grads == (-2.0, 3.0):
        return Probe("backward-twice", OK, "starts from zero: the port zeroes the gradients "
                     "itself (micrograd and torch accumulate)", dict(details, behaviour="zeroes"))
    return Probe("backward-twice", FAULT, f"neither accumulates nor zeroes: a.grad = "
                 f"{grads[0]!r}, b.grad = {grads[1]!r} (once: -2.0, 3.0)",
                 dict(details, behaviour="other"))


def _run(context):
    twice = context.spec.twice().open() if hasattr(context.spec, "twice") else None
    try:
        return probe_backward_twice(twice)
    finally:
        if twice is not None:
            twice.close()


PROBES = [Entry("backward-twice", 2, _run, test_port="assigned")]

"""backward-twice: backward called twice on the same graph, L = a * a at a =
3 (one node, a used twice: no inner node whose gradient could carry over
from the first call).  One call gives a.grad = 2a = 6.  micrograd and torch
accumulate: a second call doubles it (12), and the gradients of two losses
sharing a node add up the same way.  A port whose backward zeroes the graph
first keeps one call's 6: two losses cannot add up.  A port that assigns
gradients instead of adding keeps one of the two contributions, 3, after any
number of calls.  A port whose backward never seeds L's own gradient with 1
has no gradient at all: L.grad and a.grad 0 (an op without a backward keeps
L.grad at 1).  Anything else is reported as it is."""
from ..levels import LECTURE
from .common import (FAULT, OK, SKIPPED, Entry, Probe, failure_text, node, program,
                     stopped_by_the_run)

BACKWARD_TWICE = program([("a", 3.0)], [("L", "mul", (node("a"), node("a")))], "L")
ONCE = 6.0
# a.grad after two calls: (behaviour, status, what it means)
BEHAVIOURS = {
    12.0: ("accumulates", OK, "accumulates, as micrograd and torch do: a leaf's gradient "
                              "doubles (zero the gradients between calls)"),
    ONCE: ("zeroes", FAULT, "a second backward adds nothing: after two backward calls of "
                            "L = a * a, a.grad is 6.0, as after one (micrograd and torch: "
                            "12.0): backward zeroes the graph first, or its ops assign their "
                            "gradients, and the gradients of two losses sharing a node cannot "
                            "add up"),
    3.0: ("assigns", FAULT, "assigns gradients: after backward of L = a * a at a = 3, a.grad "
                            "is 3.0, one of its two contributions, where it must get 6.0 per "
                            "call"),
}

NO_GRADIENT = ("no gradient at all: after backward of L = a * a at a = 3 twice, L.grad and "
               "a.grad are 0.0 (micrograd and torch: 1.0 and 12.0): backward never set L's own "
               "gradient to 1, or the gradients were zeroed after it")


def probe_backward_twice(twice):
    """twice: a runtime of the port whose backward statement runs twice, or None."""
    if twice is None:
        return Probe("backward-twice", SKIPPED, "not measured: this port's adapter cannot "
                     "call backward twice")
    try:
        values = twice.evaluate(BACKWARD_TWICE)
    except Exception as exc:
        if stopped_by_the_run(exc):
            raise
        return Probe("backward-twice", FAULT, f"the second backward fails: {failure_text(exc)}",
                     {"error": failure_text(exc)}, raised=True)
    grad = values["a"][1]
    details = {"a.grad": grad, "once": ONCE}
    output_grad = values.get("L", (None, None))[1]
    if grad == 0 and output_grad == 0:
        return Probe("backward-twice", FAULT, NO_GRADIENT,
                     dict(details, behaviour="no gradient", **{"L.grad": output_grad}))
    if grad in BEHAVIOURS:
        behaviour, status, summary = BEHAVIOURS[grad]
        return Probe("backward-twice", status, summary, dict(details, behaviour=behaviour))
    return Probe("backward-twice", FAULT, f"neither accumulates nor zeroes: after backward of "
                 f"L = a * a at a = 3 twice, a.grad is {grad!r} (micrograd and torch: 6.0 "
                 f"after one call, 12.0 after two)",
                 dict(details, behaviour="other"))


def _run(context):
    twice = context.spec.twice().open() if hasattr(context.spec, "twice") else None
    try:
        return probe_backward_twice(twice)
    finally:
        if twice is not None:
            twice.close()


PROBES = [Entry("backward-twice", 2, _run, test_port="assigned", level=LECTURE)]

"""zeroes-graph: the backward-twice probe finds a second backward giving what
one gives: backward zeroes the graph's gradients before it starts, so the
gradients of two losses that share a node cannot add up (micrograd and
torch add them; the user zeroes between steps)."""
from .common import Bug, Evidence

BUGS = [Bug("zeroes-graph", "backward zeroes the whole graph first",
            "backward sets every gradient of the graph to zero before it starts, so calling it "
            "for a second loss that shares nodes with the first loses the first's gradients: "
            "leave the gradients as they are (micrograd and torch add to them), and let the "
            "user zero them between steps (zero_grad)", 20, "exponent-zeroing",
            ("backward-twice",), shown_on="",
            # ops that assign give 6.0 after two calls too: a Python port whose mul
            # assigned was told its backward zeroed a graph it never touched
            joins=("assigned", "steps-never-run"))]   # the seed after the walk: 0, then 6


def from_probes(engine, probes):
    probe = probes.get("backward-twice")
    if not (probe and probe.details.get("behaviour") == "zeroes"):
        return []
    d = probe.details
    return [Evidence("zeroes-graph", engine, "probe backward-twice", "a",
                     f"L = a * a at a = 3: after two backward calls a.grad is "
                     f"{d['a.grad']!r}, as after one; micrograd and torch give 12.0")]

"""The speed targets, judged (pass / miss / not measured); never asserted.

The targets are set for a full run: the training step on the demo's 100
points, the graphs up to 1,000,000 nodes, the whole matrix.  A --quick run
measures far less, so each of its targets reads "not judged (quick)" beside
what it did measure.
"""
from ..engines.registry import REFERENCE
from .training import MICROGRAD

# The goals of the speed work: python_ref with the collector on, as users run it
PYTHON_REF_SPEEDUP = 30.0
LUAJIT_SPEEDUP = 50.0
LUAJIT = "luajit21"
LARGEST = 1_000_000
LINEAR_SLOPE = 1.05     # log-log slope of time against size, 10^4 to 10^6 nodes
MATRIX_SECONDS = 10.0
NOT_JUDGED = "not judged (quick)"


def _verdict(ok):
    return "pass" if ok else "miss"


def _speedup(training, engine, goal):
    ratio = next((r["speedup_vs_micrograd"] for r in training if r["engine"] == engine), None)
    label = f"{engine} training step >= {goal:g}x {MICROGRAD}"
    if ratio is None:
        return {"target": label, "value": "not measured", "verdict": "not measured"}
    return {"target": label, "value": f"{ratio:.1f}x", "verdict": _verdict(ratio >= goal)}


def _linear(fit):
    label = f"{fit['engine']} {fit['shape']}: linear up to {LARGEST:,} nodes"
    if fit["slope"] is None or fit["largest"] < LARGEST:
        reason = fit["stopped"] or f"largest size {fit['largest']:,}"
        return {"target": label, "value": reason, "verdict": "miss" if fit["stopped"] else "not measured"}
    return {"target": label, "value": f"slope {fit['slope']:.3f}",
            "verdict": _verdict(fit["slope"] <= LINEAR_SLOPE)}


def _matrix(parity):
    label = f"the whole matrix (make parity) < {MATRIX_SECONDS:g} s"
    if parity["seconds"] is None:
        return {"target": label, "value": parity["skipped"], "verdict": "not measured"}
    return {"target": label, "value": f"{parity['seconds']:.1f} s",
            "verdict": _verdict(parity["seconds"] < MATRIX_SECONDS)}


def judge(results):
    """The targets of the parts results holds, in table order."""
    out = []
    training = results.get("training")
    if training is not None:
        out.append(_speedup(training, REFERENCE, PYTHON_REF_SPEEDUP))
        out.append(_speedup(training, LUAJIT, LUAJIT_SPEEDUP))
    graphs = results.get("graphs")
    if graphs is not None:
        out += [_linear(fit) for fit in graphs["fits"]]
    matrix = results.get("matrix")
    if matrix is not None:
        out.append(_matrix(matrix["parity"]))
    if results["options"]["quick"]:
        out = [dict(t, verdict=NOT_JUDGED) for t in out]
    return out

"""activations.png: every op of the registry with a curve to show (relu,
tanh, exp, log, sigmoid) and its derivative, each point a python_ref forward
and backward."""
from harness.ops import OPS
from python_ref import Value

from ..style import figure, save

FILE = "activations.png"
# (op, x range, the derivative's formula for the legend), from harness.ops
ACTIVATIONS = tuple((op.name, op.curve, op.derivative_text)
                    for op in OPS.values() if op.curve is not None)
POINTS = 401


def curve(op, lo, hi, n=POINTS):
    """xs, op(x) and d op/dx by python_ref at n evenly spaced points."""
    xs, ys, gs = [], [], []
    for i in range(n):
        x = Value(lo + (hi - lo) * i / (n - 1))
        y = OPS[op].apply(x)
        y.backward()
        xs.append(x.data)
        ys.append(y.data)
        gs.append(x.grad)
    return xs, ys, gs


def draw(outdir):
    fig, axes = figure(1, len(ACTIVATIONS), figsize=(18, 4))
    for ax, (op, (lo, hi), formula) in zip(axes, ACTIVATIONS):
        xs, ys, gs = curve(op, lo, hi)
        ax.plot(xs, ys, color="black", linewidth=2, label=f"{op}(x)")
        ax.plot(xs, gs, color="#d62728", linestyle="--", linewidth=2, label=f"d/dx = {formula}")
        ax.axhline(0.0, color="grey", linewidth=0.8)
        ax.axvline(0.0, color="grey", linewidth=0.8)
        ax.set_title(op)
        ax.set_xlabel("x")
        ax.legend(loc="upper left")
        if op == "log":
            ax.set_ylim(-4, 8)
    axes[0].set_ylabel("value")
    fig.suptitle("Activation functions and their derivatives (python_ref backward)", y=1.03)
    return [save(fig, outdir / FILE)]

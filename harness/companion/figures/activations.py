"""activations.png: every op of the registry with a curve to show (its
entry's `curve`, so a new op brings its own panel).  The question: is
backward's slope the derivative?  Each panel draws the function, its exact
derivative (the op's exact reference in harness.ops, at 200 bits) and
python_ref's backward at sample points.  Where the derivative jumps (relu
at 0) it is drawn in two pieces: a filled dot where the function's own
convention puts it, an open dot at the end the other piece does not reach."""
from micrograd_lab.harness.ops import OPS
from micrograd_lab.python_ref import Value

from ..kinks import split_at_kinks
from ..style import figure, legend_below, save

FILE = "activations.png"
# (op, x range, the derivative's formula for the title), from harness.ops
ACTIVATIONS = tuple((op.name, op.curve, op.derivative_text)
                    for op in OPS.values() if op.curve is not None)
POINTS = 401
SAMPLES = 17       # backward's slope is marked at this many points per panel
DERIVATIVE = dict(color="#d62728", linewidth=2, linestyle="--")


def grid(lo, hi, n=POINTS):
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)]


def backward_slopes(op, xs):
    """[(op(x), d op/dx)] by python_ref's forward and backward."""
    out = []
    for x in xs:
        v = Value(x)
        y = OPS[op].apply(v)
        y.backward()
        out.append((y.data, v.grad))
    return out


def exact_derivative(op, xs):
    """d op/dx at each x from the op's exact reference, rounded to float."""
    return [float(OPS[op].reference([x])[1][0]) for x in xs]


def pieces(op, xs):
    """The grid split where the op is not smooth: ([smooth runs], [kink xs])."""
    return split_at_kinks(xs, lambda x: OPS[op].branch(x) is None)


def _panel(ax, op, lo, hi, formula):
    xs = grid(lo, hi)
    ys = [y for y, _ in backward_slopes(op, xs)]
    ax.plot(xs, ys, color="black", linewidth=2, label="the function")
    runs, kinks = pieces(op, xs)
    for run in runs:
        ax.plot(run, exact_derivative(op, run), label="its derivative (exact)", **DERIVATIVE)
    for x in kinks:
        (_, at_kink), = backward_slopes(op, [x])
        ends = {exact_derivative(op, [run[-1]])[0] for run in runs if run[-1] < x}
        ends |= {exact_derivative(op, [run[0]])[0] for run in runs if run[0] > x}
        for end in sorted(ends - {at_kink}):
            ax.plot([x], [end], "o", markersize=7, markerfacecolor="white",
                    markeredgecolor=DERIVATIVE["color"], markeredgewidth=1.5, zorder=4,
                    label="at a kink: the other side's limit (open)")
        ax.plot([x], [at_kink], "o", markersize=7, color=DERIVATIVE["color"], zorder=4,
                label="at a kink: backward's value (filled)")
    samples = grid(lo, hi, SAMPLES)
    ax.plot(samples, [g for _, g in backward_slopes(op, samples)], "o", markersize=6,
            markerfacecolor="none", markeredgecolor="#1f77b4", markeredgewidth=1.5,
            label="backward's slope at sample points (python_ref)")
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.axvline(0.0, color="grey", linewidth=0.8)
    ax.set_title(f"{op}(x)\nd/dx = {formula}", fontsize=11)
    ax.set_xlabel("x")
    if op == "log":
        ax.set_ylim(-4, 8)


def draw(outdir):
    fig, axes = figure(2, 3, figsize=(13, 8.5))
    flat = axes.flatten()
    for ax, (op, (lo, hi), formula) in zip(flat, ACTIVATIONS):
        _panel(ax, op, lo, hi, formula)
    for ax in flat[len(ACTIVATIONS):]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel("value, slope")
    labels = {}
    for ax in flat[:len(ACTIVATIONS)]:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            labels.setdefault(label, handle)
    legend_below(fig, list(labels.values()), ncol=2)
    fig.suptitle("Each activation, its derivative, and backward's slope")
    return [save(fig, outdir / FILE)]

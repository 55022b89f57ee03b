"""fd_error.png: the error of the forward and central difference quotients
against the step h, on log-log axes.  Large h: the truncation error (h for
forward, h**2 for central) dominates; small h: rounding in f(x+h) - f(x)
grows like eps/h.  The best h of each is marked, and the steps the notes
use.  Mishra's notes warn: "if we use too small h, we will eventually get
an incorrect value".

The rounding noise this figure draws shows every last bit, and the C
library's pow and tanh differ in the last bit between CPUs with and without
FMA.  So the parabola is float arithmetic with x*x for x**2 (+ - * are exact
IEEE operations, the same everywhere), and tanh is correctly rounded (the
op's 200-bit reference)."""
from decimal import Decimal

from micrograd_lab.harness.ops import OPS
from micrograd_lab.python_ref import Value

from ..lecture import f
from ..style import figure, legend_below, save

FILE = "fd_error.png"
# h from 1e-16 to 1, 20 steps a decade: decimal powers, not libm's pow, whose
# last bit differs between CPUs with and without FMA
STEPS = [float(Decimal(10) ** (Decimal(i - 320) / 20)) for i in range(321)]


def exact_slope(fn, x):
    v = Value(x)
    out = fn(v)
    out.backward()
    return v.grad


def errors(fn, x, exact, scheme):
    """[(h, |quotient - exact|)] for fn (float -> float), for scheme 'forward'
    or 'central'."""
    out = []
    for h in STEPS:
        if scheme == "forward":
            q = (fn(x + h) - fn(x)) / h
        else:
            q = (fn(x + h) - fn(x - h)) / (2 * h)
        out.append((h, abs(q - exact)))
    return out


def best(points):
    """The h with the smallest nonzero error (ties: the first)."""
    return min((p for p in points if p[1] > 0.0), key=lambda p: p[1])


def rounded_tanh(x):
    """tanh(x) correctly rounded."""
    return float(OPS["tanh"].reference([x])[0])


def rounded_tanh_slope(x):
    """tanh'(x) correctly rounded."""
    return float(OPS["tanh"].reference([x])[1][0])


# (title, function of a float, x, its exact slope there, a note under the
# title, the name the legend gives it)
CASES = (
    ("f(x) = 3x² − 4x + 5 at x = 3 (f' = 14)", lambda x: 3 * x * x - 4 * x + 5, 3.0,
     exact_slope(f, 3.0), "central is exact for a parabola: only rounding remains", "f"),
    ("tanh(x) at x = 0.5", rounded_tanh, 0.5, rounded_tanh_slope(0.5),
     "tanh correctly rounded", "tanh"),
)


# The steps the notes use, each drawn as a vertical line (named in the legend,
# not written over the curves).
NOTES_STEPS = ((1e-3, "janf's notes: h = 0.001", (0, (1, 2))),
               (1e-5, "Mishra's notes: h = 0.00001", (0, (5, 2))))


def draw(outdir):
    fig, axes = figure(1, 2, figsize=(13, 5.5), sharey=True)
    for ax, (title, fn, x, exact, note, name) in zip(axes, CASES):
        for scheme, colour in (("forward", "#1f77b4"), ("central", "#d62728")):
            pts = errors(fn, x, exact, scheme)
            shown = [(h, err) for h, err in pts if err > 0.0]  # log axes cannot show 0
            ax.loglog([h for h, _ in shown], [err for _, err in shown], color=colour,
                      linewidth=1.2, label=f"{scheme}: (f(x+h) − f(x{'−h' if scheme == 'central' else ''}))"
                                           f"/{'2h' if scheme == 'central' else 'h'}")
            h_best, err_best = best(pts)
            ax.plot([h_best], [err_best], "*", color=colour, markersize=15, markeredgecolor="black",
                    label=f"{name}: best {scheme} h ≈ {h_best:.1e} (error {err_best:.1e})")
        if name == "f":
            for h, label, dashes in NOTES_STEPS:
                ax.axvline(h, color="dimgrey", linestyle=dashes, linewidth=1.2, label=label)
        ax.set_title(title + (f"\n({note})" if note else ""), fontsize=11)
        ax.set_xlabel("step h")
        ax.set_ylim(1e-16, 1e3)
    axes[0].set_ylabel("|quotient − backward's slope|")
    handles = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    legend_below(fig, list(handles.values()), ncol=2, fontsize=8)
    fig.suptitle("Finite differences: too large an h truncates, too small an h rounds")
    return [save(fig, outdir / FILE)]


__all__ = ["draw", "errors", "best", "exact_slope"]

"""fd_error.png: the error of the forward and central difference quotients
against the step h, on log-log axes.  Large h: the truncation error (h for
forward, h**2 for central) dominates; small h: rounding in f(x+h) - f(x)
grows like eps/h.  The best h of each is marked, and the steps the notes
use.  Mishra's notes warn: "if we use too small h, we will eventually get
an incorrect value"."""
from python_ref import Value

from ..lecture import f
from ..style import figure, legend_below, save

FILE = "fd_error.png"
EXPONENTS = [-16 + 0.05 * i for i in range(321)]  # h from 1e-16 to 1


def exact_slope(fn, x):
    v = Value(x)
    out = fn(v)
    out.backward()
    return v.grad


def errors(fn, x, scheme):
    """[(h, |quotient - exact|)] on python_ref, for scheme 'forward' or 'central'."""
    exact = exact_slope(fn, x)
    out = []
    for e in EXPONENTS:
        h = 10.0 ** e
        if scheme == "forward":
            q = (fn(Value(x + h)).data - fn(Value(x)).data) / h
        else:
            q = (fn(Value(x + h)).data - fn(Value(x - h)).data) / (2 * h)
        out.append((h, abs(q - exact)))
    return out


def best(points):
    """The h with the smallest nonzero error (ties: the first)."""
    return min((p for p in points if p[1] > 0.0), key=lambda p: p[1])


# (title, function, x, a note under the title, the name the legend gives it)
CASES = (
    ("f(x) = 3x² − 4x + 5 at x = 3 (f' = 14)", f, 3.0,
     "central is exact for a parabola: only rounding remains", "f"),
    ("tanh(x) at x = 0.5", lambda v: v.tanh(), 0.5, "", "tanh"),
)


# The steps the notes use, each drawn as a vertical line (named in the legend,
# not written over the curves).
NOTES_STEPS = ((1e-3, "janf's notes: h = 0.001", (0, (1, 2))),
               (1e-5, "Mishra's notes: h = 0.00001", (0, (5, 2))))


def draw(outdir):
    fig, axes = figure(1, 2, figsize=(13, 5.5), sharey=True)
    for ax, (title, fn, x, note, name) in zip(axes, CASES):
        for scheme, colour in (("forward", "#1f77b4"), ("central", "#d62728")):
            pts = errors(fn, x, scheme)
            shown = [(h, err) for h, err in pts if err > 0.0]  # log axes cannot show 0
            ax.loglog([h for h, _ in shown], [err for _, err in shown], color=colour,
                      linewidth=1.2, label=f"{scheme}: (f(x+h) − f(x{'−h' if scheme == 'central' else ''}))"
                                           f"/{'2h' if scheme == 'central' else 'h'}")
            h_best, err_best = best(pts)
            ax.plot([h_best], [err_best], "*", color=colour, markersize=15, markeredgecolor="black",
                    label=f"{name}: best {scheme} h ≈ {h_best:.1e} (error {err_best:.1e})")
        if fn is f:
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

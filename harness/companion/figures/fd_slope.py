"""fd_slope.png: the slope a nudge gives against the slope backward gives,
across x.  The question: how far is (f(x+h) - f(x))/h from the true slope,
and where?  Top: backward's slope as a line, the forward and the central
quotient at the sample points; bottom: quotient minus backward's slope.
The forward quotient is off by about h f''(x)/2 (3h, a constant, for the
lecture's parabola), the central one by about h² f'''(x)/6 (nothing but
rounding for the parabola).  Everything on python_ref, with the h of
janf's notes."""
from micrograd_lab.python_ref import Value

from ..lecture import f
from ..style import figure, legend_below, save

FILE = "fd_slope.png"
H = 0.001
# (title, function, sample points): the lecture's f on Mishra's grid, and tanh
CASES = (
    ("f(x) = 3x² − 4x + 5", f, [-5.0 + 0.25 * i for i in range(41)]),
    ("tanh(x)", lambda v: v.tanh(), [-4.0 + 0.25 * i for i in range(33)]),
)
SCHEMES = (("forward", "(f(x+h) − f(x))/h", "#1f77b4", "s"),
           ("central", "(f(x+h) − f(x−h))/2h", "#d62728", "^"))


def backward_slope(fn, x):
    v = Value(x)
    fn(v).backward()
    return v.grad


def quotient(fn, x, scheme, h=H):
    if scheme == "forward":
        return (fn(Value(x + h)).data - fn(Value(x)).data) / h
    return (fn(Value(x + h)).data - fn(Value(x - h)).data) / (2 * h)


def draw(outdir):
    fig, axes = figure(2, 2, figsize=(13, 7.5), sharex="col",
                       gridspec_kw={"height_ratios": [3, 2]})
    for column, (title, fn, xs) in enumerate(CASES):
        ax, ax_d = axes[0][column], axes[1][column]
        exact = [backward_slope(fn, x) for x in xs]
        ax.plot(xs, exact, color="black", linewidth=2, label="backward's slope (python_ref)")
        for scheme, formula, colour, marker in SCHEMES:
            qs = [quotient(fn, x, scheme) for x in xs]
            ax.plot(xs, qs, marker, color=colour, markerfacecolor="none", markersize=6,
                    label=f"{scheme} quotient {formula}, h = {H:g}")
            ax_d.plot(xs, [q - e for q, e in zip(qs, exact)], marker + "-", color=colour,
                      markerfacecolor="none", markersize=5, linewidth=1)
        ax_d.axhline(0.0, color="grey", linewidth=0.8)
        ax.set_title(title)
        ax_d.set_xlabel("x")
        ax_d.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    axes[0][0].set_ylabel("slope df/dx")
    axes[1][0].set_ylabel("quotient − backward's slope")
    legend_below(fig, axes[0][0].get_legend_handles_labels()[0], ncol=3)
    fig.suptitle(f"Nudging x by h = {H:g} against backward: the forward quotient is off by "
                 "about h·f''(x)/2, the central one by about h²·f'''(x)/6")
    return [save(fig, outdir / FILE)]

"""plot0.png: f(x) = 3x**2 - 4x + 5 over [-5, 5] in steps of 0.25 (Mishra's
plot#0), with the tangent lines at x = 3, -3 and 2/3.  The slopes come from
backward on every engine; the figure uses them only if the engines agree."""
from ..engines import engine_names, evaluate
from ..lecture import f_program
from ..style import figure, legend_below, save

TANGENT_POINTS = ((3.0, "x = 3"), (-3.0, "x = -3"), (2 / 3, "x = 2/3"))
FILE = "plot0.png"


def grid():
    """-5, -4.75, ..., 5 as Mishra's Lua session's `for x = -5,5,0.25` counts (exact in binary)."""
    return [-5.0 + 0.25 * i for i in range(41)]


def tangents(engine_list=None):
    """[(x0, f(x0), slope)] by backward; raises if two engines disagree."""
    out = []
    for x0, _ in TANGENT_POINTS:
        program = f_program(x0)
        answers = {e: evaluate(e, program) for e in (engine_list or engine_names())}
        pairs = {(a["y"][0], a["x"][1]) for a in answers.values()}
        if len(pairs) != 1:
            raise RuntimeError(f"engines disagree on f and f' at x = {x0!r}: {answers}")
        (y0, slope), = pairs
        out.append((x0, y0, slope))
    return out


def draw(outdir, engine_list=None):
    xs = grid()
    ys = [evaluate("python_ref", f_program(x))["y"][0] for x in xs]
    fig, ax = figure(figsize=(7.5, 6))
    ax.plot(xs, ys, "o-", color="black", markersize=3, label="f(x) = 3x² − 4x + 5")
    colours = ("#d62728", "#1f77b4", "#2ca02c")
    for (x0, y0, slope), (_, name), colour in zip(tangents(engine_list), TANGENT_POINTS, colours):
        span = [x0 - 1.5, x0 + 1.5]
        ax.plot(span, [y0 + slope * (x - x0) for x in span], color=colour, linewidth=2,
                label=f"tangent at {name}: slope {slope:g}")
        ax.plot([x0], [y0], "o", color=colour, markersize=7)
    ax.set_title("f(x) = 3x² − 4x + 5 and three tangents (slopes by backward)")
    ax.set_xlabel("x")
    ax.set_ylabel("f(x)")
    ax.set_xlim(-5.2, 5.2)
    legend_below(fig, ncol=2)
    return [save(fig, outdir / FILE)]

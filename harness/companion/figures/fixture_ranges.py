"""fixture_<name>.png for every fixture with a [plot] range.  The question:
along the range, do the engines give the same output and the same slope,
and does backward's slope match a nudge?

Top: the output; middle: backward's slope, with the lecture's nudge
(f(x+h) - f(x))/h at sample points; both with the fixture's own point
marked.  The slope's line breaks at a kink (relu at 0), where a dot shows
the engines' convention.  Engines identical to the bit along the range are one line;
an engine that differs anywhere gets a line of its own, and the bottom
panel shows how many ulps it is from python_ref at each x.  torch is left
out: its last bits depend on the CPU kernels it picks (the parity matrix
checks it), and this figure is the same on every machine."""
import math
import re
from dataclasses import replace
from functools import lru_cache

from matplotlib.lines import Line2D

from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.ops import OPS

from ..engines import REFERENCE, agreeing, agreement, bitwise_engines, evaluate
from ..kinks import split_at_kinks
from ..lecture import NUDGE_H
from ..style import POINT_STYLE, figure, group_style, legend_below, save, ulp_axis

MAX_POINTS = 401  # a longer range is sampled evenly (the figure cannot show more)
NUDGES = 21       # sample points of the nudged slope along the range


def file_name(fixture):
    return "fixture_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", fixture.name) + ".png"


def range_points(plot):
    count = int(math.floor((plot["to"] - plot["from"]) / plot["step"] + 1e-9)) + 1
    stride = max(1, math.ceil(count / MAX_POINTS))
    return [plot["from"] + plot["step"] * i for i in range(0, count, stride)]


def moved(fixture, x):
    """The fixture's program with its plot variable set to x."""
    var, program = fixture.plot["var"], fixture.program
    return replace(program, inputs=tuple((n, x if n == var else v) for n, v in program.inputs))


def sweep(fixture, engine):
    """[(x, output data, d output / d var)] along the fixture's plot range."""
    var, output = fixture.plot["var"], fixture.program.output
    out = []
    for x in range_points(fixture.plot):
        result = evaluate(engine, moved(fixture, x))
        out.append((x, result[output][0], result[var][1]))
    return out


def nudged_slopes(fixture, xs, h=NUDGE_H):
    """[(x, (f(x+h) - f(x))/h)] on python_ref, as the lecture estimates a slope."""
    output = fixture.program.output

    def f(x):
        return evaluate(REFERENCE, moved(fixture, x))[output][0]
    return [(x, (f(x + h) - f(x)) / h) for x in xs]


def kinks(fixture, xs):
    """The xs where some node of the program sits on a kink or a domain edge
    (its op's branch is None, as python_ref computes it): the slope jumps
    there, so its line is not drawn through them."""
    out = set()
    for x in xs:
        program = moved(fixture, x)
        result = evaluate(REFERENCE, program)
        if any(OPS[step.op].branch(*step.resolve(lambda n: result[n][0])) is None
               for step in program.steps):
            out.add(x)
    return out


def _ulps(a, b):
    d = ulp_distance(a, b)
    return d if math.isfinite(d) else float("nan")  # nan: infinitely far, not drawn


def _point(fixture):
    """(x, output, slope) at the fixture's own inputs, on python_ref."""
    var, program = fixture.plot["var"], fixture.program
    result = evaluate(REFERENCE, program)
    return dict(program.inputs)[var], result[program.output][0], result[var][1]


# A slope that is the same everywhere (db/da = 2) had nudges 4e-12 off it fill
# the panel, its ticks 0 to 4 under an offset "1e-12+2": read as db/da = 0
FLAT_SHARE = 0.01


def _not_zoomed_into_noise(ax):
    """The axis spans at least FLAT_SHARE of its values' size, without an offset."""
    lo, hi = ax.get_ylim()
    size = max(abs(lo), abs(hi))
    if size and hi - lo < FLAT_SHARE * size:
        middle = (lo + hi) / 2
        ax.set_ylim(middle - FLAT_SHARE * size, middle + FLAT_SHARE * size)
    ax.ticklabel_format(axis="y", useOffset=False)


def draw_fixture(fixture, outdir, engine_list=None):
    names = bitwise_engines(engine_list)
    sweeps, failed = {}, {}
    for engine in names:
        try:
            sweeps[engine] = sweep(fixture, engine)
        except Exception as exc:  # an engine's error is shown, not fatal
            failed[engine] = f"{type(exc).__name__}: {exc}"
    var, output = fixture.plot["var"], fixture.program.output
    fig, (ax_f, ax_g, ax_u) = figure(3, 1, figsize=(9, 10.5), sharex=True,
                                     gridspec_kw={"height_ratios": [3, 3, 2]})
    groups = agreeing(sweeps)
    ref = sweeps.get(REFERENCE)
    kinked = kinks(fixture, range_points(fixture.plot))
    handles, ulps_drawn = [], []
    for i, (group, pts) in enumerate(groups):
        xs = [p[0] for p in pts]
        if i == 0:
            style = dict(color="black", linestyle="-", linewidth=2.2)
            label = agreement(group, len(names))
        else:
            style = dict(group_style(group), linewidth=1.6)
            label = f"{', '.join(group)}: differ (ulps below)"
        ax_f.plot(xs, [p[1] for p in pts], **style)
        runs, on_kinks = split_at_kinks(pts, lambda p: p[0] in kinked)
        for run in runs:
            ax_g.plot([p[0] for p in run], [p[2] for p in run], **style)
        ax_g.plot([p[0] for p in on_kinks], [p[2] for p in on_kinks], "o", markersize=6,
                  color=style["color"])
        handles.append(Line2D([], [], label=label, **style))
        if i and ref is not None:
            colour = style["color"]
            for what, marker, index in (("output", "o", 1), ("slope", "x", 2)):
                ulps = [_ulps(p[index], r[index]) for p, r in zip(pts, ref)]
                ulps_drawn += ulps
                line, = ax_u.plot(xs, ulps, marker, markersize=4 if marker == "o" else 5,
                                  color=colour, label=f"{', '.join(group)}: {what}")
                handles.append(line)
    if len(groups) == 1 and ref is not None:
        ax_u.plot([p[0] for p in ref], [0.0] * len(ref), color="black", linewidth=2.2)
    nudges = range_points(fixture.plot)
    nudges = nudges[::max(1, math.ceil(len(nudges) / NUDGES))]
    slopes = nudged_slopes(fixture, nudges)
    nudge, = ax_g.plot([x for x, _ in slopes], [s for _, s in slopes], "o", markersize=6,
                       markerfacecolor="none", markeredgecolor="#d62728", markeredgewidth=1.4,
                       label=f"nudge: (f({var} + h) − f({var}))/h, h = {NUDGE_H:g} (python_ref)")
    x0, y0, g0 = _point(fixture)
    ax_f.plot([x0], [y0], **POINT_STYLE)
    point, = ax_g.plot([x0], [g0], label=f"the fixture's point: {var} = {x0:.6g}", **POINT_STYLE)
    handles += [nudge, point]
    if kinked:
        handles.append(Line2D([], [], marker="o", linestyle="", color="black",
                              label="on a kink: backward's slope (the line breaks)"))
    title = f"{fixture.name}: {output} as {var} moves (python_ref and the Lua runtimes)"
    if failed:
        title += "\n(raised: " + ", ".join(sorted(failed)) + ")"
    ax_f.set_title(title, fontsize=11)
    ax_f.set_ylabel(output)
    ax_g.set_ylabel(f"d{output}/d{var}")
    _not_zoomed_into_noise(ax_g)
    ulp_axis(ax_u, ulps_drawn, "ulps from python_ref")
    ax_u.set_xlabel(var)
    legend_below(fig, handles, ncol=2)
    return save(fig, outdir / file_name(fixture))


@lru_cache(maxsize=1)
def plotted_fixtures():
    """The corpus's fixtures with a [plot] range (parsed once per process: the
    sweeps draw them, the notes link them)."""
    from micrograd_lab.harness.fixture import load_corpus

    fixtures, errors = load_corpus()
    for e in errors:
        print(f"fixture skipped: {e}")
    return tuple(f for f in fixtures if f.plot)


def draw(outdir, engine_list=None, fixtures=None):
    fixtures = plotted_fixtures() if fixtures is None else fixtures
    return [draw_fixture(f, outdir, engine_list) for f in fixtures]


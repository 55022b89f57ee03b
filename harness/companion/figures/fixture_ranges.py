"""fixture_<name>.png for every fixture with a [plot] range: the output and
its derivative along the range on every engine, overlaid, and below them
each engine's distance from python_ref in ulps (where a port drifts)."""
import math
import re
from dataclasses import replace

from matplotlib.ticker import FuncFormatter

from harness.judge.compare import ulp_distance

from ..engines import REFERENCE, engine_names, evaluate
from ..style import engine_style, figure, save

MAX_POINTS = 401  # a longer range is sampled evenly (the figure cannot show more)


def file_name(fixture):
    return "fixture_" + re.sub(r"[^A-Za-z0-9_.-]+", "_", fixture.name) + ".png"


def range_points(plot):
    count = int(math.floor((plot["to"] - plot["from"]) / plot["step"] + 1e-9)) + 1
    stride = max(1, math.ceil(count / MAX_POINTS))
    return [plot["from"] + plot["step"] * i for i in range(0, count, stride)]


def sweep(fixture, engine):
    """[(x, output data, d output / d var)] along the fixture's plot range."""
    var, program = fixture.plot["var"], fixture.program
    out = []
    for x in range_points(fixture.plot):
        moved = replace(program, inputs=tuple((n, x if n == var else v) for n, v in program.inputs))
        result = evaluate(engine, moved)
        out.append((x, result[program.output][0], result[var][1]))
    return out


def _ulps(a, b):
    d = ulp_distance(a, b)
    return d if math.isfinite(d) else float("nan")  # nan: infinitely far, not drawn


def draw_fixture(fixture, outdir, engine_list=None):
    names = engine_list or engine_names()
    sweeps, failed = {}, {}
    for engine in names:
        try:
            sweeps[engine] = sweep(fixture, engine)
        except Exception as exc:  # an engine's error is shown, not fatal
            failed[engine] = f"{type(exc).__name__}: {exc}"
    var, output = fixture.plot["var"], fixture.program.output
    fig, (ax_f, ax_g, ax_u) = figure(3, 1, figsize=(9, 10), sharex=True,
                                     gridspec_kw={"height_ratios": [3, 3, 2]})
    for engine, pts in sweeps.items():
        xs = [p[0] for p in pts]
        ax_f.plot(xs, [p[1] for p in pts], label=engine, **engine_style(engine))
        ax_g.plot(xs, [p[2] for p in pts], label=engine, **engine_style(engine))
        if engine != REFERENCE and REFERENCE in sweeps:
            ref = sweeps[REFERENCE]
            style = engine_style(engine)
            ax_u.plot(xs, [_ulps(p[1], r[1]) for p, r in zip(pts, ref)], "o", markersize=4,
                      color=style["color"], label=f"{engine}: value")
            ax_u.plot(xs, [_ulps(p[2], r[2]) for p, r in zip(pts, ref)], "x", markersize=5,
                      color=style["color"], label=f"{engine}: derivative")
    title = f"{fixture.name}: {output} as {var} moves"
    if failed:
        title += "\n(raised: " + ", ".join(sorted(failed)) + ")"
    ax_f.set_title(title)
    ax_f.set_ylabel(output)
    ax_g.set_ylabel(f"d{output}/d{var} (backward)")
    ax_u.set_ylabel("ulps from python_ref")
    ax_u.set_yscale("symlog", linthresh=1)
    ax_u.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))  # 1, 10, not 10^0
    ax_u.set_xlabel(var)
    ax_f.legend(title="engine", ncol=3, fontsize=8)
    if ax_u.lines:
        # Colours name the engines (top legend); here only the two markers.
        from matplotlib.lines import Line2D
        markers = [Line2D([], [], marker="o", linestyle="", color="grey", label="value"),
                   Line2D([], [], marker="x", linestyle="", color="grey", label="derivative")]
        ax_u.legend(handles=markers, loc="upper right", fontsize=8, title="colour = engine",
                    title_fontsize=8, framealpha=0.9)
    return save(fig, outdir / file_name(fixture))


def plotted_fixtures():
    from harness.fixture import load_corpus

    fixtures, errors = load_corpus()
    for e in errors:
        print(f"fixture skipped: {e}")
    return [f for f in fixtures if f.plot]


def draw(outdir, engine_list=None, fixtures=None):
    fixtures = plotted_fixtures() if fixtures is None else fixtures
    return [draw_fixture(f, outdir, engine_list) for f in fixtures]

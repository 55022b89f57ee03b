"""`make plots` draws every figure the README and the walkthrough link, and
each figure shows what it says: the tests read the plotted data back from
the matplotlib Figure (its axes, lines and their x/y data, titles, labels,
number of series) and compare it with the values computed independently
(quick versions: fewer engines).  Every figure is drawn, and none has two
texts over each other or a legend over its data."""
import json
import math
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from micrograd_lab.harness import lua_engines
from micrograd_lab.harness.companion import engines, lecture
from micrograd_lab.harness.companion.draw import dot_available
from micrograd_lab.harness.companion.figures import FIGURES, figure_module
from micrograd_lab.harness.companion.figures import (activations, fd_slope, finite_differences,
                                       fixture_ranges, parabola, parity_heatmap,
                                       training as training_figures)
from micrograd_lab.harness.companion.paths import PLOTS_DIR

REPO_ROOT = Path(__file__).resolve().parents[1]
from micrograd_lab.harness.companion.plots_cli import main as plots_main
from micrograd_lab.harness.companion.style import recorded, ulp_ticks
from micrograd_lab.harness.companion.training import trained
from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.fixture import load_corpus
from micrograd_lab.harness.training.task import lecture_task, moons_task
from micrograd_lab.python_ref import Value

import shared_corpus
from figure_layout import layout_of, legends_over_axes, noting_layout, overlapping_texts

# One pytest-xdist worker runs this file with test_companion_training.py and
# test_companion_walkthrough.py: the trained networks (trained() keeps them
# per process) are trained once.
pytestmark = pytest.mark.xdist_group("trained-networks")

LUA = lua_engines.runtimes()
QUICK = (engines.REFERENCE,) + LUA[:1] + (engines.TORCH,)
TRAINING_ENGINES = QUICK[:1] + (engines.TORCH,)
# a runtime with the port's own tanh: its sweeps of tanh differ from python_ref's
OWN_TANH = [rt for rt in ("lua54", "lua53", "lua55") if rt in LUA][:1]
# every sweep is drawn on python_ref, and two on every engine: the one whose
# legend is the longest, and one where LuaJIT 2.0's own pow would differ
FULL_SWEEP = "tanh-at-0p5"
FULL_SWEEPS = (FULL_SWEEP, "pow-1p5-to-3")

FIXTURE_WITH_RANGE = """\
name = "companion-probe"
source = "tests/test_companion_plots.py"
description = "tanh(x) * exp(x) along a range"
tags = ["ops"]
output = "y"
program = '''
t = x.tanh()
y = t * x.exp()
'''

[inputs]
x = 0.5

[plot]
var = "x"
from = -2.0
to = 2.0
step = 0.25
"""


def _tiny_grid():
    return (["lecture-l-minus-8", "exp-at-1"], ["expected", "lua51", "torch"],
            {(0, 0): ("EXACT", 0.0), (0, 1): ("EXACT", 0.0), (0, 2): ("CLOSE", 2.0),
             (1, 0): ("N/A", 0.0), (1, 1): ("FAIL", float("inf")), (1, 2): ("ERROR", 0.0)})


def _crowded_grid():
    """Every fixture of the corpus on every column, the cells cycling through
    every status with the widest texts: where the heatmap's texts are longest."""
    names = [f.name for f in shared_corpus.FIXTURES]
    columns = ["expected", *LUA, "torch", "fd"]
    statuses = [("CLOSE", 2.75e11), ("ERROR", 0.0), ("FAIL", 1e6), ("UNRESOLVED", 0.0),
                ("EXACT", 0.0), ("CLOSE", 999.0), ("N/A", 0.0)]
    return names, columns, {(i, j): statuses[(i + j) % len(statuses)]
                            for i in range(len(names)) for j in range(len(columns))}


def _draw_all(outdir):
    """What `make plots` writes, quickly: fewer engines, made-up matrices."""
    written = []
    written += parabola.draw(outdir, QUICK)
    for name in ("fd_slope", "finite_differences", "activations", "graphs"):
        written += figure_module(name).draw(outdir)
    plotted = [f for f in shared_corpus.FIXTURES if f.plot]
    written += fixture_ranges.draw(outdir, (engines.REFERENCE,), plotted)
    written += fixture_ranges.draw(outdir, None, [shared_corpus.BY_NAME[n] for n in FULL_SWEEPS])
    # the corpus's tags from the suite's one load (corpus_tags() would parse it again)
    tags = {f.name: f.tags[0] for f in shared_corpus.FIXTURES}
    written += parity_heatmap.draw(outdir, _crowded_grid(), tags=tags)
    written += parity_heatmap.draw(outdir, _tiny_grid(), per_fixture=True)
    written += training_figures.draw(outdir, TRAINING_ENGINES)
    return written


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """(the folder, the paths written, {file name: Figure} of every matplotlib
    figure, {file name: its Layout as saved})."""
    outdir = tmp_path_factory.mktemp("plots")
    with recorded() as figures, noting_layout() as layouts:
        written = _draw_all(outdir)
    return outdir, written, figures, {name: layouts[fig] for name, fig in figures.items()}


def _xy(line):
    return list(line.get_xdata()), list(line.get_ydata())


def _plot_links(markdown_path, prefix):
    """Every image or link target of a Markdown file that lies in plots/."""
    targets = []
    for token in MarkdownIt().parse(markdown_path.read_text()):
        for child in token.children or ():
            target = child.attrGet("src") if child.type == "image" else child.attrGet("href")
            if target and target.startswith(prefix) and "://" not in target:
                targets.append(target[len(prefix):])
    return targets


def test_every_figure_module_is_drawn(drawn):
    outdir, written, figures, _ = drawn
    names = {p.name for p in written}
    assert "plot0.png" in names  # the plot0.png of Mishra's notes, reproduced under its name
    sweeps = {fixture_ranges.file_name(f) for f in shared_corpus.FIXTURES if f.plot}
    matplotlib_files = {"plot0.png", "fd_slope.png", "fd_error.png", "activations.png",
                        "parity_heatmap.png", parity_heatmap.FILE_PER_FIXTURE,
                        *training_figures.FILES, *sweeps}
    assert len(sweeps) >= 10 and matplotlib_files <= names and set(figures) == matplotlib_files
    if dot_available():
        assert {"graph_L_after.svg", "graph_neuron_before.png"} <= names
    for path in written:
        assert path.parent == outdir and path.is_file()


def test_no_figure_has_texts_over_each_other_or_a_legend_over_its_data(drawn):
    problems = {}
    for name, layout in drawn[3].items():
        # titles, labels, ticks, legends: found, not skipped
        assert len(layout.texts) >= 10 and layout.axes, name
        found = overlapping_texts(layout) + legends_over_axes(layout)
        if found:
            problems[name] = found
    assert not problems


def test_the_layout_check_sees_overlaps():
    from micrograd_lab.harness.companion.style import figure

    fig, ax = figure(figsize=(4, 3))
    ax.plot([0, 1], [0, 1], label="a line")
    ax.set_title("a title")
    ax.text(0.5, 1.0, "over the title", transform=ax.transAxes, va="bottom", ha="center")
    ax.legend(loc="center")
    layout = layout_of(fig)
    assert {t.get_text() for t, _ in layout.texts} >= {"a title", "over the title", "a line", "0.0"}
    assert overlapping_texts(layout) == ["'over the title' overlaps 'a title'"]
    assert legends_over_axes(layout) == ["a legend over axes 0 ('a title')"]


def test_ulp_axes_tick_at_powers_of_two():
    assert ulp_ticks(0) == [0, 1]
    assert ulp_ticks(3) == [0, 1, 2, 4]
    assert ulp_ticks(17) == [0, 1, 2, 4, 8, 16, 32]
    assert ulp_ticks(12102) == [0] + [4 ** k for k in range(8)]  # every second power: 8 ticks


def test_plot0_shows_f_and_its_tangents_with_the_slopes_backward_gives(drawn):
    (ax,) = drawn[2]["plot0.png"].axes
    curve, *marks = ax.lines
    assert _xy(curve) == (parabola.grid(), [lecture.f(x) for x in parabola.grid()])
    assert len(parabola.grid()) == 41 and parabola.grid()[::20] == [-5.0, 0.0, 5.0]
    tangents, dots = marks[0::2], marks[1::2]
    assert len(tangents) == len(dots) == 3
    for line, dot, x0, slope in zip(tangents, dots, (3.0, -3.0, 2 / 3), (14.0, -22.0, 0.0)):
        y0 = lecture.f(x0)
        xs, ys = _xy(line)
        assert xs == [x0 - 1.5, x0 + 1.5]
        assert ys == pytest.approx([y0 + slope * (x - x0) for x in xs], abs=1e-12)  # f'(x) = 6x - 4
        assert _xy(dot) == ([x0], [pytest.approx(y0, abs=1e-15)])
    assert [line.get_label() for line in tangents[:2]] == ["tangent at x = 3: slope 14",
                                                         "tangent at x = -3: slope -22"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "f(x)")
    assert "three tangents" in ax.get_title()


def test_fd_error_plots_the_quotients_errors_and_the_best_h(drawn):
    axes = drawn[2]["fd_error.png"].axes
    assert len(axes) == len(finite_differences.CASES) == 2
    (_, f, x_f, slope_f, _, _), (_, g, x_g, slope_g, _, _) = finite_differences.CASES
    assert (f(3.0), slope_f) == (20.0, 14.0)  # 3x*x - 4x + 5, and backward: f'(x) = 6x - 4
    # tanh correctly rounded: within half an ulp of the true value, as is its slope
    assert abs(g(x_g) - math.tanh(0.5)) <= math.ulp(math.tanh(0.5))
    assert slope_g == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-15)
    steps = finite_differences.STEPS
    assert (steps[0], steps[160], steps[-1]) == (1e-16, 1e-8, 1.0) and len(steps) == 321
    for ax, (title, fn, x, exact, _, _) in zip(axes, finite_differences.CASES):
        assert ax.get_title().startswith(title) and ax.get_xlabel() == "step h"
        quotients = {
            "forward": [(fn(x + h) - fn(x)) / h for h in steps],
            "central": [(fn(x + h) - fn(x - h)) / (2 * h) for h in steps]}
        curve_f, best_f, curve_c, best_c = ax.lines[:4]
        for scheme, curve, star in (("forward", curve_f, best_f), ("central", curve_c, best_c)):
            shown = [(h, abs(q - exact)) for h, q in zip(steps, quotients[scheme]) if q != exact]
            assert _xy(curve) == ([h for h, _ in shown], [e for _, e in shown]), scheme
            h_best, e_best = min(shown, key=lambda p: p[1])
            assert _xy(star) == ([h_best], [e_best]), scheme
    # the textbook shape: tanh's best forward h near sqrt(eps), central near eps**(1/3)
    _, best_f, _, best_c = axes[1].lines[:4]
    assert 1e-10 < best_f.get_xdata()[0] < 1e-6 and 1e-7 < best_c.get_xdata()[0] < 1e-3
    # the notes' steps are vertical lines the legend names, not text over the curves
    steps = {line.get_label(): list(line.get_xdata()) for line in axes[0].lines[4:]}
    assert steps == {"janf's notes: h = 0.001": [1e-3, 1e-3],
                     "Mishra's notes: h = 0.00001": [1e-5, 1e-5]}
    assert not axes[0].texts


def test_fd_slope_sets_the_nudged_slope_beside_backwards_across_x(drawn):
    axes = drawn[2]["fd_slope.png"].axes
    (_, f, xs_f), (_, tanh, xs_t) = fd_slope.CASES
    assert xs_f == parabola.grid()
    for column, (title, fn, xs) in enumerate(fd_slope.CASES):
        ax, ax_d = axes[column], axes[2 + column]
        assert ax.get_title() == title
        backward, forward, central = ax.lines[:3]
        exact = [fd_slope.backward_slope(fn, x) for x in xs]
        assert _xy(backward) == (xs, exact)
        h = fd_slope.H
        assert _xy(forward) == (xs, [(fn(Value(x + h)).data - fn(Value(x)).data) / h for x in xs])
        assert _xy(central) == (xs, [(fn(Value(x + h)).data - fn(Value(x - h)).data) / (2 * h)
                                     for x in xs])
        diff_forward, diff_central = ax_d.lines[:2]
        assert list(diff_forward.get_ydata()) == [q - e for q, e in zip(forward.get_ydata(), exact)]
        assert list(diff_central.get_ydata()) == [q - e for q, e in zip(central.get_ydata(), exact)]
    # the parabola: backward's slope is 6x - 4, the forward quotient 6x - 4 + 3h
    assert list(axes[0].lines[0].get_ydata()) == [6 * x - 4 for x in xs_f]
    assert list(axes[2].lines[0].get_ydata()) == pytest.approx([3 * fd_slope.H] * len(xs_f), abs=1e-9)
    assert max(map(abs, axes[2].lines[1].get_ydata())) < 1e-9
    # tanh: the forward quotient is off by about h f''(x)/2, f'' = -2 tanh (1 - tanh**2)
    assert list(axes[3].lines[0].get_ydata()) == pytest.approx(
        [-fd_slope.H * math.tanh(x) * (1 - math.tanh(x) ** 2) for x in xs_t], abs=5e-7)


ACTIVATION_MATH = {  # each op and its derivative, by the math module alone
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "relu": (lambda x: max(x, 0.0), lambda x: float(x > 0)),
    "exp": (math.exp, math.exp),
    "log": (math.log, lambda x: 1 / x),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
}


def _lines(ax, label):
    return [line for line in ax.lines if line.get_label() == label]


def test_activations_plot_each_op_its_derivative_and_backwards_slope(drawn):
    axes = [ax for ax in drawn[2]["activations.png"].axes if ax.get_visible()]
    assert [ax.get_title().split("(")[0] for ax in axes] == [op for op, _, _ in activations.ACTIVATIONS]
    for ax, (op, (lo, hi), formula) in zip(axes, activations.ACTIVATIONS):
        fn, derivative = ACTIVATION_MATH[op]
        assert ax.get_title() == f"{op}(x)\nd/dx = {formula}"
        (value,) = _lines(ax, "the function")
        xs, ys = _xy(value)
        assert len(xs) == activations.POINTS and (xs[0], xs[-1]) == (lo, hi)
        assert ys == pytest.approx([fn(x) for x in xs], rel=1e-15, abs=1e-300), op
        pieces = _lines(ax, "its derivative (exact)")
        for piece in pieces:
            px, py = _xy(piece)
            assert py == pytest.approx([derivative(x) for x in px], rel=1e-14, abs=1e-15), op
        (samples,) = _lines(ax, "backward's slope at sample points (python_ref)")
        sx, sy = _xy(samples)
        assert len(sx) == activations.SAMPLES and (sx[0], sx[-1]) == (lo, hi)
        assert sy == [activations.backward_slopes(op, [x])[0][1] for x in sx]
        assert sy == pytest.approx([derivative(x) for x in sx], rel=1e-14, abs=1e-15), op
        if op != "relu":
            assert len(pieces) == 1 and len(pieces[0].get_xdata()) == activations.POINTS, op
    # relu's derivative: two pieces, no line through the jump at 0; backward's
    # convention (0 at 0) filled, the other side's limit open
    relu = axes[[op for op, _, _ in activations.ACTIVATIONS].index("relu")]
    left, right = _lines(relu, "its derivative (exact)")
    assert max(left.get_xdata()) < 0 < min(right.get_xdata())
    assert set(left.get_ydata()) == {0.0} and set(right.get_ydata()) == {1.0}
    (filled,) = _lines(relu, "at a kink: backward's value (filled)")
    (hollow,) = _lines(relu, "at a kink: the other side's limit (open)")
    assert _xy(filled) == ([0.0], [0.0]) and _xy(hollow) == ([0.0], [1.0])
    assert hollow.get_markerfacecolor() == "white"


def test_heatmap_paints_each_cell_by_its_band(drawn, tmp_path):
    (ax,) = [a for a in drawn[2][parity_heatmap.FILE_PER_FIXTURE].axes if a.images]
    names, columns, _ = _tiny_grid()
    # EXACT, EXACT, CLOSE 2 ulps (band 2-3) / N/A, FAIL at inf, ERROR
    na, error = len(parity_heatmap.BANDS), len(parity_heatmap.BANDS) + 1
    assert ax.images[0].get_array().tolist() == [[0, 0, 2], [na, 5, error]]
    assert [t.get_text() for t in ax.get_xticklabels()] == columns
    assert [t.get_text() for t in ax.get_yticklabels()] == names
    assert sorted((t.get_text(), t.get_position()) for t in ax.texts) == [("2", (2, 0)), ("FAIL", (1, 1))]
    # by default one row per tag, each cell the worst of its fixtures
    with recorded() as figures:
        parity_heatmap.draw(tmp_path, _tiny_grid(), tags={"lecture-l-minus-8": "lecture",
                                                          "exp-at-1": "ops"})
    (ax,) = [a for a in figures[parity_heatmap.FILE].axes if a.images]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["lecture (1)", "ops (1)"]


def _legend_texts(figure):
    return [t.get_text() for legend in figure.legends for t in legend.get_texts()]


def test_training_loss_figures_draw_one_line_for_the_engines_that_agree(drawn):
    figures = drawn[2]
    for name, task in (("training_lecture_loss.png", lecture_task()),
                       ("training_moons_loss.png", moons_task())):
        ax, ax_ulps = figures[name].axes
        ref = trained(task, engines.REFERENCE).losses
        (line,) = ax.lines  # python_ref alone of the bitwise engines here: one group
        assert _xy(line) == (list(range(task.steps)), ref)
        (zeros,) = ax_ulps.lines
        assert list(zeros.get_ydata()) == [0.0] * task.steps
        assert ax.get_yscale() == "log" and ax_ulps.get_xlabel() == "step k"
        assert _legend_texts(figures[name]) == [
            f"python_ref; the last loss {ref[-1]:.6g}",
            "torch (float64): within 1e-13 relative of python_ref at every step"]
    assert figures["training_moons_loss.png"].axes[0].get_title().startswith("Moons")


@pytest.mark.skipif(not OWN_TANH or "lua51" not in LUA, reason="needs lua51 and a Lua 5.3+ runtime")
def test_engines_that_differ_get_their_own_line_and_their_ulps(tmp_path):
    task, own = lecture_task(), OWN_TANH[0]
    with recorded() as figures:
        training_figures.loss_figure(task, (engines.REFERENCE, "lua51", own), tmp_path / "loss.png")
    ax, ax_ulps = figures["loss.png"].axes
    ref, drifting = trained(task, engines.REFERENCE).losses, trained(task, own).losses
    assert [list(line.get_ydata()) for line in ax.lines] == [ref, drifting]
    (ulps,) = ax_ulps.lines
    assert list(ulps.get_ydata()) == [ulp_distance(a, b) for a, b in zip(drifting, ref)]
    assert 0 < max(ulps.get_ydata()) < 64  # the port's own tanh: a few ulps
    assert _legend_texts(figures["loss.png"]) == [
        f"python_ref, lua51: identical to the bit; the last loss {ref[-1]:.6g}",
        f"{own}: differ (ulps below)"]  # no torch asked for: no torch line
    assert [t.get_text() for t in ax_ulps.get_yticklabels()][:4] == ["0", "1", "2", "4"]


def test_moons_boundary_shows_the_points_and_the_accuracy(drawn):
    (ax,) = drawn[2]["training_moons_boundary.png"].axes
    task = moons_task()
    points = {c.get_label(): c.get_offsets().tolist() for c in ax.collections
              if c.get_label().startswith("label")}
    assert points == {"label -1": [list(x) for x, y in zip(task.xs, task.ys) if y < 0],
                      "label +1": [list(x) for x, y in zip(task.xs, task.ys) if y > 0]}
    assert trained(task, engines.REFERENCE).accuracies[-1] == 1.0
    assert ax.get_title() == "Moons: decision boundary after 100 steps (python_ref, accuracy 100%)"
    assert "decision boundary: score 0" in _legend_texts(drawn[2]["training_moons_boundary.png"])


def test_the_figures_are_byte_identical_when_drawn_again(drawn, tmp_path):
    outdir = drawn[0]
    again = (figure_module("activations").draw(tmp_path) + fd_slope.draw(tmp_path)
             + figure_module("graphs").draw(tmp_path))
    for path in again:
        assert path.read_bytes() == (outdir / path.name).read_bytes(), path.name


@pytest.mark.skipif(len(LUA) < 7, reason="the tracked sweeps are drawn on all 7 Lua runtimes")
def test_sweeps_on_every_engine_are_the_tracked_files(drawn):
    # make plots draws them so; a change to an engine that moves a bit shows
    # here, not first as a dirty tree after make plots
    for name in FULL_SWEEPS:
        file_name = fixture_ranges.file_name(shared_corpus.BY_NAME[name])
        tracked = REPO_ROOT / "plots" / file_name
        assert (drawn[0] / file_name).read_bytes() == tracked.read_bytes(), (
            f"{file_name} differs from plots/: run make plots")


def test_files_carry_no_date_or_software_version(drawn):
    outdir = drawn[0]
    png = (outdir / "plot0.png").read_bytes()
    assert b"tEXt" not in png and b"matplotlib" not in png.lower()
    if dot_available():
        svg = (outdir / "graph_L_after.svg").read_text()
        assert "<svg" in svg and "dc:date" not in svg


def test_the_walkthrough_and_readme_link_only_figures_make_plots_draws(drawn):
    written = drawn[1]
    from micrograd_lab.harness.bench.cli import PLOT_NAME as BENCH_PLOT  # drawn by `make bench`

    names = {p.name for p in written} | {"walkthrough.md", BENCH_PLOT}
    walkthrough = PLOTS_DIR / "walkthrough.md"
    readme, page = REPO_ROOT / "README.md", REPO_ROOT / "docs" / "companion.md"
    links = [(readme, t) for t in _plot_links(readme, "plots/")]
    links += [(page, t) for t in _plot_links(page, "../plots/")]
    assert len(links) >= 20
    if walkthrough.exists():
        links += [(walkthrough, t) for t in _plot_links(walkthrough, "")]
    if not dot_available():
        links = [(md, t) for md, t in links if not t.startswith("graph_")]
    missing = [f"{md.name} links {t}" for md, t in links if t not in names]
    assert not missing


def test_every_walkthrough_figure_is_drawn(drawn):
    from micrograd_lab.harness.companion.walkthrough import sections

    names = {p.name for p in drawn[1]}
    wanted = {fig for s in sections() for fig, _ in s.figures}
    if not dot_available():
        wanted = {w for w in wanted if not w.startswith("graph_")}
    assert wanted <= names


def test_a_fixture_with_a_plot_range_gets_its_sweep(tmp_path):
    (tmp_path / "probe.toml").write_text(FIXTURE_WITH_RANGE)
    fixtures, errors = load_corpus(tmp_path)
    assert not errors
    with recorded() as figures:
        (path,) = fixture_ranges.draw(tmp_path, QUICK, fixtures)
    assert path.name == "fixture_companion-probe.png"
    ax_f, ax_g, ax_u = figures[path.name].axes
    xs = [-2.0 + 0.25 * i for i in range(17)]
    # python_ref and the Lua runtime agree to the bit here: one line each panel
    # (torch is left out: its last bits depend on the machine)
    (value,) = [line for line in ax_f.lines if len(line.get_xdata()) > 1]
    slope, kinks, nudges, point = ax_g.lines
    assert list(value.get_xdata()) == xs and list(slope.get_xdata()) == xs
    # y = tanh(x) exp(x), y' = (1 - tanh(x)**2) exp(x) + tanh(x) exp(x)
    assert list(value.get_ydata()) == pytest.approx(
        [math.tanh(x) * math.exp(x) for x in xs], rel=1e-14, abs=1e-300)
    assert list(slope.get_ydata()) == pytest.approx(
        [(1 - math.tanh(x) ** 2) * math.exp(x) + math.tanh(x) * math.exp(x) for x in xs], rel=1e-13)
    assert len(kinks.get_xdata()) == 0  # a smooth function: no kink
    # the lecture's nudge at sample points, and the fixture's own point x = 0.5
    f = lambda x: math.tanh(x) * math.exp(x)  # noqa: E731
    nx = list(nudges.get_xdata())
    assert nx == xs  # 17 points: every one is a sample
    assert list(nudges.get_ydata()) == pytest.approx([(f(x + 1e-4) - f(x)) / 1e-4 for x in nx], rel=1e-9)
    assert _xy(point) == ([0.5], [pytest.approx((1 - math.tanh(0.5) ** 2) * math.exp(0.5)
                                                + math.tanh(0.5) * math.exp(0.5), rel=1e-15)])
    (zeros,) = ax_u.lines
    assert list(zeros.get_ydata()) == [0.0] * len(xs)
    legend = _legend_texts(figures[path.name])
    assert legend[0] == ("all 2 engines agree to the bit" if LUA else "python_ref")
    assert "the fixture's point: x = 0.5" in legend
    assert ax_f.get_title() == "companion-probe: y as x moves (python_ref and the Lua runtimes)"
    assert ax_u.get_xlabel() == "x"


@pytest.mark.skipif(not OWN_TANH, reason="needs a Lua 5.3+ runtime (the port's own tanh)")
def test_a_sweep_shows_how_many_ulps_an_engine_that_differs_is_off(drawn):
    fixture = shared_corpus.BY_NAME[FULL_SWEEP]
    ax_f, ax_g, ax_u = drawn[2][fixture_ranges.file_name(fixture)].axes
    ref = fixture_ranges.sweep(fixture, engines.REFERENCE)
    own = fixture_ranges.sweep(fixture, OWN_TANH[0])
    assert own != ref
    legend = _legend_texts(drawn[2][fixture_ranges.file_name(fixture)])
    assert legend[0] == "python_ref, " + ", ".join(rt for rt in LUA if rt in ("lua51", "lua52", "luajit20",
                                                                          "luajit21")) + ": identical to the bit"
    (mine,) = [label for label in legend if OWN_TANH[0] in label and "differ" in label]
    output, slope_ulps = [line for line in ax_u.lines if OWN_TANH[0] in line.get_label()]
    assert list(output.get_ydata()) == [ulp_distance(a[1], b[1]) for a, b in zip(own, ref)]
    assert list(slope_ulps.get_ydata()) == [ulp_distance(a[2], b[2]) for a, b in zip(own, ref)]
    assert 0 < max(slope_ulps.get_ydata()) <= 4
    ticks = [t.get_text() for t in ax_u.get_yticklabels()]
    assert ticks[:4] == ["0", "1", "2", "4"]
    assert engines.TORCH not in " ".join(legend)


def test_a_sweep_breaks_the_slope_at_a_kink(drawn):
    fixture = shared_corpus.BY_NAME["relu-at-minus-2"]
    _, ax_g, _ = drawn[2][fixture_ranges.file_name(fixture)].axes
    left, right, kink = [line for line in ax_g.lines if line.get_color() == "black"]
    assert max(left.get_xdata()) < 0.0 < min(right.get_xdata())
    assert set(left.get_ydata()) == {0.0} and set(right.get_ydata()) == {1.0}
    assert _xy(kink) == ([0.0], [0.0])  # backward's convention at the kink
    assert fixture_ranges.kinks(fixture, [-1.0, 0.0, 1.0]) == {0.0}


def test_tangent_slopes_come_from_backward():
    assert [slope for _, _, slope in parabola.tangents(QUICK)][:2] == [14.0, -22.0]
    assert abs(parabola.tangents(QUICK)[2][2]) < 1e-15


def test_heatmap_reads_the_matrix_json(tmp_path):
    report = {"columns": ["expected", "torch"], "fixtures": [
        {"name": "a", "cells": {"expected": {"vs_reference": {"status": "EXACT", "max_ulps": 0}},
                                "torch": {"vs_reference": {"status": "CLOSE", "max_ulps": 3},
                                          "vs_torch": {"status": "EXACT", "max_ulps": 0}}}}]}
    path = tmp_path / "parity.json"
    path.write_text(json.dumps(report))
    grid = parity_heatmap.grid_from_json(json.loads(path.read_text()), path)
    names, columns, cells = grid
    assert names == ["a"] and columns == ["expected", "torch"]
    # a report of a filtered run does not stand for the corpus: it is recomputed
    assert parity_heatmap.covers(grid, ["a"]) and not parity_heatmap.covers(grid, ["a", "b"])
    assert cells[(0, 1)] == ("CLOSE", 3.0)
    assert parity_heatmap.band("CLOSE", 3.0) == 2 and parity_heatmap.band("FAIL", float("nan")) == 5


def test_heatmap_names_the_file_of_a_bad_report(tmp_path):
    path = tmp_path / "parity.json"
    path.write_text(json.dumps({"fixtures": []}))
    with pytest.raises(ValueError, match=r"parity.json: not a parity report"):
        parity_heatmap.load_grid(path)


def test_plots_command_writes_and_reports(tmp_path, capsys):
    class Args:
        out = tmp_path
        only = ["activations"]
    assert plots_main(Args) == 0
    assert (tmp_path / "activations.png").exists()
    assert "activations: 1 file(s)" in capsys.readouterr().out


def test_plots_command_fails_loudly(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parity_heatmap, "PARITY_JSON", tmp_path / "parity.json")
    (tmp_path / "parity.json").write_text("{}")
    monkeypatch.setattr(parity_heatmap, "load_grid",
                        lambda path=tmp_path / "parity.json": parity_heatmap.grid_from_json({}, path))

    class Args:
        out = tmp_path
        only = ["parity_heatmap"]
    assert plots_main(Args) == 1
    assert "parity_heatmap: FAILED: ValueError" in capsys.readouterr().err


def test_figure_list_is_complete():
    modules = {p.stem for p in Path(figure_module("parabola").__file__).parent.glob("*.py")}
    assert set(FIGURES) == modules - {"__init__"}


def test_heatmap_leaves_out_fd_which_is_judged_by_relative_error():
    grid = (["a"], ["lua51", "fd", "torch"],
            {(0, 0): ("EXACT", 0.0), (0, 1): ("CLOSE", 1e6), (0, 2): ("CLOSE", 2.0)})
    names, columns, cells = parity_heatmap._without_fd(*grid)
    assert columns == ["lua51", "torch"]
    assert cells == {(0, 0): ("EXACT", 0.0), (0, 1): ("CLOSE", 2.0)}


def test_a_flat_slope_is_not_zoomed_into_its_noise():
    # db/da = 2 with nudges 4e-12 off it: the ticks read 0 to 4 under an offset
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib import pyplot
    from micrograd_lab.harness.companion.figures.fixture_ranges import _not_zoomed_into_noise
    fig, ax = pyplot.subplots()
    ax.plot([0, 1, 2], [2.0, 2.0 + 4e-12, 2.0 - 1e-12])
    _not_zoomed_into_noise(ax)
    fig.canvas.draw()
    lo, hi = ax.get_ylim()
    assert hi - lo >= 0.04 - 1e-9 and lo < 2.0 < hi
    assert ax.yaxis.get_major_formatter().get_offset() == ""
    pyplot.close(fig)

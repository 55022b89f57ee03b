"""`make plots` draws every figure the README and the walkthrough link, and
each figure shows what it says: the tests read the plotted data back from
the matplotlib Figure (its axes, lines and their x/y data, titles, labels,
number of series) and compare it with the values computed independently
(quick versions: fewer engines)."""
import json
import math
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from harness import lua_engines
from harness.companion import engines, lecture
from harness.companion.draw import dot_available
from harness.companion.figures import FIGURES, figure_module
from harness.companion.figures import (activations, finite_differences, fixture_ranges,
                                       parabola, parity_heatmap, training as training_figures)
from harness.companion.paths import PLOTS_DIR, REPO_ROOT
from harness.companion.plots_cli import main as plots_main
from harness.companion.style import recorded
from harness.companion.training import trained
from harness.judge.compare import ulp_distance
from harness.fixture import load_corpus
from harness.training.task import lecture_task, moons_task
from python_ref import Value

import shared_corpus

# One pytest-xdist worker runs this file with test_companion_training.py and
# test_companion_walkthrough.py: the trained networks (trained() keeps them
# per process) are trained once.
pytestmark = pytest.mark.xdist_group("trained-networks")

LUA = lua_engines.runtimes()
QUICK = (engines.REFERENCE,) + LUA[:1] + (engines.TORCH,)
TRAINING_ENGINES = QUICK[:1] + (engines.TORCH,)

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


def _draw_all(outdir):
    """What `make plots` writes, quickly: fewer engines, a tiny matrix."""
    written = []
    written += parabola.draw(outdir, QUICK)
    for name in ("finite_differences", "activations", "graphs"):
        written += figure_module(name).draw(outdir)
    # one sweep is drawn (below); the corpus's sweeps are named the same way
    written += [outdir / fixture_ranges.file_name(f) for f in shared_corpus.FIXTURES if f.plot]
    # the corpus's tags from the suite's one load (corpus_tags() would parse it again)
    written += parity_heatmap.draw(outdir, _tiny_grid(),
                                   tags={f.name: f.tags[0] for f in shared_corpus.FIXTURES})
    written += parity_heatmap.draw(outdir, _tiny_grid(), per_fixture=True)
    written += training_figures.draw(outdir, TRAINING_ENGINES)
    return written


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """(the folder, the paths written, {file name: Figure} of every matplotlib figure)."""
    outdir = tmp_path_factory.mktemp("plots")
    with recorded() as figures:
        written = _draw_all(outdir)
    return outdir, written, figures


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
    outdir, written, figures = drawn
    names = {p.name for p in written}
    assert "plot0.png" in names  # the plot0.png of Mishra's notes, reproduced under its name
    matplotlib_files = {"plot0.png", "fd_error.png", "activations.png", "parity_heatmap.png",
                        parity_heatmap.FILE_PER_FIXTURE,
                        *training_figures.FILES}
    assert matplotlib_files <= names and set(figures) == matplotlib_files
    if dot_available():
        assert {"graph_L_after.svg", "graph_neuron_before.png"} <= names
    for path in written:
        if not path.name.startswith("fixture_"):  # drawn in test_a_fixture_with_a_plot_range_gets_its_sweep
            assert path.parent == outdir and path.is_file()


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
    (_, f, x_f, _), (_, g, x_g, _) = finite_differences.CASES
    assert finite_differences.exact_slope(f, x_f) == 14.0  # f'(x) = 6x - 4
    assert finite_differences.exact_slope(g, x_g) == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-15)
    steps = [10.0 ** e for e in finite_differences.EXPONENTS]
    for ax, (title, fn, x, _) in zip(axes, finite_differences.CASES):
        assert ax.get_title().startswith(title) and ax.get_xlabel() == "step h"
        exact = finite_differences.exact_slope(fn, x)
        quotients = {
            "forward": [(fn(Value(x + h)).data - fn(Value(x)).data) / h for h in steps],
            "central": [(fn(Value(x + h)).data - fn(Value(x - h)).data) / (2 * h) for h in steps]}
        curve_f, best_f, curve_c, best_c = ax.lines[:4]
        for scheme, curve, star in (("forward", curve_f, best_f), ("central", curve_c, best_c)):
            shown = [(h, abs(q - exact)) for h, q in zip(steps, quotients[scheme]) if q != exact]
            assert _xy(curve) == ([h for h, _ in shown], [e for _, e in shown]), scheme
            h_best, e_best = min(shown, key=lambda p: p[1])
            assert _xy(star) == ([h_best], [e_best]), scheme
    # the textbook shape: tanh's best forward h near sqrt(eps), central near eps**(1/3)
    _, best_f, _, best_c = axes[1].lines[:4]
    assert 1e-10 < best_f.get_xdata()[0] < 1e-6 and 1e-7 < best_c.get_xdata()[0] < 1e-3


def test_activations_plot_each_op_and_its_derivative(drawn):
    axes = drawn[2]["activations.png"].axes
    assert [ax.get_title() for ax in axes] == [op for op, _, _ in activations.ACTIVATIONS]
    for ax, (op, (lo, hi), _) in zip(axes, activations.ACTIVATIONS):
        value, slope = ax.lines[:2]
        xs, ys = _xy(value)
        xs_g, gs = _xy(slope)
        assert xs == xs_g and len(xs) == activations.POINTS and (xs[0], xs[-1]) == (lo, hi)
        fn = {"tanh": math.tanh, "relu": lambda x: max(x, 0.0), "exp": math.exp, "log": math.log,
              "sigmoid": lambda x: 1 / (1 + math.exp(-x))}[op]
        assert ys == pytest.approx([fn(x) for x in xs], rel=1e-15, abs=1e-300), op
        derivative = {"tanh": lambda x, y: 1 - y * y, "relu": lambda x, y: float(x > 0),
                      "exp": lambda x, y: y, "log": lambda x, y: 1 / x,
                      "sigmoid": lambda x, y: y * (1 - y)}[op]
        assert gs == pytest.approx([derivative(x, y) for x, y in zip(xs, ys)], rel=1e-14, abs=1e-15), op
        assert value.get_label() == f"{op}(x)" and slope.get_label().startswith("d/dx = ")


def test_heatmap_paints_each_cell_by_its_band(drawn):
    (ax,) = [a for a in drawn[2][parity_heatmap.FILE_PER_FIXTURE].axes if a.images]
    names, columns, _ = _tiny_grid()
    # EXACT, EXACT, CLOSE 2 ulps (band 2-3) / N/A, FAIL at inf, ERROR
    na, error = len(parity_heatmap.BANDS), len(parity_heatmap.BANDS) + 1
    assert ax.images[0].get_array().tolist() == [[0, 0, 2], [na, 5, error]]
    assert [t.get_text() for t in ax.get_xticklabels()] == columns
    assert [t.get_text() for t in ax.get_yticklabels()] == names
    assert sorted((t.get_text(), t.get_position()) for t in ax.texts) == [("2", (2, 0)), ("FAIL", (1, 1))]
    # by default one row per tag, each cell the worst of its fixtures
    (ax,) = [a for a in drawn[2][parity_heatmap.FILE].axes if a.images]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["lecture (1)", "ops (1)"]


def _loss_figure_shows(figure, task):
    ax, ax_ulps = figure.axes
    ref = trained(task, engines.REFERENCE).losses
    assert [line.get_label() for line in ax.lines] == list(TRAINING_ENGINES)
    for line, engine in zip(ax.lines, TRAINING_ENGINES):
        assert _xy(line) == (list(range(task.steps)), trained(task, engine).losses), engine
    (torch_ulps,) = ax_ulps.lines  # python_ref is the baseline: no line of its own
    assert torch_ulps.get_label() == engines.TORCH
    assert list(torch_ulps.get_ydata()) == [ulp_distance(a, b) for a, b in
                                            zip(trained(task, engines.TORCH).losses, ref)]
    assert ax.get_yscale() == "log" and ax_ulps.get_xlabel() == "step k"


def test_training_loss_figures_plot_every_engines_losses(drawn):
    figures = drawn[2]
    _loss_figure_shows(figures["training_lecture_loss.png"], lecture_task())
    _loss_figure_shows(figures["training_moons_loss.png"], moons_task())
    assert figures["training_moons_loss.png"].axes[0].get_title().startswith("Moons")


def test_moons_boundary_shows_the_points_and_the_accuracy(drawn):
    (ax,) = drawn[2]["training_moons_boundary.png"].axes
    task = moons_task()
    points = {c.get_label(): c.get_offsets().tolist() for c in ax.collections
              if c.get_label().startswith("label")}
    assert points == {"label -1": [list(x) for x, y in zip(task.xs, task.ys) if y < 0],
                      "label +1": [list(x) for x, y in zip(task.xs, task.ys) if y > 0]}
    assert trained(task, engines.REFERENCE).accuracies[-1] == 1.0
    assert ax.get_title() == "Moons: decision boundary after 100 steps (python_ref, accuracy 100%)"


def test_the_figures_are_byte_identical_when_drawn_again(drawn, tmp_path):
    outdir = drawn[0]
    again = figure_module("activations").draw(tmp_path) + parabola.draw(tmp_path, QUICK)
    for path in again:
        assert path.read_bytes() == (outdir / path.name).read_bytes(), path.name


def test_the_walkthrough_and_readme_link_only_figures_make_plots_draws(drawn):
    written = drawn[1]
    from harness.bench.cli import PLOT_NAME as BENCH_PLOT  # drawn by `make bench`

    names = {p.name for p in written} | {"walkthrough.md", BENCH_PLOT}
    walkthrough = PLOTS_DIR / "walkthrough.md"
    readme = REPO_ROOT / "README.md"
    links = [(readme, t) for t in _plot_links(readme, "plots/")]
    if walkthrough.exists():
        links += [(walkthrough, t) for t in _plot_links(walkthrough, "")]
    if not dot_available():
        links = [(md, t) for md, t in links if not t.startswith("graph_")]
    missing = [f"{md.name} links {t}" for md, t in links if t not in names]
    assert not missing


def test_every_walkthrough_figure_is_drawn(drawn):
    from harness.companion.walkthrough import sections

    names = {p.name for p in drawn[1]}
    wanted = {fig for s in sections() for fig in s.figures}
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
    assert [line.get_label() for line in ax_f.lines] == list(QUICK)
    for line_f, line_g in zip(ax_f.lines, ax_g.lines):
        assert list(line_f.get_xdata()) == xs and list(line_g.get_xdata()) == xs
        # y = tanh(x) exp(x), y' = (1 - tanh(x)**2) exp(x) + tanh(x) exp(x)
        assert list(line_f.get_ydata()) == pytest.approx(
            [math.tanh(x) * math.exp(x) for x in xs], rel=1e-14, abs=1e-300)
        assert list(line_g.get_ydata()) == pytest.approx(
            [(1 - math.tanh(x) ** 2) * math.exp(x) + math.tanh(x) * math.exp(x) for x in xs], rel=1e-13)
    # one value and one derivative series per engine other than python_ref
    assert len(ax_u.lines) == 2 * (len(QUICK) - 1)
    ref = fixture_ranges.sweep(fixtures[0], engines.REFERENCE)
    torch_sweep = fixture_ranges.sweep(fixtures[0], engines.TORCH)
    torch_value = next(line for line in ax_u.lines if line.get_label() == "torch: value")
    assert list(torch_value.get_ydata()) == [ulp_distance(t[1], r[1]) for t, r in zip(torch_sweep, ref)]
    assert ax_f.get_title() == "companion-probe: y as x moves" and ax_u.get_xlabel() == "x"


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

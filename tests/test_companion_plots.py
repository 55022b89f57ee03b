"""`make plots` draws every figure the README and the walkthrough link, and
the figures are files a reader can open (quick versions: fewer engines)."""
import json
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from harness import lua_engines
from harness.companion import engines
from harness.companion.draw import dot_available
from harness.companion.figures import FIGURES, figure_module
from harness.companion.figures import fixture_ranges, parity_heatmap, parabola
from harness.companion.paths import PLOTS_DIR, REPO_ROOT
from harness.companion.plots_cli import main as plots_main
from harness.fixture import load_corpus

PNG = b"\x89PNG\r\n\x1a\n"
LUA = lua_engines.runtimes()
QUICK = (engines.REFERENCE,) + LUA[:1] + (engines.TORCH,)

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
    written += [outdir / fixture_ranges.file_name(f) for f in load_corpus()[0] if f.plot]
    written += parity_heatmap.draw(outdir, _tiny_grid())
    written += figure_module("training").draw(outdir, QUICK[:1] + (engines.TORCH,))
    return written


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("plots")
    return outdir, _draw_all(outdir)


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
    outdir, written = drawn
    names = {p.name for p in written}
    assert "plot0.png" in names  # 001's plots/plot0.png, reproduced under its name
    assert {"fd_error.png", "activations.png", "parity_heatmap.png",
            "training_moons_loss.png", "training_moons_boundary.png",
            "training_lecture_loss.png"} <= names
    if dot_available():
        assert {"graph_L_after.svg", "graph_neuron_before.png"} <= names
    for path in written:
        if path.name.startswith("fixture_"):
            continue  # drawn in test_a_fixture_with_a_plot_range_gets_its_sweep
        assert path.parent == outdir and path.stat().st_size > 1000
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == PNG


def test_the_figures_are_byte_identical_when_drawn_again(drawn, tmp_path):
    outdir, _ = drawn
    again = figure_module("activations").draw(tmp_path) + parabola.draw(tmp_path, QUICK)
    for path in again:
        assert path.read_bytes() == (outdir / path.name).read_bytes(), path.name


def test_the_walkthrough_and_readme_link_only_figures_make_plots_draws(drawn):
    _, written = drawn
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

    _, written = drawn
    names = {p.name for p in written}
    wanted = {fig for s in sections() for fig in s.figures}
    if not dot_available():
        wanted = {w for w in wanted if not w.startswith("graph_")}
    assert wanted <= names


def test_a_fixture_with_a_plot_range_gets_its_sweep(tmp_path):
    (tmp_path / "probe.toml").write_text(FIXTURE_WITH_RANGE)
    fixtures, errors = load_corpus(tmp_path)
    assert not errors
    (path,) = fixture_ranges.draw(tmp_path, QUICK, fixtures)
    assert path.name == "fixture_companion-probe.png"
    sweep = fixture_ranges.sweep(fixtures[0], engines.REFERENCE)
    assert [x for x, _, _ in sweep] == [-2.0 + 0.25 * i for i in range(17)]


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

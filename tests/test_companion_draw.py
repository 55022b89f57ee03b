"""draw_dot: micrograd-style graphviz drawings of python_ref graphs."""
import re

import graphviz
import pytest

from micrograd_lab.harness.companion.draw import dot_available, draw_dot, render
from micrograd_lab.harness.companion.figures.graphs import L_graph, drawings, neuron_graph


def test_one_record_per_value_and_one_node_per_op():
    root = L_graph()
    source = draw_dot(root).source
    records = re.findall(r'label="\{ (\w+) \| data ([-\d.]+) \| grad ([-\d.]+) \}"', source)
    assert [r[0] for r in records] == ["a", "b", "e", "c", "d", "f", "L"]
    assert ("L", "-8.0000", "0.0000") in records  # before backward every grad is 0
    ops = re.findall(r'(\w+_op) \[label="([^"]+)"', source)
    assert sorted(op for _, op in ops) == ["*", "*", "+"]
    assert "rankdir=LR" in source


def test_after_backward_the_boxes_show_the_gradients():
    root = neuron_graph()
    root.backward()
    source = draw_dot(root, rankdir="TB").source
    assert "rankdir=TB" in source
    assert "{ o | data 0.7071 | grad 1.0000 }" in source
    assert "{ x1 | data 2.0000 | grad -1.5000 }" in source
    assert "{ w2 | data 1.0000 | grad 0.0000 }" in source
    # every op node feeds exactly the value it made
    assert source.count("_op -> ") == 5


def test_the_dot_text_is_the_same_on_every_run():
    assert draw_dot(L_graph()).source == draw_dot(L_graph()).source


def test_record_specials_in_labels_are_escaped():
    root = L_graph()
    root.label = "L|{x}"
    assert r"L\|\{x\}" in draw_dot(root).source


def test_bad_rankdir_is_refused():
    with pytest.raises(ValueError, match="rankdir"):
        draw_dot(L_graph(), rankdir="sideways")


def test_drawings_before_and_after():
    out = drawings()
    assert set(out) == {"graph_L_before", "graph_L_after", "graph_neuron_before", "graph_neuron_after"}
    assert all(isinstance(d, graphviz.Digraph) for d in out.values())
    assert "grad 6.0000" in out["graph_L_after"].source
    assert "grad 6.0000" not in out["graph_L_before"].source


@pytest.mark.skipif(not dot_available(), reason="graphviz's `dot` program is not installed")
def test_render_writes_svg_and_png(tmp_path):
    written = render(draw_dot(L_graph()), tmp_path / "L")
    assert [p.name for p in written] == ["L.svg", "L.png"]
    assert b"<svg" in written[0].read_bytes()
    assert written[1].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

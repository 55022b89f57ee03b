"""graph_*.svg/png: the L = -8 example and the tanh neuron drawn with
draw_dot, before backward (every grad 0) and after."""
from micrograd_lab.python_ref import Value

from ..draw import draw_dot, dot_available, render
from ..lecture import NEURON_BIAS


def _labelled(value, label):
    value.label = label
    return value


def L_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    e = _labelled(a * b, "e")
    d = _labelled(e + c, "d")
    return _labelled(d * f, "L")


def neuron_graph():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(NEURON_BIAS, label="b")
    x1w1 = _labelled(x1 * w1, "x1*w1")
    x2w2 = _labelled(x2 * w2, "x2*w2")
    s = _labelled(x1w1 + x2w2, "x1*w1 + x2*w2")
    n = _labelled(s + b, "n")
    return _labelled(n.tanh(), "o")


def drawings():
    """{file stem: graphviz.Digraph} for the four drawings."""
    out = {}
    for name, build in (("L", L_graph), ("neuron", neuron_graph)):
        root = build()
        out[f"graph_{name}_before"] = draw_dot(root)
        root.backward()
        out[f"graph_{name}_after"] = draw_dot(root)
    return out


def draw(outdir):
    """SVG and PNG of each drawing; nothing when graphviz's `dot` is missing."""
    if not dot_available():
        print("graphs: graphviz's `dot` program is not installed, graph drawings skipped")
        return []
    written = []
    for stem, dot in drawings().items():
        written += render(dot, outdir / stem)
    return written

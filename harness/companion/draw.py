"""draw_dot: a python_ref graph as a graphviz drawing, in micrograd's style.

One record box per Value (label | data | grad) and one small ellipse per op,
feeding the box of the value it made.  Node names are positions in the
topological order, so the DOT text is the same on every run.
"""
import shutil
from pathlib import Path

import graphviz

_RECORD_SPECIALS = str.maketrans({c: "\\" + c for c in "{}|<>\\\""})


def _record_text(text):
    return str(text).translate(_RECORD_SPECIALS)


def draw_dot(root, rankdir="LR"):
    """The graph below root as a graphviz.Digraph (its .source is DOT)."""
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    order = root.topological_order()
    names = {node: f"v{i}" for i, node in enumerate(order)}
    dot = graphviz.Digraph(graph_attr={"rankdir": rankdir},
                           node_attr={"fontname": "Helvetica", "fontsize": "11"})
    for node in order:
        name = names[node]
        fields = ([_record_text(node.label)] if node.label else []) + [
            f"data {node.data:.4f}", f"grad {node.grad:.4f}"]
        dot.node(name, "{ " + " | ".join(fields) + " }", shape="record")
        if node._op:
            dot.node(name + "_op", node._op, shape="ellipse", width="0.3", height="0.3")
            dot.edge(name + "_op", name)
            for child in node._prev:
                dot.edge(names[child], name + "_op")
    return dot


def dot_available():
    return shutil.which("dot") is not None


def render(dot, path_stem, formats=("svg", "png")):
    """Write path_stem.svg / .png with the `dot` program; [] when it is missing."""
    if not dot_available():
        return []
    path_stem = Path(path_stem)
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = path_stem.with_suffix("." + fmt)
        target.write_bytes(dot.pipe(format=fmt))
        written.append(target)
    return written

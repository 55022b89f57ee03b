"""One look for every figure, and a savefig that writes the same bytes on
every run (no date, no software version in the file)."""
from contextlib import contextmanager
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: plots are files
import matplotlib.pyplot as plt  # noqa: E402

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 110,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "svg.hashsalt": "micrograd-parity-lab",  # stable ids inside SVG files
}

# One colour and line style per engine, the same in every figure.
ENGINE_STYLE = {
    "python_ref": dict(color="black", linestyle="-", linewidth=2.4),
    "lua51": dict(color="#1f77b4", linestyle="--"),
    "lua52": dict(color="#ff7f0e", linestyle="--"),
    "lua53": dict(color="#2ca02c", linestyle="-."),
    "lua54": dict(color="#d62728", linestyle="-."),
    "lua55": dict(color="#9467bd", linestyle=":"),
    "luajit20": dict(color="#8c564b", linestyle=":"),
    "luajit21": dict(color="#e377c2", linestyle=(0, (3, 1, 1, 1))),
    "torch": dict(color="#17becf", linestyle=(0, (1, 1)), linewidth=2.0),
}


def engine_style(engine):
    return dict(ENGINE_STYLE.get(engine, dict(color="grey", linestyle="-")))


def figure(*args, **kwargs):
    plt.rcParams.update(RC)  # text made later reads rcParams too
    return plt.subplots(*args, **kwargs)


_recorders = []  # the dicts of the open recorded() blocks


@contextmanager
def recorded():
    """Inside the block, every figure save() writes is also kept, by file
    name, in the dict this yields: what a figure plots (its axes, lines,
    titles) can then be read back from the Figure itself, not the image."""
    kept = {}
    _recorders.append(kept)
    try:
        yield kept
    finally:
        _recorders.remove(kept)


def save(fig, path):
    """Write fig to path (png or svg) deterministically and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"Software": None} if path.suffix == ".png" else {"Date": None, "Creator": None}
    fig.savefig(path, metadata=metadata, bbox_inches="tight")
    plt.close(fig)  # out of pyplot's list; the Figure and its artists stay readable
    for kept in _recorders:
        kept[path.name] = fig
    return path

"""One look for every figure, and a savefig that writes the same bytes on
every run and every machine (no date, no software version in the file)."""
import math
from contextlib import contextmanager
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: plots are files
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator  # noqa: E402

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

# The fixture's own point, in every figure that marks it.
POINT_STYLE = dict(marker="D", markersize=8, color="gold", markeredgecolor="black",
                   linestyle="", zorder=5)


def engine_style(engine):
    """The engine's line, as its registry entry gives it (grey for another)."""
    from micrograd_lab.harness.engines.registry import ENGINES
    entry = ENGINES.get(engine)
    return dict(entry.style) if entry is not None and entry.style else dict(color="grey",
                                                                               linestyle="-")


def group_style(group):
    """The style of a group of engines that agree: its first engine's."""
    return engine_style(group[0])


def figure(*args, **kwargs):
    """plt.subplots with the lab's look; constrained layout leaves room for
    the legends set below the axes (legend_below)."""
    plt.rcParams.update(RC)  # text made later reads rcParams too
    kwargs.setdefault("layout", "constrained")
    return plt.subplots(*args, **kwargs)


def legend_below(fig, handles=None, ncol=2, **kwargs):
    """One legend for the whole figure, under the axes: it never covers data."""
    if handles is None:
        handles = [h for ax in fig.axes for h in ax.get_legend_handles_labels()[0]]
    return fig.legend(handles=handles, loc="outside lower center", ncol=ncol, **kwargs)


def ulp_ticks(top):
    """0, 1, 2, 4, 8, ... up to top; every second or fourth power of two
    when that makes too many."""
    powers = max(0, math.ceil(math.log2(top))) if top > 1 else 0
    stride = 1 if powers <= 7 else 2 if powers <= 14 else 4
    return [0] + [2 ** k for k in range(0, powers + 1, stride)]


def ulp_axis(ax, ulps, label):
    """A y axis for ulp distances: linear from 0 to 1, then logarithmic in
    powers of two, ticks at 0, 1, 2, 4, ... written as plain integers."""
    finite = [u for u in ulps if math.isfinite(u)]
    ticks = ulp_ticks(max(finite, default=0))
    ax.set_yscale("symlog", base=2, linthresh=1, linscale=0.6)
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    ax.set_ylim(-0.25, ticks[-1] * 1.25 if ticks[-1] else 1.25)
    ax.set_ylabel(label)


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


# What savefig would otherwise write into the file: matplotlib's version
# (PNG "Software"), the date and the creator (SVG).
STABLE_METADATA = {".png": {"Software": None}, ".svg": {"Date": None, "Creator": None}}


def save(fig, path):
    """Write fig to path (png or svg) deterministically and close it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata=STABLE_METADATA[path.suffix])  # constrained layout: no "tight" pass
    plt.close(fig)  # out of pyplot's list; the Figure and its artists stay readable
    for kept in _recorders:
        kept[path.name] = fig
    return path

"""Every figure of plots/: each module has draw(outdir, ...) -> [paths written].

FIGURES lists them in the order `mglab plots` draws them.
"""
from importlib import import_module

FIGURES = ("parabola", "fd_slope", "finite_differences", "activations", "graphs",
           "fixture_ranges", "parity_heatmap", "training")


def figure_module(name):
    return import_module(f"{__name__}.{name}")

"""training_*.png.  The questions: does the loss fall on every engine, by
the same numbers?  And what did the moons network learn?

The loss figures draw one line for the engines whose losses are identical
to python_ref's at every step, a line of their own for the others, and
below, each other group's distance from python_ref's loss in ulps.  torch
is named in the legend with the relative bound it keeps at every step
(checked as the figure is drawn), not drawn: its last bits depend on the
CPU kernels it picks.  The boundary figure shows the moons, the points and
python_ref's decision boundary."""
import numpy as np
from matplotlib.lines import Line2D

from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.training.task import lecture_task, moons_task

from ..engines import REFERENCE, TORCH, agreeing, agreement, bitwise_engines
from ..style import figure, group_style, legend_below, save, ulp_axis
from ..training import TORCH_RELATIVE, predict, relative_difference, trained

FILES = ("training_lecture_loss.png", "training_moons_loss.png", "training_moons_boundary.png")
TITLES = {"lecture": "The lecture's MLP(3, [4, 4, 1]) on four samples: loss per step",
          "moons": "Moons, MLP(2, [16, 16, 1]), SVM max-margin loss: loss per step"}


def torch_label(task):
    """How close torch's losses are to python_ref's, as a bound that holds on
    every machine (or, if it does not hold, how far they are)."""
    worst = relative_difference(trained(task, TORCH).losses, trained(task, REFERENCE).losses)
    if worst < TORCH_RELATIVE:
        return f"torch (float64): within {TORCH_RELATIVE:g} relative of python_ref at every step"
    return f"torch (float64): up to {worst:.1e} relative from python_ref (bound {TORCH_RELATIVE:g})"


def loss_figure(task, engine_list, outpath):
    fig, (ax, ax_u) = figure(2, 1, figsize=(8, 8), sharex=True,
                             gridspec_kw={"height_ratios": [3, 2]})
    names = bitwise_engines(engine_list)
    groups = agreeing({e: trained(task, e).losses for e in names})
    ref = trained(task, REFERENCE).losses
    steps = list(range(len(ref)))
    handles, ulps_drawn = [], []
    for i, (group, losses) in enumerate(groups):
        if i == 0:
            style = dict(color="black", linestyle="-", linewidth=2.2)
            label = f"{agreement(group, len(names))}; the last loss {losses[-1]:.6g}"
        else:
            style = dict(group_style(group), linewidth=1.6)
            label = f"{', '.join(group)}: differ (ulps below)"
            ulps = [ulp_distance(a, b) for a, b in zip(losses, ref)]
            ulps_drawn += ulps
            ax_u.plot(steps, ulps, **style)
        ax.plot(steps, losses, **style)
        handles.append(Line2D([], [], label=label, **style))
    if len(groups) == 1:
        ax_u.plot(steps, [0.0] * len(steps), color="black", linewidth=2.2)
    if TORCH in (engine_list or (TORCH,)):
        handles.append(Line2D([], [], linestyle="", label=torch_label(task)))
    ax.set_yscale("log")
    ax.set_title(TITLES[task.name], fontsize=11)
    ax.set_ylabel("loss before the update of step k")
    ulp_axis(ax_u, ulps_drawn, "ulps from python_ref's loss")
    ax_u.set_xlabel("step k")
    legend_below(fig, handles, ncol=1)
    return save(fig, outpath)


def _boundary(task, run, outpath):
    xs, ys = np.asarray(task.xs), np.asarray(task.ys)
    lo, hi = xs.min(axis=0) - 0.5, xs.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    scores = predict(task, run.final, np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
    fig, ax = figure(figsize=(8, 5.4))
    ax.contourf(gx, gy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#fde0dd", "#deebf7"])
    ax.contour(gx, gy, scores, levels=[0.0], colors="black", linewidths=1.5)
    for label, colour, marker in ((-1.0, "#d62728", "o"), (1.0, "#1f77b4", "s")):
        pts = xs[ys == label]
        ax.scatter(pts[:, 0], pts[:, 1], c=colour, marker=marker, edgecolors="black", s=36,
                   label=f"label {label:+.0f}")
    boundary = Line2D([], [], color="black", linewidth=1.5, label="decision boundary: score 0")
    ax.set_title(f"Moons: decision boundary after {task.steps} steps "
                 f"(python_ref, accuracy {run.accuracies[-1]:.0%})", fontsize=11)
    ax.set_xlabel("x₀")
    ax.set_ylabel("x₁")
    ax.set_aspect("equal")
    legend_below(fig, ax.get_legend_handles_labels()[0] + [boundary], ncol=3)
    return save(fig, outpath)


def draw(outdir, engine_list=None, moons_steps=100, lecture_steps=40):
    moons = moons_task(moons_steps)
    return [loss_figure(lecture_task(lecture_steps), engine_list, outdir / FILES[0]),
            loss_figure(moons, engine_list, outdir / FILES[1]),
            _boundary(moons, trained(moons, REFERENCE), outdir / FILES[2])]

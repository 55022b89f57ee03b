"""training_*.png: the loss curves of every engine overlaid (the lecture's
MLP and the moons), and the moons decision boundary with the points."""
import numpy as np

from harness.judge.compare import ulp_distance
from harness.training.task import lecture_task, moons_task

from ..style import engine_style, figure, save
from ..training import predict, trained

FILES = ("training_lecture_loss.png", "training_moons_loss.png", "training_moons_boundary.png")


def _loss_curves(task, runs, outpath, title):
    fig, (ax, ax_u) = figure(2, 1, figsize=(8, 7.5), sharex=True,
                             gridspec_kw={"height_ratios": [3, 2]})
    ref = runs["python_ref"].losses
    for engine, run in runs.items():
        steps = range(len(run.losses))
        ax.plot(steps, run.losses, label=engine, **engine_style(engine))
        if engine != "python_ref":
            ax_u.plot(steps, [ulp_distance(a, b) for a, b in zip(run.losses, ref)],
                      label=engine, **engine_style(engine))
    ax.set_yscale("log")
    ax.set_title(title)
    ax.set_ylabel("loss (before the update of step k)")
    ax.annotate(f"python_ref: {ref[-1]:.6g}", xy=(len(ref) - 1, ref[-1]),
                xytext=(-150, 40), textcoords="offset points",
                arrowprops=dict(arrowstyle="->", color="grey"))
    ax.legend(title="engine", ncol=2)
    ax_u.set_yscale("symlog", linthresh=1)
    ax_u.set_ylim(bottom=-0.5)
    ax_u.set_ylabel("ulps from python_ref's loss")
    ax_u.set_xlabel("step k")
    ax_u.legend(ncol=4, fontsize=8)
    return save(fig, outpath)


def _boundary(task, run, outpath):
    xs, ys = np.asarray(task.xs), np.asarray(task.ys)
    lo, hi = xs.min(axis=0) - 0.5, xs.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 200), np.linspace(lo[1], hi[1], 200))
    scores = predict(task, run.final, np.c_[gx.ravel(), gy.ravel()]).reshape(gx.shape)
    fig, ax = figure(figsize=(7.5, 6))
    ax.contourf(gx, gy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#fde0dd", "#deebf7"])
    ax.contour(gx, gy, scores, levels=[0.0], colors="black", linewidths=1.5)
    for label, colour, marker in ((-1.0, "#d62728", "o"), (1.0, "#1f77b4", "s")):
        pts = xs[ys == label]
        ax.scatter(pts[:, 0], pts[:, 1], c=colour, marker=marker, edgecolors="black", s=36,
                   label=f"label {label:+.0f}")
    ax.set_title(f"Moons: decision boundary after {task.steps} steps "
                 f"(python_ref, accuracy {run.accuracies[-1]:.0%})")
    ax.set_xlabel("x₀")
    ax.set_ylabel("x₁")
    ax.set_aspect("equal")
    ax.legend(loc="upper right")
    return save(fig, outpath)


def draw(outdir, engine_list=None, moons_steps=100, lecture_steps=40):
    from ..engines import engine_names

    names = engine_list or engine_names()
    written = []
    for task, path, title in (
            (lecture_task(lecture_steps), outdir / FILES[0],
             "The lecture's MLP(3, [4, 4, 1]) on four samples: loss per step"),
            (moons_task(moons_steps), outdir / FILES[1],
             "Moons, MLP(2, [16, 16, 1]), SVM max-margin loss: loss per step")):
        runs = {engine: trained(task, engine) for engine in names}
        written.append(_loss_curves(task, runs, path, title))
    moons = moons_task(moons_steps)
    written.append(_boundary(moons, trained(moons, "python_ref"), outdir / FILES[2]))
    return written

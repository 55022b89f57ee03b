"""parity_heatmap.png: the parity matrix as a heatmap of the largest ulp
distance from python_ref, fixtures by backends.  Read from
report/parity.json when it exists, else computed with the matrix API."""
import json
import math

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from ..paths import REPO_ROOT
from ..style import figure, save

FILE = "parity_heatmap.png"
PARITY_JSON = REPO_ROOT / "report" / "parity.json"


def grid_from_result(result):
    """(fixture names, columns, {(row, col): (status, max_ulps)}) of a MatrixResult."""
    names = [f.name for f in result.fixtures]
    columns = list(result.columns)
    cells = {(i, j): (f.cells[c].status, float(f.cells[c].max_ulps))
             for i, f in enumerate(result.fixtures) for j, c in enumerate(columns) if c in f.cells}
    return names, columns, cells


def _number(x):
    if isinstance(x, str):  # JSON has no inf/nan: the writer spells them
        return {"inf": math.inf, "Infinity": math.inf, "nan": math.nan}.get(x, math.nan)
    return float(x or 0)


def grid_from_json(data, source=PARITY_JSON):
    """The same grid from the matrix's JSON report."""
    try:
        columns = list(data["columns"])
        fixtures = data["fixtures"]
        names = [f["name"] for f in fixtures]
        cells = {}
        for i, f in enumerate(fixtures):
            for j, c in enumerate(columns):
                if c in f["cells"]:
                    cell = f["cells"][c]["vs_reference"]
                    cells[(i, j)] = (cell["status"], _number(cell.get("max_ulps", 0)))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{source}: not a parity report (missing {exc})") from None
    return names, columns, cells


def covers(grid, fixture_names):
    """Does the report hold every fixture?  A filtered run (--tags,
    --fixtures) leaves a partial report behind."""
    return set(fixture_names) <= set(grid[0])


def load_grid(path=PARITY_JSON):
    from harness.fixture import load_corpus
    from harness.matrix.runner import run_matrix

    fixtures, errors = load_corpus()
    if path.exists():
        grid = grid_from_json(json.loads(path.read_text()), path)
        if covers(grid, [f.name for f in fixtures]):
            return grid
        print(f"parity_heatmap: {path} covers only part of the corpus, running the matrix")
    else:
        print(f"parity_heatmap: {path} not found, running the matrix (make parity writes it)")
    return grid_from_result(run_matrix(fixtures, malformed=errors))


# (largest ulp distance in the band, label, colour); then the statuses
BANDS = ((0, "0 ulp (EXACT)", "#1a9850"), (1, "1 ulp", "#91cf60"), (3, "2-3 ulp", "#d9ef8b"),
         (15, "4-15 ulp", "#fee08b"), (1023, "16-1023 ulp", "#fc8d59"),
         (math.inf, "≥ 1024 ulp or inf", "#d73027"))
STATUS_COLOURS = (("N/A", "#d9d9d9"), ("ERROR", "#542788"))


def band(status, ulps):
    """The colour index of a cell."""
    statuses = [s for s, _ in STATUS_COLOURS]
    if status in statuses:
        return len(BANDS) + statuses.index(status)
    for i, (top, _, _) in enumerate(BANDS):
        if ulps <= top:
            return i
    return len(BANDS) - 1  # nan: infinitely far


def _compact(ulps):
    return f"{ulps:.0f}" if ulps < 1000 else f"{ulps:.0e}".replace("e+0", "e").replace("e+", "e")


# Finite differences are judged by relative error, not ulps: an fd gradient is
# thousands of ulps from the exact one by nature, and would paint its column red.
NOT_IN_ULPS = ("fd",)


def _without_fd(names, columns, cells):
    keep = [j for j, c in enumerate(columns) if c not in NOT_IN_ULPS]
    new_index = {j: k for k, j in enumerate(keep)}
    cells = {(i, new_index[j]): v for (i, j), v in cells.items() if j in new_index}
    return names, [columns[j] for j in keep], cells


def draw(outdir, grid=None):
    names, columns, cells = _without_fd(*(grid if grid is not None else load_grid()))
    if not names:
        raise ValueError("the parity matrix has no fixtures to draw")
    codes = np.full((len(names), len(columns)), len(BANDS))  # missing: N/A
    for (i, j), (status, ulps) in cells.items():
        codes[i, j] = band(status, ulps)
    colours = [c for _, _, c in BANDS] + [c for _, c in STATUS_COLOURS]
    fig, ax = figure(figsize=(2.0 + 0.9 * len(columns), 1.5 + 0.22 * len(names)))
    ax.imshow(codes, cmap=ListedColormap(colours), vmin=0, vmax=len(colours) - 1,
              aspect="auto", interpolation="nearest")
    for (i, j), (status, ulps) in cells.items():
        if status == "FAIL":
            ax.text(j, i, "FAIL", ha="center", va="center", fontsize=6, color="white",
                    fontweight="bold")
        elif status in ("CLOSE",) and ulps > 0:
            ax.text(j, i, _compact(ulps), ha="center", va="center", fontsize=6)
    ax.set_xticks(range(len(columns)), columns, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names, fontsize=7)
    ax.grid(False)
    ax.set_title("Parity matrix: largest ulp distance from python_ref\n"
                 "(fd is judged by relative error: see report/parity.md)", fontsize=10)
    ax.set_xlabel("backend")
    legend = [Patch(color=c, label=label) for _, label, c in BANDS]
    legend += [Patch(color=c, label=s) for s, c in STATUS_COLOURS]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return [save(fig, outdir / FILE)]

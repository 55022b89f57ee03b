"""parity_heatmap.png: the parity matrix as a heatmap of the largest ulp
distance from python_ref, one row per tag (a fixture's first tag, as the
matrix groups them) by backends.  The per-fixture version (one row per
fixture: over 200 rows) is drawn on request: draw(..., per_fixture=True),
or `python -m micrograd_lab.harness.companion.figures.parity_heatmap --per-fixture`.
Read from report/parity.json when it covers the corpus, else computed with
the matrix API."""
import argparse
import functools
import json
import math
from pathlib import Path

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch

from micrograd_lab.harness.judge.verdict import CLOSE, ERROR, EXACT, FAIL, NA, UNRESOLVED

from ..paths import PLOTS_DIR
from ..style import figure, save

FILE = "parity_heatmap.png"
FILE_PER_FIXTURE = "parity_heatmap_fixtures.png"
PARITY_JSON = Path("report") / "parity.json"   # as make parity writes it, here


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


@functools.lru_cache(maxsize=1)
def _corpus():
    from micrograd_lab.harness.fixture import load_corpus
    return load_corpus()


def corpus_tags():
    """{fixture name: first tag} over the corpus (the matrix groups rows by it)."""
    return {f.name: f.tags[0] for f in _corpus()[0]}


def load_grid(path=PARITY_JSON):
    """The grid of the whole corpus: the report's, or the matrix run here."""
    from micrograd_lab.harness.engines.registry import ENGINES, MATRIX_ENGINES
    from micrograd_lab.harness.run import run

    fixtures, errors = _corpus()
    if path.exists():
        grid = grid_from_json(json.loads(path.read_text()), path)
        if covers(grid, [f.name for f in fixtures]):
            return grid
        print(f"parity_heatmap: {path} covers only part of the corpus, running the matrix")
    else:
        print(f"parity_heatmap: {path} not found, running the matrix (make parity writes it)")
    return grid_from_result(run(fixtures, [ENGINES[n] for n in MATRIX_ENGINES], malformed=errors,
                                expected=True, vs_torch=True))


# (largest ulp distance in the band, label, colour); then the statuses
BANDS = ((0, "0 ulp (EXACT)", "#1a9850"), (1, "1 ulp", "#91cf60"), (3, "2-3 ulp", "#d9ef8b"),
         (15, "4-15 ulp", "#fee08b"), (1023, "16-1023 ulp", "#fc8d59"),
         (math.inf, "≥ 1024 ulp or inf", "#d73027"))
STATUS_COLOURS = ((NA, "#d9d9d9"), (ERROR, "#542788"), (UNRESOLVED, "#9ecae1"))


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


def _in_ulps(column):
    """Judged in ulps (its registry entry's allowance): finite differences are
    judged by relative error, thousands of ulps from the exact gradient by
    nature, and would paint their column red."""
    from micrograd_lab.harness.engines.registry import ENGINES
    entry = ENGINES.get(column)
    return entry is None or entry.allowance == "ulps"


def _without_fd(names, columns, cells):
    keep = [j for j, c in enumerate(columns) if _in_ulps(c)]
    new_index = {j: k for k, j in enumerate(keep)}
    cells = {(i, new_index[j]): v for (i, j), v in cells.items() if j in new_index}
    return names, [columns[j] for j in keep], cells


def _fixture_cell(status, ulps):
    """(colour index, text) of one fixture's cell."""
    if status == FAIL:
        return band(status, ulps), "FAIL"
    if status == UNRESOLVED:
        return band(status, ulps), "UNRES"
    return band(status, ulps), _compact(ulps) if status == CLOSE and ulps > 0 else ""


def _tag_cell(pairs):
    """(colour index, text) of a tag's cells [(status, ulps)]: the colour of
    the largest distance among the values checked (EXACT, CLOSE, FAIL), ERROR
    over all, UNRESOLVED or N/A when nothing was checked; the text counts
    what did not pass and gives the largest CLOSE distance."""
    statuses = [s for s, _ in pairs]
    checked = [u for s, u in pairs if s in (EXACT, CLOSE, FAIL)]
    top = max((u for s, u in pairs if s in (CLOSE, FAIL)), default=0.0)
    if ERROR in statuses:
        code = band(ERROR, 0.0)
    elif checked:
        code = band(CLOSE, top)
    else:
        code = band(UNRESOLVED if UNRESOLVED in statuses else NA, 0.0)
    close = [u for s, u in pairs if s == CLOSE and u > 0]
    text = [f"≤{_compact(max(close))}"] if close else []
    text += [f"{statuses.count(s)} {label}" for s, label in
             ((ERROR, "ERROR"), (FAIL, "FAIL"), (UNRESOLVED, "UNRES")) if s in statuses]
    return code, "\n".join(text)


def rows(grid, per_fixture=False, tags=None):
    """(row labels, columns, {(row, col): (colour index, text)}): one row per
    fixture, or per first tag (tags: {fixture name: first tag}; untagged
    when missing) in the order the tags first appear."""
    names, columns, cells = _without_fd(*grid)
    if per_fixture:
        return list(names), columns, {key: _fixture_cell(*value) for key, value in cells.items()}
    tags = tags or {}
    groups = {}
    for i, name in enumerate(names):
        groups.setdefault(tags.get(name, "untagged"), []).append(i)
    labels, shown = [], {}
    for row, (tag, members) in enumerate(groups.items()):
        labels.append(f"{tag} ({len(members)})")
        for j in range(len(columns)):
            pairs = [cells[(i, j)] for i in members if (i, j) in cells]
            if pairs:
                shown[(row, j)] = _tag_cell(pairs)
    return labels, columns, shown


def heatmap(grid, per_fixture=False, tags=None):
    """The figure (matplotlib Figure) of a grid, one row per tag by default."""
    labels, columns, shown = rows(grid, per_fixture, tags)
    if not labels:
        raise ValueError("the parity matrix has no fixtures to draw")
    codes = np.full((len(labels), len(columns)), band(NA, 0.0))  # missing: N/A
    for (i, j), (code, _) in shown.items():
        codes[i, j] = code
    colours = [c for _, _, c in BANDS] + [c for _, c in STATUS_COLOURS]
    font = 6 if per_fixture else 8
    # a row holds its tallest cell's lines of text; the legend beside needs 3 in
    lines = max((text.count("\n") + 1 for _, text in shown.values()), default=1)
    row_height = 0.22 if per_fixture else max(0.5, 0.17 * lines)
    fig, ax = figure(figsize=(2.5 + 0.9 * len(columns), max(3.0, 1.5 + row_height * len(labels))))
    ax.imshow(codes, cmap=ListedColormap(colours), vmin=0, vmax=len(colours) - 1,
              aspect="auto", interpolation="nearest")
    for (i, j), (code, text) in shown.items():
        if text:
            dark = code in (band(ERROR, 0.0), len(BANDS) - 1)   # purple, red
            ax.text(j, i, text, ha="center", va="center", fontsize=font,
                    color="white" if dark else "black",
                    fontweight="bold" if "FAIL" in text or "ERROR" in text else "normal")
    ax.set_xticks(range(len(columns)), columns, rotation=90)  # upright boxes never meet
    ax.set_yticks(range(len(labels)), labels, fontsize=7 if per_fixture else 9)
    ax.grid(False)
    rows_are = "fixture" if per_fixture else "tag (how many fixtures)"
    ax.set_title(f"Parity matrix: largest ulp distance from python_ref per {rows_are}\n"
                 "(fd is judged by relative error: see report/parity.md)", fontsize=10)
    ax.set_xlabel("backend")
    legend = [Patch(color=c, label=label) for _, label, c in BANDS]
    legend += [Patch(color=c, label=s) for s, c in STATUS_COLOURS]
    ax.legend(handles=legend, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return fig


def draw(outdir, grid=None, per_fixture=False, tags=None):
    """Write the heatmap into outdir: one row per tag (FILE), or per fixture
    (FILE_PER_FIXTURE).  grid: default the corpus's (load_grid); tags:
    {fixture name: first tag}, default the corpus's."""
    grid = grid if grid is not None else load_grid()
    if tags is None and not per_fixture:
        tags = corpus_tags()
    fig = heatmap(grid, per_fixture, tags)
    return [save(fig, outdir / (FILE_PER_FIXTURE if per_fixture else FILE))]


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m micrograd_lab.harness.companion.figures.parity_heatmap",
        description="Draw the parity heatmap: one row per tag, or per fixture.")
    parser.add_argument("--per-fixture", action="store_true",
                        help=f"one row per fixture, into {FILE_PER_FIXTURE}")
    parser.add_argument("--out", type=Path, default=PLOTS_DIR,
                        help="folder to write into (default: plots/)")
    args = parser.parse_args(argv)
    for path in draw(args.out, per_fixture=args.per_fixture):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The parity heatmap shows one row per tag by default and one row per
fixture on request: checked through the figure's rows, colours and texts."""
import math

import pytest

from micrograd_lab.harness.companion.figures import parity_heatmap as heatmap
from micrograd_lab.harness.fixture import TAGS as CORPUS_TAGS
from micrograd_lab.harness.judge.verdict import CLOSE, ERROR, EXACT, FAIL, NA, UNRESOLVED

COLUMNS = ["expected", "lua54", "torch", "fd"]
# fixture -> (first tag, its cells in COLUMNS order as (status, max ulps))
FIXTURES = {
    "l-minus-8": ("lecture", [(EXACT, 0), (CLOSE, 2), (CLOSE, 3), (CLOSE, 1e6)]),
    "l-nudge": ("lecture", [(NA, 0), (EXACT, 0), (CLOSE, 40), (UNRESOLVED, 0)]),
    "exp-at-1": ("ops", [(EXACT, 0), (FAIL, math.inf), (ERROR, 0), (NA, 0)]),
    "found-b7": ("found", [(NA, 0), (EXACT, 0), (UNRESOLVED, 0), (NA, 0)]),
}


def _grid():
    names = list(FIXTURES)
    cells = {(i, j): (status, float(ulps)) for i, name in enumerate(names)
             for j, (status, ulps) in enumerate(FIXTURES[name][1])}
    return names, list(COLUMNS), cells


TAGS = {name: tag for name, (tag, _) in FIXTURES.items()}


def _shown(fig):
    """(row labels, column labels, colour codes by row, {(row, col): text})."""
    ax = fig.axes[0]
    codes = ax.images[0].get_array().tolist()
    texts = {}
    for text in ax.texts:
        x, y = text.get_position()
        texts[(round(y), round(x))] = text.get_text()
    return ([t.get_text() for t in ax.get_yticklabels()],
            [t.get_text() for t in ax.get_xticklabels()], codes, texts)


def test_one_row_per_tag_by_default():
    labels, columns, codes, texts = _shown(heatmap.heatmap(_grid(), tags=TAGS))
    assert labels == ["lecture (2)", "ops (1)", "found (1)"]
    assert columns == ["expected", "lua54", "torch"]          # fd is judged by relative error
    band = heatmap.band
    assert codes[0] == [band(EXACT, 0), band(CLOSE, 2), band(CLOSE, 40)]   # the largest distance
    assert texts[(0, 2)] == "≤40" and texts[(0, 1)] == "≤2" and (0, 0) not in texts
    assert codes[1] == [band(EXACT, 0), band(FAIL, math.inf), band(ERROR, 0)]
    assert texts[(1, 1)] == "1 FAIL" and texts[(1, 2)] == "1 ERROR"
    # nothing checked: N/A; only an unresolved value: UNRESOLVED, counted in the text
    assert codes[2] == [band(NA, 0), band(EXACT, 0), band(UNRESOLVED, 0)]
    assert texts[(2, 2)] == "1 UNRES"


def test_a_tag_mixing_close_and_unresolved_shows_both():
    grid = (["a", "b"], ["torch"], {(0, 0): (CLOSE, 4.0), (1, 0): (UNRESOLVED, 0.0)})
    _, _, codes, texts = _shown(heatmap.heatmap(grid, tags={"a": "found", "b": "found"}))
    assert codes == [[heatmap.band(CLOSE, 4.0)]] and texts[(0, 0)] == "≤4\n1 UNRES"


def test_one_row_per_fixture_on_request():
    labels, columns, codes, texts = _shown(heatmap.heatmap(_grid(), per_fixture=True))
    assert labels == list(FIXTURES) and columns == ["expected", "lua54", "torch"]
    assert codes[1][2] == heatmap.band(CLOSE, 40) and texts[(1, 2)] == "40"
    assert codes[1][0] == heatmap.band(NA, 0) and (1, 0) not in texts
    assert codes[3][2] == heatmap.band(UNRESOLVED, 0) and texts[(3, 2)] == "UNRES"
    assert texts[(2, 1)] == "FAIL" and codes[2][2] == heatmap.band(ERROR, 0)


def test_the_tag_figure_stays_small_for_a_big_corpus():
    # 230 fixtures in 3 tags: 3 rows, not 230
    names = [f"f{i}" for i in range(230)]
    tags = {name: ("ops", "edges", "pow")[i % 3] for i, name in enumerate(names)}
    grid = (names, ["lua54"], {(i, 0): (EXACT, 0.0) for i in range(230)})
    by_tag = heatmap.heatmap(grid, tags=tags)
    per_fixture = heatmap.heatmap(grid, per_fixture=True)
    assert len(by_tag.axes[0].get_yticklabels()) == 3
    assert len(per_fixture.axes[0].get_yticklabels()) == 230
    assert by_tag.get_size_inches()[1] < 4 < 40 < per_fixture.get_size_inches()[1]


def test_draw_writes_the_tag_file_and_the_fixture_file_on_request(tmp_path):
    assert heatmap.draw(tmp_path, _grid(), tags=TAGS) == [tmp_path / heatmap.FILE]
    assert heatmap.draw(tmp_path, _grid(), per_fixture=True) == [
        tmp_path / heatmap.FILE_PER_FIXTURE]


def test_the_command_draws_per_fixture_on_request(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(heatmap, "load_grid", _grid)
    monkeypatch.setattr(heatmap, "corpus_tags", lambda: TAGS)
    assert heatmap.main(["--per-fixture", "--out", str(tmp_path)]) == 0
    assert heatmap.main(["--out", str(tmp_path)]) == 0
    written = capsys.readouterr().out.split()
    assert written == [str(tmp_path / heatmap.FILE_PER_FIXTURE), str(tmp_path / heatmap.FILE)]
    with pytest.raises(SystemExit):
        heatmap.main(["--no-such-flag"])


def test_an_empty_grid_is_refused():
    with pytest.raises(ValueError, match="no fixtures"):
        heatmap.heatmap(([], ["lua54"], {}))


def test_corpus_tags_name_each_fixtures_first_tag(monkeypatch):
    from shared_corpus import ERRORS, FIXTURES
    monkeypatch.setattr(heatmap, "_corpus", lambda: (FIXTURES, ERRORS))
    tags = heatmap.corpus_tags()
    assert tags["lecture-l-minus-8"] == next(f.tags[0] for f in FIXTURES
                                             if f.name == "lecture-l-minus-8")
    assert len(tags) == len(FIXTURES) and set(tags.values()) <= set(CORPUS_TAGS)

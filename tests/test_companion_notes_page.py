"""plots/walkthrough.md as a reader gets it: study notes with narrow tables
(one row per group of engines that agree, numbers to 6 significant digits,
the full values folded away), each figure once, torch's numbers rounded; and
in a browser, at GitHub's width, no table wider than the page."""
import re

import pytest

from micrograd_lab.harness import lua_engines
from micrograd_lab.harness.companion import engines
from micrograd_lab.harness.companion.notes_cli import short_version, sweeps
from micrograd_lab.harness.companion.paths import PLOTS_DIR
from micrograd_lab.harness.companion.report import markdown, rows
from micrograd_lab.harness.companion.shown import significant_digits
from micrograd_lab.harness.companion.walkthrough import run_section, sections

from markdown_page import CHROMIUM, measure

# One pytest-xdist worker runs this file with the other companion tests: the
# trained networks (trained() keeps them per process) are trained once.
pytestmark = pytest.mark.xdist_group("trained-networks")

LUA = lua_engines.runtimes()
MOONS_ENGINES = (engines.REFERENCE,) + tuple(rt for rt in ("luajit21", "lua54") if rt in LUA)[:1] \
    + (engines.TORCH,)


@pytest.fixture(scope="module")
def walk():
    """Every section run as the walkthrough tests run them (the moons on fewer engines)."""
    out = []
    for section in sections():
        names = MOONS_ENGINES if "moons" in section.title else None
        out.append((section, run_section(section, names)))
    return out


@pytest.fixture(scope="module")
def text(walk):
    return markdown(walk, None, {"luajit21": "LuaJIT 2.1"}, sweeps())


def test_every_figure_is_shown_once_and_every_sweep_linked_once(walk, text):
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(shown) == len(set(shown)) == sum(len(s.figures) for s, _ in walk)
    linked = re.findall(r"(?<!!)\[[^\]]*\]\((fixture_[^)]+)\)", text)
    assert len(linked) == len(set(linked)) == len(sweeps()) >= 10


def test_tables_have_four_columns_and_show_the_digits_a_claim_is_about(text):
    table_rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert table_rows and all(line.count(" | ") == 3 for line in table_rows)
    # a reader saw "prints -21.999970000053" beside "-22.0000…", and two engine
    # groups' rows both reading 0.707107…
    for line, before in zip(table_rows[1:], table_rows):
        expected, computed = line.split(" | ")[1:3]
        if expected.startswith("prints "):
            assert significant_digits(computed) >= significant_digits(expected[7:]), line
        if line.startswith("|  |  | ") and "torch" not in line.split(" | ")[3]:   # bitwise groups
            assert computed != before.split(" | ")[2], (before, line)
    assert "| slope at −3, h = 0.00001 | prints -21.999970000053 | -21.999970000053 |" in text
    assert "14.00003000000538 on all" in text  # the full value: folded under Full values


def test_engines_that_agree_share_a_row_and_torch_has_its_own(walk):
    section, results = next((s, r) for s, r in walk if s.title == "A neuron")
    table = rows(section, results)
    o_rows = [row for row in table if row[0] == "o"] + [table[table.index(
        next(row for row in table if row[0] == "o")) + 1]]
    total = 1 + len(LUA)
    if set(LUA) >= {"lua51", "lua54"}:  # libm's tanh and the port's own: two groups
        assert o_rows[0][3] == "✓ python_ref, lua51, lua52, luajit20, luajit21"
        assert o_rows[1][:2] == ["", ""] and o_rows[1][3] == "✓ lua53, lua54, lua55"
    (d_row,) = [row for row in table if row[0] == "n"]
    assert d_row[2:] == ["0.881374…", f"✓ all {total} engines"]
    section, results = next((s, r) for s, r in walk if s.title == "Training")
    torch_rows = [row for row in rows(section, results) if row[3] == "✓ torch"]
    assert ["", "", "≈ 0.00537894", "✓ torch"] in torch_rows
    # a distance between torch and python_ref reads as the bound it keeps: its
    # digits depend on the CPU kernels torch picks
    assert ["per-step losses: largest relative difference from python_ref's", "< 1e-13",
            "< 1e-13", "✓ torch"] in torch_rows


def test_luajit_reads_as_its_version_not_its_build_stamp():
    assert short_version("LuaJIT 2.1.1774896198") == "LuaJIT 2.1"
    assert short_version("LuaJIT 2.0.1774896119") == "LuaJIT 2.0"
    assert short_version("Lua 5.4") == "Lua 5.4"


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_no_table_is_wider_than_the_page_in_a_browser(tmp_path):
    """plots/walkthrough.md as kept in git: what readers open (make same-bytes
    checks it is what make notes writes)."""
    page = measure((PLOTS_DIR / "walkthrough.md").read_text(), PLOTS_DIR, tmp_path)
    assert len(page["tables"]) >= 10
    wide = [t for t in page["tables"] if t["scroll"] > t["client"]]
    assert not wide
    assert page["page"] <= page["view"]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)")
def test_the_browser_check_sees_a_table_too_wide(tmp_path):
    wide = "| " + " | ".join(["0.70710678118654757"] * 12) + " |\n" + "|---" * 12 + "|\n"
    page = measure(wide + "| " + " | ".join(["1"] * 12) + " |\n", PLOTS_DIR, tmp_path)
    (table,) = page["tables"]
    assert table["scroll"] > table["client"]

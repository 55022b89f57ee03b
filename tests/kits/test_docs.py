"""docs/languages.md tells a student which files of each kit to copy: all
of them but the example port, and every driver it names exists."""
import re
from pathlib import Path

import pytest

from micrograd_lab.harness.check.cli import DEFAULT_BUDGET
from micrograd_lab.harness.drivers import KITS
from micrograd_lab.harness.engines.manifest import load_manifest
from micrograd_lab.harness.run_control import FAIL_AFTER

REPO = Path(__file__).resolve().parents[2]
PAGE = (REPO / "docs" / "languages.md").read_text()


@pytest.mark.parametrize("language", list(KITS))
def test_the_page_copies_every_kit_file_but_the_example_port(language):
    kit = KITS[language]
    relative = kit.folder.relative_to(REPO)
    [listed] = re.findall(rf"cp \$LAB/{relative}/{{([^}}]+)}} \.", PAGE)
    on_disk = {p.name for p in kit.folder.iterdir() if p.is_file()}
    assert set(listed.split(",")) == on_disk - set(kit.example) - {kit.nn}
    assert kit.adapter in listed.split(",")
    # the nn part is copied apart, by a student whose port has an MLP
    assert f"cp $LAB/{relative}/{kit.nn} ." in PAGE


def test_every_driver_the_page_names_exists():
    named = re.findall(r"\$LAB/(harness/[\w/.]+\.(?:js|py|lua))", PAGE)
    assert named
    assert [path for path in named if not (REPO / path).is_file()] == []


def test_the_page_has_a_row_per_language():
    rows = re.findall(r"^\| (\w[\w+]*) \|", PAGE, re.MULTILINE)
    assert rows[1:] == ["JavaScript", "TypeScript", "Python", "Lua", "Go", "Rust", "C++", "Java"]


@pytest.mark.parametrize("language", list(KITS))
def test_a_kit_port_that_loops_is_stopped_by_fail_fast_within_the_budget(language):
    # the kits said timeout = 60, the whole budget: a looping port spent it on
    # its first program and read only "the budget ran out before this cell ran"
    manifest = load_manifest(KITS[language].folder / "port.toml")
    assert manifest.timeout * FAIL_AFTER < DEFAULT_BUDGET

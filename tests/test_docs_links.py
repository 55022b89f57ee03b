"""Every link of the README and the pages under docs/ leads somewhere: a
relative link to a file that exists, an anchor to a heading of its page
(GitHub's anchors: the heading's text in lower case, punctuation dropped,
spaces as hyphens)."""
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parent.parent
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
PARSER = MarkdownIt("commonmark").enable("table")


def _anchor(heading):
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def _headings_and_links(page):
    tokens = PARSER.parse(page.read_text())
    headings, links = set(), []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            headings.add(_anchor(tokens[i + 1].content.replace("`", "")))
        for child in token.children or ():
            target = child.attrGet("href") if child.type == "link_open" else (
                child.attrGet("src") if child.type == "image" else None)
            if target and "://" not in target and not target.startswith("mailto:"):
                links.append(target)
    return headings, links


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_link_resolves(page):
    headings, links = _headings_and_links(page)
    broken = []
    for target in links:
        path, _, anchor = target.partition("#")
        if path:
            if not (page.parent / path).exists():
                broken.append(target)
            elif anchor and path.endswith(".md") and anchor not in _headings_and_links(
                    (page.parent / path).resolve())[0]:
                broken.append(target)
        elif anchor not in headings:
            broken.append(target)
    assert not broken


def test_the_readme_is_a_front_page():
    text = (REPO / "README.md").read_text()
    assert len(text.splitlines()) <= 200
    assert "## Contents" in text
    for command in ("make parity", "make test", "make plots", "make notes", "make check"):
        assert command in text


def test_anchors_are_githubs():
    assert _anchor("How many real bugs the checks catch: make mutants") == \
        "how-many-real-bugs-the-checks-catch-make-mutants"
    assert _anchor("LuaJIT and integers as users run them") == "luajit-and-integers-as-users-run-them"

"""Write a run's report files: STEM.json, STEM.md and STEM.html in a folder."""
import tempfile
from pathlib import Path

from .as_json import run_json
from .html import run_html
from .markdown import run_markdown


def write_reports(result, folder, stem):
    """The three files of result in folder (made if needed); their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix, render in (("json", run_json), ("md", run_markdown), ("html", run_html)):
        path = folder / f"{stem}.{suffix}"
        path.write_text(render(result))
        paths.append(path)
    return paths


class UnwritableFolder(Exception):
    """A report folder that cannot be written: one line (exit 2)."""


def writable_folder(folder, option="--report-dir"):
    """Make folder (and its parents) and write a file in it, before any work:
    UnwritableFolder if that fails.  The folder."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise UnwritableFolder(f"{option} {folder}: cannot write there: "
                               f"{exc.strerror or exc}") from None
    return folder

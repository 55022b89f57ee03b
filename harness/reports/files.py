"""Write a run's report files: STEM.json, STEM.md and STEM.html in a folder."""
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

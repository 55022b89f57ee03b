"""A Markdown file as a reader sees it: rendered to HTML (markdown-it, as
GitHub renders CommonMark with tables and inline HTML), laid out at GitHub's
reading width, and measured in headless Chromium.  Each table is a block
that scrolls sideways when its content is wider than the page, as on
GitHub, so a table that does not fit shows as scrollWidth > clientWidth."""
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from markdown_it import MarkdownIt

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGE_WIDTH = 890  # px: GitHub's Markdown column (980 less its padding)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1000,3000", "--virtual-time-budget=5000", "--dump-dom")

STYLE = f"""
body {{ max-width: {PAGE_WIDTH}px; margin: 0 auto; font: 16px/1.5 "DejaVu Sans", sans-serif; }}
table {{ display: block; max-width: 100%; overflow: auto; border-collapse: collapse; }}
td, th {{ padding: 6px 13px; border: 1px solid #d0d7de; }}
img {{ max-width: 100%; }}
"""
# After loading, the page writes what it measured into <pre id="measured">.
MEASURE = """
window.addEventListener('load', () => {
  const tables = [...document.querySelectorAll('table')].map(
    t => ({scroll: t.scrollWidth, client: t.clientWidth, head: t.rows[0].innerText}));
  const out = document.createElement('pre');
  out.id = 'measured';
  out.textContent = JSON.stringify({tables, page: document.documentElement.scrollWidth,
                                    view: document.documentElement.clientWidth});
  document.body.appendChild(out);
});
"""


def html_page(markdown_text, base):
    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown_text)
    return (f'<!doctype html><html><head><meta charset="utf-8"><base href="{base.as_uri()}/">'
            f"<style>{STYLE}</style></head><body>{body}<script>{MEASURE}</script></body></html>")


def measure(markdown_text, base, workdir):
    """{"tables": [{scroll, client, head}], "page", "view"} of the rendered page
    (base: the folder its images are in)."""
    Path(workdir).mkdir(parents=True, exist_ok=True)
    page = Path(workdir) / "page.html"
    page.write_text(html_page(markdown_text, Path(base).resolve()), encoding="utf-8")
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={Path(workdir) / 'profile'}",
                           page.as_uri()], capture_output=True, text=True, timeout=120)
    found = re.search(r'<pre id="measured">(.*?)</pre>', done.stdout, re.S)
    if not found:
        raise RuntimeError(f"chromium measured nothing (exit {done.returncode}): {done.stderr[-800:]}")
    return json.loads(html.unescape(found.group(1)))

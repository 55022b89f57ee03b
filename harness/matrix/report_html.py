"""parity.html: one self-contained page (inline CSS, no scripts, no external
files), colour-coded cells whose details open on click and show on hover."""
from html import escape

from ..judge.verdict import CLOSE, CONVENTION, ERROR, EXACT, FAIL, NA, UNRESOLVED, UNSUPPORTED
from .report_md import deviation_notes
from .summary import by_tag, group_status, group_text

COLOURS = {EXACT: "#c8e6c9", CONVENTION: "#dcedc8", CLOSE: "#fff3b0", NA: "#e0e0e0",
           UNSUPPORTED: "#cfd8dc", UNRESOLVED: "#b3d7f5", FAIL: "#ffab91", ERROR: "#ef9a9a"}

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; vertical-align: top; font-size: 90%; }
th { background: #f0f0f0; position: sticky; top: 0; }
tr.tag th { background: #dde; text-align: left; }
details > summary { cursor: pointer; }
.detail { font-family: monospace; white-space: pre-wrap; max-width: 40em; }
""" + "\n".join(f"td.{s.replace('/', '')} {{ background: {c}; }}" for s, c in COLOURS.items())


def _cell(cell, vs_torch):
    css = cell.status.replace("/", "")
    text = escape(cell.summary())
    detail = cell.detail()
    extra = f"vs torch: {vs_torch.summary()} {vs_torch.detail()}".strip() if vs_torch else ""
    if not detail and not extra:
        return f'<td class="{css}">{text}</td>'
    tip = escape(" | ".join(x for x in (detail, extra) if x))
    body = "\n".join(escape(x) for x in (detail, extra) if x)
    return (f'<td class="{css}" title="{tip}"><details><summary>{text}</summary>'
            f'<div class="detail">{body}</div></details></td>')


def matrix_html(result):
    cols = list(result.columns)
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    groups = by_tag(result.fixtures)
    summary_rows = "".join(
        f"<tr><th>{escape(tag)} ({len(rs)})</th>"
        + "".join(f'<td class="{group_status(rs, c).replace("/", "")}">'
                  f"{escape(group_text(rs, c))}</td>" for c in cols) + "</tr>"
        for tag, rs in groups.items())
    rows = []
    for tag, rs in groups.items():
        rows.append(f'<tr class="tag"><th colspan="{len(cols) + 1}">{escape(tag)}</th></tr>')
        for r in rs:
            cells = "".join(_cell(r.cells[c], r.vs_torch.get(c)) if c in r.cells else "<td></td>"
                            for c in cols)
            rows.append(f'<tr><th title="{escape(r.source)}">{escape(r.name)}</th>{cells}</tr>')
    malformed = "".join(f"<li><code>{escape(m)}</code></li>" for m in result.malformed)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Parity matrix</title>
<style>{STYLE}</style></head><body>
<h1>Parity matrix</h1>
<p><strong>{escape(result.final_line())}</strong>; reference: python_ref; each cell compares
every value and gradient with python_ref (hover or open a cell for the first failing node,
and the same comparison against torch).</p>
{f"<h2>Malformed fixtures</h2><ul>{malformed}</ul>" if malformed else ""}
<h2>By tag</h2>
<table><tr><th>tag</th>{head}</tr>{summary_rows}</table>
<h2>Every fixture</h2>
<table><tr><th>fixture</th>{head}</tr>{"".join(rows)}</table>
<h2>Deviation classes and their measured bounds</h2>
<div class="detail">{escape(deviation_notes(result))}</div>
</body></html>
"""

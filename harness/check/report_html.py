"""check.html: one self-contained page (inline CSS, no scripts): the
diagnoses first, the probes, the cells per tag and per fixture, colour-coded,
each cell's detail on hover or click."""
from html import escape

from ..matrix.report_html import STYLE as MATRIX_STYLE
from .probes import FAULT, OK, SKIPPED, WARN
from .report_md import budget_lines
from .report_summary import VERDICTS, by_tag, group_status, group_text

PROBE_COLOURS = {OK: "#c8e6c9", WARN: "#fff3b0", FAULT: "#ffab91", SKIPPED: "#e0e0e0"}
STYLE = MATRIX_STYLE + "\n" + "\n".join(
    f"td.probe-{s.replace(' ', '-')} {{ background: {c}; }}" for s, c in PROBE_COLOURS.items()) + """
.diagnosis { border-left: 4px solid #c62828; padding-left: 1em; margin-bottom: 1em; }
"""


def _css(status):
    return status.replace("/", "")


def _cell(cell):
    text = escape(cell.summary())
    detail = cell.detail()
    if not detail:
        return f'<td class="{_css(cell.status)}">{text}</td>'
    return (f'<td class="{_css(cell.status)}" title="{escape(detail)}"><details><summary>{text}'
            f'</summary><div class="detail">{escape(detail)}</div></details></td>')


def _diagnoses(result):
    if not result.diagnoses:
        return "<p>No classic bug found: no failure or probe matches one.</p>"
    parts = []
    for d in result.diagnoses:
        items = "".join(f"<li>{escape(e.runtime)}: {escape(e.where)}"
                        + (f", node <code>{escape(e.node)}</code>" if e.node else "")
                        + f": {escape(e.detail)}</li>" for e in d.evidence)
        more = (f"<li>... {d.count - len(d.evidence)} more like these</li>"
                if d.count > len(d.evidence) else "")
        parts.append(f'<div class="diagnosis"><h3>{escape(d.bug.title)}</h3>'
                     f"<p>On {escape(', '.join(d.runtimes))}: {escape(d.bug.meaning)}.</p>"
                     f"<ul>{items}{more}</ul></div>")
    return "".join(parts)


def check_html(result):
    runs = result.runs
    head = "".join(f"<th>{escape(r.name)}</th>" for r in runs)
    names = list(dict.fromkeys(name for r in runs for name in r.probes))
    probe_rows = "".join(
        f"<tr><th>{escape(name)}</th>" + "".join(
            f'<td class="probe-{r.probes[name].status.replace(" ", "-")}">'
            f"{escape(r.probes[name].summary)}</td>" if name in r.probes else "<td></td>"
            for r in runs) + "</tr>" for name in names)
    groups = by_tag(result.fixtures)
    tag_rows = "".join(
        f"<tr><th>{escape(tag)} ({len(fs)})</th>" + "".join(
            f'<td class="{_css(group_status(fs, r))}">{escape(group_text(fs, r))}</td>'
            for r in runs) + "</tr>" for tag, fs in groups.items())
    rows = []
    for tag, fs in groups.items():
        rows.append(f'<tr class="tag"><th colspan="{len(runs) + 1}">{escape(tag)}</th></tr>')
        for f in fs:
            cells = "".join(_cell(r.cells[f.name]) if f.name in r.cells else "<td></td>"
                            for r in runs)
            rows.append(f'<tr><th title="{escape(f.source)}">{escape(f.name)}</th>{cells}</tr>')
    verdicts = "".join(f"<tr><th>{escape(v)}</th><td>{escape(m)}</td></tr>"
                       for v, m in VERDICTS.items())
    malformed = "".join(f"<li><code>{escape(m)}</code></li>" for m in result.malformed)
    versions = ", ".join(f"{r.name} ({r.version})" for r in runs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Check of {escape(result.port)}</title>
<style>{STYLE}</style></head><body>
<h1>Check of {escape(result.port)}</h1>
<p><strong>{escape(result.final_line())}</strong>: {escape(result.language)} port
<code>{escape(result.manifest)}</code> on {escape(versions)}; every value and gradient
compared with python_ref (hover or open a cell for its first failing node).</p>
{f"<h2>Malformed fixtures</h2><ul>{malformed}</ul>" if malformed else ""}
<h2>Diagnosis</h2>
{_diagnoses(result)}
<h2>Probes</h2>
<table><tr><th>probe</th>{head}</tr>{probe_rows}</table>
<h2>By tag</h2>
<table><tr><th>tag</th>{head}</tr>{tag_rows}</table>
<h2>Every fixture</h2>
<table><tr><th>fixture</th>{head}</tr>{"".join(rows)}</table>
<h2>What the verdicts mean</h2>
<table>{verdicts}</table>
<h2>Budgets</h2>
<div class="detail">{escape(chr(10).join(budget_lines(result)))}</div>
</body></html>
"""

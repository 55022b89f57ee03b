"""parity.html and check.html: one self-contained page (inline CSS, no
scripts, no external files): for a check the diagnoses and probes first,
then the cells by tag and by fixture, colour-coded, each cell's details on
hover or click."""
from html import escape

from ..diagnoses.wording import runtime_ranges
from ..judge.verdict import (CLOSE, CONVENTION, ERROR, EXACT, FAIL, NA, NOT_RUN, UNRESOLVED,
                             UNSUPPORTED)
from ..levels import MEANING as LEVEL_MEANING
from ..probes import FAULT, OK, SKIPPED, WARN
from .markdown import deviation_notes
from .summary import by_tag, group_status, group_text, printed_groups, printed_lines, probe_label

def _css(status):
    return status.replace("/", "").replace(" ", "-")


COLOURS = {EXACT: "#c8e6c9", CONVENTION: "#dcedc8", CLOSE: "#fff3b0", NA: "#e0e0e0",
           UNSUPPORTED: "#cfd8dc", UNRESOLVED: "#b3d7f5", FAIL: "#ffab91", ERROR: "#ef9a9a",
           NOT_RUN: "#ffe082"}
PROBE_COLOURS = {OK: "#c8e6c9", WARN: "#fff3b0", FAULT: "#ffab91", SKIPPED: "#e0e0e0"}

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.5em; vertical-align: top; font-size: 90%; }
th { background: #f0f0f0; position: sticky; top: 0; }
tr.tag th { background: #dde; text-align: left; }
details > summary { cursor: pointer; }
.detail { font-family: monospace; white-space: pre-wrap; max-width: 40em; }
.diagnosis { border-left: 4px solid #c62828; padding-left: 1em; margin-bottom: 1em; }
li.not-counted { color: #777; }
""" + "\n".join(f"td.{_css(s)} {{ background: {c}; }}" for s, c in COLOURS.items()) \
    + "\n" + "\n".join(f"td.probe-{s.replace(' ', '-')} {{ background: {c}; }}"
                       for s, c in PROBE_COLOURS.items())



def _cell(cell, vs_torch):
    text = escape(cell.summary())
    detail = cell.detail()
    extra = f"vs torch: {vs_torch.summary()} {vs_torch.detail()}".strip() if vs_torch else ""
    if not detail and not extra:
        return f'<td class="{_css(cell.status)}">{text}</td>'
    tip = escape(" | ".join(x for x in (detail, extra) if x))
    body = "\n".join(escape(x) for x in (detail, extra) if x)
    return (f'<td class="{_css(cell.status)}" title="{tip}"><details><summary>{text}</summary>'
            f'<div class="detail">{body}</div></details></td>')


def _diagnoses(result):
    if not result.diagnoses:
        return "<p>No classic bug found: no failure or probe matches one.</p>"
    parts = []
    for d in result.diagnoses:
        items = "".join(f"<li>{escape(text)}</li>" for text in d.lines())
        more = (f"<li>... {d.count - len(d.groups())} more like these</li>"
                if d.count > len(d.groups()) else "")
        parts.append(f'<div class="diagnosis"><h3>{escape(d.title() + d.aside)}</h3>'
                     f"<p>On {escape(runtime_ranges(d.runtimes))}: {escape(d.meaning)}.</p>"
                     f"<ul>{items}{more}</ul></div>")
    return "".join(parts)


def _probes(result):
    engines = result.engines
    names = list(dict.fromkeys(n for probes in result.probes.values() for n in probes))
    rows = "".join(
        f"<tr><th>{escape(name)}</th>" + "".join(
            f'<td class="probe-{result.probes[e][name].status.replace(" ", "-")}">'
            f"<strong>{escape(probe_label(result.probes[e][name]))}</strong>: "
            f"{escape(result.probes[e][name].summary)}</td>"
            if name in result.probes.get(e, {}) else "<td></td>" for e in engines) + "</tr>"
        for name in names)
    head = "".join(f"<th>{escape(e)}</th>" for e in engines)
    return f"<h2>Probes</h2>\n<table><tr><th>probe</th>{head}</tr>{rows}</table>"


def _levels(result):
    """The summary's line per level (harness/levels.py)."""
    items = "".join(
        f'<li class="{"counted" if line.counted else "not-counted"}">level '
        f"<strong>{escape(line.level)}</strong> ({escape(LEVEL_MEANING[line.level])}): "
        f"{escape(line.text)}{'' if line.counted else ' (shown, not counted)'}</li>"
        for line in result.level_lines())
    return f"<ul>{items}</ul>" if items else ""


def _printed(result):
    groups = printed_groups(result)
    if not groups:
        return ""
    parts = [f"<p>On {escape(', '.join(engines))}, {summary['total']} lines:</p>"
             f'<pre class="detail">{escape(chr(10).join(printed_lines(summary)))}</pre>'
             for engines, summary in groups]
    return "\n<h2>What the port printed</h2>\n" + "\n".join(parts)


def run_html(result):
    cols = list(result.columns)
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    groups = by_tag(result.fixtures)
    summary_rows = "".join(
        f"<tr><th>{escape(tag)} ({len(rs)})</th>"
        + "".join(f'<td class="{_css(group_status(rs, c))}">'
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
    if result.port is not None:
        title = f"Check of {result.port.name}"
        versions = ", ".join(f"{e} ({result.versions.get(e, '')})" for e in result.engines)
        about = (f"{escape(result.port.language)} port <code>{escape(result.port.manifest)}"
                 f"</code> on {escape(versions)}")
        check = (f"<h2>Diagnosis</h2>\n{_diagnoses(result)}\n{_probes(result)}"
                 f"{_printed(result)}")
    else:
        title, about, check = "Parity matrix", "reference: python_ref", ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>{STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<p><strong>{escape(result.final_line())}</strong>; {about}; each cell compares
every value and gradient with python_ref (hover or open a cell for the first failing node,
and for the matrix the same comparison against torch).</p>
{_levels(result)}
{f"<h2>Malformed fixtures</h2><ul>{malformed}</ul>" if malformed else ""}
{check}
<h2>By tag</h2>
<table><tr><th>tag</th>{head}</tr>{summary_rows}</table>
<h2>Every fixture</h2>
<table><tr><th>fixture</th>{head}</tr>{"".join(rows)}</table>
<h2>Deviation classes and their measured bounds</h2>
<div class="detail">{escape(deviation_notes(result))}</div>
</body></html>
"""

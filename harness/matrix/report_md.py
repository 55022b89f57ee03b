"""parity.md: the per-tag table, every cell that is not EXACT, and the
explanation of every deviation class with the bound measured in this run."""
from ..judge import tolerances
from ..judge.verdict import EXACT, MATRIX_STATUSES, STATUS
from .report_json import CONVENTIONS
from .summary import by_tag, group_text, max_ulps


def _escape(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _deviation_classes(result):
    rows = []
    for column in result.columns:
        top, where = max_ulps(result.fixtures, column)
        ops = tolerances.BUDGETS.get(column, {})
        classes = [f"`{op}` ({b.data}/{b.grad} ulp)" for op, b in ops.items()]
        if column in tolerances.REORDERS_GRADIENTS:
            classes.append("gradient accumulation order")
        if not classes and column not in ("fd", "expected"):
            classes = ["none: must be EXACT"]
        at = f"{where[0]}, {where[1].node}.{where[1].field}" if where else "-"
        measured = f"{top:g}"
        rel = [r.cells[column].max_rel for r in result.fixtures
               if column in r.cells and r.cells[column].max_rel is not None]
        if rel:   # finite differences: the relative error is what their rule bounds
            measured = f"relative {max(rel):.2e}"
            classes = [tolerances.FD_RULE]
        rows.append((column, ", ".join(classes) or "-", measured, at))
    return _table(["backend", "deviation classes (value/derivative ulp per op)",
                   "measured max ulp", "where"], rows)


def deviation_notes(result):
    lines = ["Every tolerance lives in `harness/tolerances.py`; a node is allowed the "
             "ulps its listed ops propagate to it (first-order error analysis, doubled), "
             "nothing else.", "", _deviation_classes(result), "",
             "### Why each listed op may differ", "", tolerances.describe(), "",
             "### Verdicts", ""]
    lines += [f"- **{s}** ({STATUS[s].counted}): {STATUS[s].meaning}." for s in MATRIX_STATUSES]
    lines += ["", "### Conventions", ""]
    lines += [f"- **{key}**: {text}" for key, text in sorted(CONVENTIONS.items())]
    return "\n".join(lines)


def matrix_markdown(result):
    groups = by_tag(result.fixtures)
    out = ["# Parity matrix", "", f"**{result.final_line()}** "
           f"({len(result.fixtures)} fixtures, reference: python_ref)", ""]
    if result.malformed:
        out += ["## Malformed fixtures (each one failed cell)", ""]
        out += [f"- `{line}`" for line in result.malformed] + [""]
    out += ["## By tag", "", _table(["tag", "fixtures"] + list(result.columns),
            [[tag, str(len(rs))] + [group_text(rs, c) for c in result.columns]
             for tag, rs in groups.items()]), ""]
    notable = [(r, c, cell) for r in result.fixtures for c, cell in r.cells.items()
               if cell.status != EXACT]
    out += ["## Every cell that is not EXACT", ""]
    out += [_table(["fixture", "backend", "verdict", "detail"],
                   [(r.name, c, cell.summary(), cell.detail()) for r, c, cell in notable])
            if notable else "None.", ""]
    out += ["## Deviation classes and their measured bounds", "", deviation_notes(result)]
    out += ["", "## Backends", ""]
    out += [f"- `{name}`: {version}" for name, version in sorted(result.versions.items())]
    out += ["", "## All fixtures", "", _table(
        ["fixture", "tag"] + list(result.columns),
        [[r.name, r.tags[0] if r.tags else ""] + [r.cells[c].summary() if c in r.cells else ""
                                                  for c in result.columns]
         for r in result.fixtures])]
    return "\n".join(out) + "\n"

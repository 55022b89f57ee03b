"""The terminal table of cells (rich) that the matrix and the check both
print: one row per tag, each cell harness.cell_groups.text of its group, or
with full=True one row per fixture under its tag; coloured by verdict."""
from rich.table import Table
from rich.text import Text

from . import cell_groups
from .judge.verdict import CLOSE, CONVENTION, ERROR, EXACT, FAIL, NA, UNRESOLVED, UNSUPPORTED

STYLES = {EXACT: "green", CONVENTION: "green", CLOSE: "yellow", NA: "dim", UNSUPPORTED: "dim",
          UNRESOLVED: "cyan", FAIL: "bold red", ERROR: "bold magenta"}
SUMMARY_ABOVE = 40   # fixtures: more than this and the default is one row per tag


def cells_table(title, groups, columns, cell_of, full):
    """groups: {tag: [fixtures]} (anything with a .name); columns: [(header,
    key)]; cell_of(fixture, key): its Cell, or None where it has none."""
    table = Table(title=title, show_lines=not full)
    table.add_column("tag" if not full else "fixture", no_wrap=True)
    for header, _ in columns:
        table.add_column(header, overflow="fold")
    for tag, fixtures in groups.items():
        if not full:
            row = []
            for _, key in columns:
                cells = [cell_of(f, key) for f in fixtures]
                row.append(Text(cell_groups.text(cells, "\n"), style=STYLES[cell_groups.status(cells)]))
            table.add_row(f"{tag} ({len(fixtures)})", *row)
            continue
        table.add_section()
        table.add_row(Text(tag, style="bold"), *[""] * len(columns))
        for f in fixtures:
            cells = [cell_of(f, key) for _, key in columns]
            table.add_row(f.name, *[Text(c.summary(), style=STYLES[c.status]) if c is not None else ""
                                    for c in cells])
    return table

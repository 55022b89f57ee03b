"""The terminal table (rich): per-tag summary by default for a big corpus,
every fixture with --full; cells coloured by verdict."""
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..verdict import (CLOSE, CONVENTION, ERROR, EXACT, FAIL, NA, UNRESOLVED,
                       UNSUPPORTED)
from .summary import by_tag, group_status, group_text

STYLES = {EXACT: "green", CONVENTION: "green", CLOSE: "yellow", NA: "dim", UNSUPPORTED: "dim",
          UNRESOLVED: "cyan", FAIL: "bold red", ERROR: "bold magenta"}
EXPLAINED = (FAIL, ERROR, UNRESOLVED)   # cells printed with their detail under the table
SUMMARY_ABOVE = 40   # fixtures: more than this and the default is the per-tag summary


def _table(result, full):
    table = Table(title="parity matrix (cells against python_ref)", show_lines=not full)
    table.add_column("tag" if not full else "fixture", no_wrap=True)
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for tag, results in by_tag(result.fixtures).items():
        if not full:
            table.add_row(f"{tag} ({len(results)})", *[
                Text(group_text(results, c, "\n"), style=STYLES[group_status(results, c)])
                for c in result.columns])
            continue
        table.add_section()
        table.add_row(Text(tag, style="bold"), *[""] * len(result.columns))
        for r in results:
            table.add_row(r.name, *[Text(r.cells[c].summary(), style=STYLES[r.cells[c].status])
                                    if c in r.cells else "" for c in result.columns])
    return table


def print_report(result, full=None, console=None):
    # a log (not a terminal) gets a wide table instead of 80 squeezed columns
    console = console or Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    for line in result.malformed:
        console.print(Text(line, style="bold red"), soft_wrap=True)   # one line, never wrapped
    full = len(result.fixtures) <= SUMMARY_ABOVE if full is None else full
    if result.fixtures:
        console.print(_table(result, full))
    for r in result.fixtures:
        for column, cell in r.cells.items():
            if cell.status in EXPLAINED:
                console.print(Text(f"{r.name}[{column}] {cell.status}: {cell.detail()}",
                                   style=STYLES[cell.status]), soft_wrap=True)

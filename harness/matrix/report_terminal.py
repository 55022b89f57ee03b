"""The terminal table (rich): per-tag summary by default for a big corpus,
every fixture with --full; cells coloured by verdict."""
import sys

from rich.console import Console
from rich.text import Text

from ..cells_table import STYLES, SUMMARY_ABOVE, cells_table
from ..judge.verdict import ERROR, FAIL, UNRESOLVED
from .summary import by_tag

EXPLAINED = (FAIL, ERROR, UNRESOLVED)   # cells printed with their detail under the table


def _table(result, full):
    return cells_table("parity matrix (cells against python_ref)", by_tag(result.fixtures),
                       [(c, c) for c in result.columns], lambda r, c: r.cells.get(c), full)


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

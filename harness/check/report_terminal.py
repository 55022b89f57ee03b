"""The check's terminal report (rich): the diagnoses, the probes per
runtime, the cells per tag (or per fixture with --full), then one line per
cell that FAILed or ERRORed."""
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..cells_table import STYLES, SUMMARY_ABOVE, cells_table
from ..judge.verdict import ERROR, FAIL
from .probes import FAULT, OK, SKIPPED, WARN
from .report_summary import by_tag, not_passing

PROBE_STYLES = {OK: "green", WARN: "yellow", FAULT: "bold red", SKIPPED: "dim"}


def _cells(result, full):
    return cells_table(f"{result.port}: cells against python_ref", by_tag(result.fixtures),
                       [(run.name, run) for run in result.runs],
                       lambda f, run: run.cells.get(f.name), full)


def _probes(result):
    table = Table(title="probes", show_lines=True)
    table.add_column("probe", no_wrap=True)
    for run in result.runs:
        table.add_column(run.name, overflow="fold")
    names = list(dict.fromkeys(name for run in result.runs for name in run.probes))
    for name in names:
        row = []
        for run in result.runs:
            probe = run.probes.get(name)
            row.append(Text(probe.summary, style=PROBE_STYLES[probe.status]) if probe else "")
        table.add_row(name, *row)
    return table


def print_report(result, full=None, console=None):
    console = console or Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    for line in result.malformed:
        console.print(Text(line, style="bold red"), soft_wrap=True)
    header = ", ".join(f"{run.name} ({run.version})" for run in result.runs)
    console.print(f"port {result.port} ({result.language}, {result.manifest}) on {header}",
                  soft_wrap=True)
    if result.diagnoses:
        console.print(Text("Diagnosis", style="bold"))
        for d in result.diagnoses:
            console.print(Text(f"  {d.headline()}", style="bold red"), soft_wrap=True)
            console.print(f"    {d.bug.meaning}", soft_wrap=True)
    if result.runs:
        console.print(_probes(result))
    full = len(result.fixtures) <= SUMMARY_ABOVE if full is None else full
    if result.fixtures and result.runs:
        console.print(_cells(result, full))
    for fixture, run, cell in not_passing(result):
        if cell.status not in (FAIL, ERROR):
            continue   # UNSUPPORTED and CONVENTION: counted above, listed in the reports
        console.print(Text(f"{fixture.name}[{run.name}] {cell.status}: {cell.detail()}",
                           style=STYLES[cell.status]), soft_wrap=True)

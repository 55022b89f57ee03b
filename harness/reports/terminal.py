"""The terminal report (rich), within 100 columns: for a check the diagnoses
and the probes first; then the cells by tag where the table fits (one
column per engine), or with --full one line per fixture; one row per engine
with its counts and how far it went; then one line per FAIL or ERROR cell.
UNRESOLVED cells are one line unless --verbose asks for each."""
import re
import sys
from collections import Counter

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..engines.printed import describe as describe_printed
from ..judge.verdict import (CLOSE, CONVENTION, ERROR, EXACT, FAIL, MOST_SEVERE_FIRST, NA,
                             NOT_RUN, UNRESOLVED, UNSUPPORTED)
from ..levels import LEVELS, level_of
from ..probes import FAULT, OK, REGISTRY, SKIPPED, WARN
from ..run_result import CATEGORY
from . import cell_groups
from .summary import (by_tag, column_cells, failing_probes, not_exact, not_run_causes,
                      printed_groups, probe_label)

WIDTH = 100
STYLES = {EXACT: "green", CONVENTION: "green", CLOSE: "yellow", NA: "dim", UNSUPPORTED: "dim",
          UNRESOLVED: "cyan", FAIL: "bold red", ERROR: "bold magenta", NOT_RUN: "bold yellow"}
SHORT = {UNSUPPORTED: "UNSUP", UNRESOLVED: "UNRES", CONVENTION: "CONV", NOT_RUN: "NORUN"}
PROBE_STYLES = {OK: "green", WARN: "yellow", FAULT: "bold red", SKIPPED: "dim"}
SUMMARY_ABOVE = 40   # fixtures: more than this and the default is one row per tag
GROUP_ABOVE = 3      # ERROR cells of one engine that read alike: more share one line
TAG_WIDTH, CELL_WIDTH = 18, 10   # a tag's row name, and one engine's cell, with padding


def _grid_text(cells):
    """A group of cells in a few characters a line: "2 FAIL", "30 CLOSE"."""
    counted = cell_groups.counts(cells)
    return "\n".join(f"{counted[s]} {SHORT.get(s, s)}" for s in MOST_SEVERE_FIRST
                     if counted[s]) or "-"


def _grid(result):
    """Rows by tag, a column per engine."""
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), title="cells against python_ref")
    table.add_column("tag", no_wrap=True)
    for column in result.columns:
        table.add_column(column, no_wrap=True)
    for tag, fixtures in by_tag(result.fixtures).items():
        row = []
        for column in result.columns:
            cells = column_cells(fixtures, column)
            row.append(Text(_grid_text(cells), style=STYLES[cell_groups.status(cells)]))
        table.add_row(f"{tag} ({len(fixtures)})", *row)
    return table


def _fits(result):
    return TAG_WIDTH + CELL_WIDTH * len(result.columns) <= WIDTH


def _fixture_lines(result, console):
    """--full: one line per fixture under its tag, naming every cell that is
    not EXACT (a line fits any number of engines)."""
    for tag, fixtures in by_tag(result.fixtures).items():
        console.print(Text(tag, style="bold"))
        for f in fixtures:
            rest = [(c, cell) for c, cell in f.cells.items() if cell.status != EXACT]
            line = Text(f"  {f.name}: ")
            if not rest:
                line.append(f"all {len(f.cells)} EXACT", style=STYLES[EXACT])
            for n, (column, cell) in enumerate(rest):
                line.append(("; " if n else "") + f"{column} {cell.summary()}",
                            style=STYLES[cell.status])
            console.print(line, soft_wrap=True)


def _engines(result):
    """One row per engine: its cells of the counted levels in the final line's
    words (passed, failed, not run; the rest: skipped, unsupported,
    convention), and the verdicts other than EXACT."""
    chosen = set(result.levels) != set(LEVELS)
    notes = ([f"counted: level {', '.join(result.levels)}"] if chosen else []) + (
        [f"and {len(result.malformed)} malformed fixture{'s' * (len(result.malformed) > 1)}, "
         "failed"] if result.malformed else [])   # the final line counts them failed
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), caption="; ".join(notes) or None)
    for name, justify in (("engine", "left"), ("version", "left"), ("passed", "right"),
                          ("failed", "right"), ("not run", "right"), ("other", "right"),
                          ("beyond EXACT", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    fixtures = [f for f in result.fixtures if result.is_counted(f)]
    for column in result.columns:
        cells = [c for c in column_cells(fixtures, column) if c is not None]
        counted = Counter(CATEGORY[c.status] for c in cells)
        rest = cell_groups.text([c for c in cells if c.status != EXACT])
        probed = [p for engine, p in result.probe_cells()
                  if engine == column and REGISTRY[p.name].level in result.levels]
        if probed:   # each probe is a cell of the final line too
            counted.update(p.counted for p in probed)
            bad = [f"probe {p.name} {p.verdict}" for p in probed if p.verdict]
            rest = ", ".join(bad + ([rest] if rest != "-" else [])) or "-"
        failed, not_run = counted["failed"], counted["not run"]
        other = sum(counted.values()) - counted["passed"] - failed - not_run
        version = result.versions.get(column, "the fixtures' own numbers")
        table.add_row(column, version, str(counted["passed"]),
                      Text(str(failed), style="bold red" if failed else ""),
                      Text(str(not_run), style="bold red" if not_run else ""), str(other),
                      Text("all EXACT" if rest == "-" else rest,
                           style=STYLES[cell_groups.status(cells)]))
    return table


def _probes(result, console):
    """Each probe in one line per group of engines that found the same."""
    names = list(dict.fromkeys(n for probes in result.probes.values() for n in probes))
    if names:
        console.print(Text("probes", style="bold"))
    for name in names:
        groups = {}
        for engine, probes in result.probes.items():
            probe = probes.get(name)
            if probe is not None:
                groups.setdefault((probe_label(probe), probe.status, probe.summary),
                                  []).append(engine)
        for (label, status, summary), engines in groups.items():
            on = "" if len(groups) == 1 and len(engines) == len(result.probes) and \
                len(engines) > 1 else f" [{', '.join(engines)}]"
            console.print(Text(f"  {name}{on}: {label}: {summary}",
                               style=PROBE_STYLES[status]), soft_wrap=True)


def _alike(cell):
    """An ERROR's message with its numbers left out (program 17, line 3):
    what errors that are one fault have in common."""
    return re.sub(r"\d+", "#", cell.detail())


def _failure_lines(result):
    """(text, status): one line per FAIL or ERROR cell, except that the
    ERROR cells of one engine whose messages read alike (numbers aside)
    share one line when more than GROUP_ABOVE of them do: a port that fails
    every program the same way says so once, and the summary stays in sight."""
    cells = not_exact(result, (FAIL, ERROR))
    alike = {}
    for f, column, cell in cells:
        if cell.status == ERROR:
            alike.setdefault((column, _alike(cell)), []).append(f)
    shown = set()
    for f, column, cell in cells:
        key = (column, _alike(cell)) if cell.status == ERROR else None
        group = alike.get(key, ())
        if len(group) <= GROUP_ABOVE:
            aside = "" if result.is_counted(f) else f" (level {level_of(f.tags)}: not counted)"
            yield f"{f.name}[{column}] {cell.status}{aside}: {cell.detail()}", cell.status
        elif key not in shown:
            shown.add(key)
            counted = sum(map(result.is_counted, group))
            # which of them --level counts: a student could not tell
            aside = "" if counted == len(group) else f", {counted} of them counted"
            yield (f"{len(group)} fixtures[{column}] ERROR alike "
                   f"({', '.join(g.name for g in group[:3])}, ...; the reports list each"
                   f"{aside}): {cell.detail()}"), ERROR


def print_report(result, full=None, verbose=False, console=None):
    console = console or Console(highlight=False, width=WIDTH if not sys.stdout.isatty()
                                 else min(WIDTH, Console().width))
    for line in result.malformed:
        console.print(Text(line, style="bold red"), soft_wrap=True)   # one line, never wrapped
    if result.port is not None:
        header = ", ".join(f"{e} ({result.versions.get(e, '')})" for e in result.engines)
        # Text: a port's name, path or advice may hold brackets (seen[v]), not markup
        console.print(Text(f"port {result.port.name} ({result.port.language}, "
                           f"{result.port.manifest}) on {header}"), soft_wrap=True)
        if result.diagnoses:
            console.print(Text("diagnosis", style="bold"))
        for d in result.diagnoses:
            console.print(Text(f"  {d.headline()}", style="bold red" if d.counted else "dim"),
                          soft_wrap=True)
            console.print(Text(f"    {d.meaning}", style="" if d.counted else "dim"),
                          soft_wrap=True)
        _probes(result, console)
        for engines, summary in printed_groups(result):
            console.print(Text(f"the port [{', '.join(engines)}] "
                               f"{describe_printed(summary)}", style="cyan"), soft_wrap=True)
    full = len(result.fixtures) <= SUMMARY_ABOVE if full is None else full
    if result.fixtures and result.columns:
        if full:
            _fixture_lines(result, console)
        elif _fits(result):
            console.print(_grid(result))
        console.print(_engines(result))
    for text, status in _failure_lines(result):
        console.print(Text(text, style=STYLES[status]), soft_wrap=True)
    for engine, probe in failing_probes(result):
        level = REGISTRY[probe.name].level
        aside = "" if level in result.levels else f" (level {level}: not counted)"
        console.print(Text(f"probe {probe.name}[{engine}] {probe.verdict}{aside}: "
                           f"{probe.summary}", style=STYLES[probe.verdict]), soft_wrap=True)
    for cause, columns in not_run_causes(result):   # each cause once, not once per cell
        console.print(Text(f"NOT RUN ({', '.join(f'{n} on {c}' for c, n in columns.items())}"
                           f"): {cause}", style=STYLES[NOT_RUN]), soft_wrap=True)
    unresolved = not_exact(result, (UNRESOLVED,))
    if unresolved and verbose:
        for f, column, cell in unresolved:
            console.print(Text(f"{f.name}[{column}] {cell.status}: {cell.detail()}",
                               style=STYLES[cell.status]), soft_wrap=True)
    elif unresolved:
        per = {}
        for _, column, _ in unresolved:
            per[column] = per.get(column, 0) + 1
        console.print(Text(f"{len(unresolved)} UNRESOLVED cells, where the allowed error is "
                           "half the value or more, so no digit is checked ("
                           + ", ".join(f"{c} {n}" for c, n in per.items())
                           + "): --verbose lists them", style=STYLES[UNRESOLVED]),
                      soft_wrap=True)
    _levels(result, console)


def _levels(result, console):
    """One line per level: its cells' counts; a level --level leaves out is
    shown, not counted."""
    lines = result.level_lines()
    if lines:
        console.print(Text("levels", style="bold"))
    for line in lines:
        style = "dim" if not line.counted else "green" if line.ok else "bold red"
        console.print(Text(f"  {line.level:<8} {line.text}"
                           + ("" if line.counted else "  (shown, not counted)"), style=style),
                      soft_wrap=True)

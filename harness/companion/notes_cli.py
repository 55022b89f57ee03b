"""python -m harness notes: the lecture in order, every claim computed live
on python_ref and each Lua runtime side by side (make notes)."""
from pathlib import Path

from rich.console import Console
from rich.table import Table

from harness import lua_engines

from . import engines
from .paths import PLOTS_DIR, REPO_ROOT, WALKTHROUGH_MD
from .report import CHECKED, markdown, rows
from .walkthrough import run_section, sections


def add_arguments(parser):
    parser.add_argument("--engines", nargs="+", metavar="ENGINE",
                        help="engines to run (default: python_ref, every Lua runtime here, "
                             "torch for training)")
    parser.add_argument("--markdown", type=Path, default=WALKTHROUGH_MD,
                        help="where to write the Markdown version (default: plots/walkthrough.md)")
    parser.add_argument("--moons-steps", type=int, default=100,
                        help="training steps of the moons demo (default 100)")


def versions(engine_list):
    return {e: lua_engines.version(e) for e in engine_list if e in lua_engines.runtimes()}


def more_figures():
    """The figures outside the lecture's order: fixture sweeps, the matrix."""
    from .figures import fixture_ranges, parity_heatmap

    sweeps = [(f"{f.name} ({f.plot['var']} from {f.plot['from']:g} to {f.plot['to']:g})",
               fixture_ranges.file_name(f)) for f in fixture_ranges.plotted_fixtures()]
    return sweeps + [("the parity matrix as a heatmap of max ulp distance", parity_heatmap.FILE)]


def main(args):
    known = engines.engine_names()
    unknown = [e for e in args.engines or () if e not in known]
    if unknown:
        print(f"notes: --engines: {', '.join(unknown)} not available here (known: {', '.join(known)})")
        return 2
    console = Console(width=max(160, Console().width))
    walk = []
    for number, section in enumerate(sections(moons_steps=args.moons_steps), 1):
        results = run_section(section, args.engines)
        walk.append((section, results))
        columns, table_rows = rows(section, results, args.engines)
        table = Table(title=f"{number}. {section.title}", title_justify="left", show_lines=False)
        table.add_column("claim", min_width=30, overflow="fold")
        for name in ["expected"] + list(columns) + [""]:
            table.add_column(name, overflow="fold")
        for row in table_rows:
            style = "green" if row[-1] == CHECKED else "bold red"
            table.add_row(*row[:-1], f"[{style}]{row[-1]}[/]")
        console.print(table)
        console.print(f"  [dim]notes:[/] {section.notes}", highlight=False)
        if section.remark:
            console.print(f"  [yellow]note:[/] {section.remark}", highlight=False)
        for fig in section.figures:
            console.print(f"  [dim]see[/] {(PLOTS_DIR / fig).relative_to(REPO_ROOT)}", highlight=False)
        console.print()
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(markdown(walk, args.engines, versions(args.engines or known),
                                      more_figures()))
    failed = sum(not r.ok for _, results in walk for r in results)
    total = sum(len(results) for _, results in walk)
    print(f"wrote {args.markdown}")
    print(f"{total - failed} claims checked, {failed} failed")
    return 1 if failed else 0

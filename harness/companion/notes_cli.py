"""mglab notes: the lecture in order, every claim computed live
on python_ref and each Lua runtime side by side (make notes)."""
import re
from pathlib import Path

from rich.console import Console
from rich.table import Table

from micrograd_lab.harness import lua_engines

from . import engines
from .paths import PLOTS_DIR, WALKTHROUGH_MD
from .report import CHECKED, HEADER, markdown, rows
from .walkthrough import MOONS_STEPS, run_section, sections


def add_arguments(parser):
    parser.add_argument("--engines", nargs="+", metavar="ENGINE",
                        help="engines to run (default: python_ref, every Lua runtime here, "
                             "torch where the lecture uses it)")
    parser.add_argument("--markdown", type=Path, default=WALKTHROUGH_MD,
                        help="where to write the Markdown version (default: plots/walkthrough.md)")
    parser.add_argument("--moons-steps", type=int, default=MOONS_STEPS,
                        help=f"training steps of the moons demo (default {MOONS_STEPS}; the claims "
                             "about its outcome need the default)")


def short_version(version):
    """'LuaJIT 2.1.1774896198' -> 'LuaJIT 2.1': the rolling release stamp says
    nothing to a reader and changes with lupa's build."""
    return re.sub(r"^(LuaJIT \d+\.\d+)\.\d+.*$", r"\1", version)


def versions(engine_list):
    out = {e: "the reference" for e in engine_list if e == engines.REFERENCE}
    out.update({e: short_version(lua_engines.version(e)) for e in engine_list
                if e in lua_engines.runtimes()})
    if engines.TORCH in engine_list:
        import torch

        out[engines.TORCH] = f"torch {torch.__version__.split('+')[0]}, float64"
    return out


def sweeps():
    """[(caption, file)] of the fixture sweeps, linked from the last section."""
    from .figures import fixture_ranges

    return [(f"{f.name} ({f.plot['var']} from {f.plot['from']:g} to {f.plot['to']:g})",
             fixture_ranges.file_name(f)) for f in fixture_ranges.plotted_fixtures()]


def _print_section(console, number, section, results, engine_list):
    table = Table(title=f"{number}. {section.title}", title_justify="left")
    for name in HEADER:
        table.add_column(name, overflow="fold")
    for row in rows(section, results, engine_list):
        style = "green" if row[-1].startswith(CHECKED) else "bold red"
        table.add_row(*row[:-1], f"[{style}]{row[-1]}[/]")
    console.print(table)
    for label, text in (("not checked", section.unchecked), ("note", section.remark)):
        if text:
            console.print(f"  [yellow]{label}:[/] {text}", highlight=False)
    for fig, _ in section.figures:
        console.print(f"  [dim]see[/] {PLOTS_DIR / fig}", highlight=False)
    console.print()


def main(args):
    known = engines.engine_names()
    unknown = [e for e in args.engines or () if e not in known]
    if unknown:
        print(f"notes: --engines: {', '.join(unknown)} not available here (known: {', '.join(known)})")
        return 2
    if args.moons_steps < 1:
        print(f"notes: --moons-steps: {args.moons_steps} is not a number of steps (at least 1)")
        return 2
    console = Console(highlight=False)
    walk = []
    for number, section in enumerate(sections(moons_steps=args.moons_steps), 1):
        results = run_section(section, args.engines)
        walk.append((section, results))
        _print_section(console, number, section, results, args.engines)
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(markdown(walk, args.engines, versions(args.engines or known),
                                      sweeps()))
    failed = sum(not r.ok for _, results in walk for r in results)
    total = sum(len(results) for _, results in walk)
    print(f"wrote {args.markdown}")
    print(f"{total - failed} claims checked, {failed} failed")
    return 1 if failed else 0

"""mglab fuzz: differential fuzzing of random expression graphs.

Every program runs on every chosen backend; each is compared with python_ref
under the parity matrix's budgets.  A failure is shrunk by hypothesis to a
small program and written as a fixture in harness/fixtures/found/, which the
parity matrix then runs forever after.  Exit code 1 when anything was found.
"""
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from micrograd_lab.harness.engines.base import UnavailableEngine
from micrograd_lab.harness.engines.registry import ENGINE_NAMES, REFERENCE, get_engine

from . import profiles
from .campaign import describe, run
from .found import FOUND_DIR
from .oracle import Oracle


def found_line(found):
    """The terminal's FOUND line, as plain text: a program's brackets
    (`dot(n1, [n1, x2], ...)`) read as rich markup would vanish."""
    where = f"{found.path}: " if found.path else ""
    return Text("FOUND ", style="red") + Text(f"{where}{describe(found)}")


def add_arguments(parser):
    parser.description = __doc__.split("\n\n")[1].replace("\n", " ")
    parser.add_argument("--examples", type=int, default=None, metavar="N",
                        help="programs to try (default: FUZZ_EXAMPLES from the environment, "
                             f"else {profiles.CAMPAIGN_EXAMPLES}; {profiles.QUICK_EXAMPLES} "
                             "with --profile quick)")
    parser.add_argument("--backends", default=",".join(ENGINE_NAMES), metavar="A,B,...",
                        help=f"comma-separated backends (default: all of {', '.join(ENGINE_NAMES)}; "
                             f"{REFERENCE} is always the reference)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed for a reproducible run (default: random, or fixed under "
                             "--profile quick)")
    parser.add_argument("--out", default=str(FOUND_DIR), metavar="DIR",
                        help="where shrunk failures are written as fixtures (default: %(default)s)")
    parser.add_argument("--profile", choices=("campaign", "quick"), default="campaign",
                        help="campaign: random, example database in .hypothesis/ (default); "
                             "quick: deterministic, no database (what make test runs)")
    parser.add_argument("--max-steps", type=int, default=8, metavar="N",
                        help="at most N ops per program (default: %(default)s)")


def _backends(text, console):
    """The backend names asked for; unavailable ones are dropped with a note
    when the default list was used, refused when asked for by name."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENGINE_NAMES]
    if unknown:
        raise ValueError(f"--backends: unknown backend {unknown[0]!r} "
                         f"(known: {', '.join(ENGINE_NAMES)})")
    explicit = text != ",".join(ENGINE_NAMES)
    usable = []
    for name in names:
        backend = get_engine(name)
        if isinstance(backend, UnavailableEngine):
            if explicit:
                raise ValueError(f"--backends: {backend.reason} ({name})")
            console.print(f"[yellow]skipping {name}: {backend.reason}[/]")
            continue
        usable.append(name)
    return usable


def main(args):
    console = Console(stderr=True)
    try:
        if args.examples is not None and args.examples < 1:
            raise ValueError(f"--examples: {args.examples} is not a positive number")
        if args.max_steps < 1:
            raise ValueError(f"--max-steps: {args.max_steps} is not a positive number")
        names = _backends(args.backends, console)
        if args.profile == "quick":
            examples = args.examples or profiles.QUICK_EXAMPLES
            settings = profiles.quick(examples)
        else:
            examples = args.examples or profiles.campaign_examples()
            settings = profiles.campaign(examples)
    except ValueError as exc:
        print(f"mglab fuzz: {exc}", file=sys.stderr)
        return 2

    oracle = Oracle(names)
    console.print(f"fuzzing {examples} programs on {', '.join([REFERENCE] + [b.name for b in oracle.candidates])}")
    columns = (TextColumn("[bold]fuzz"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]:.0f} programs/s"),
               TextColumn("[red]{task.fields[failures]} failures"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("fuzz", total=examples, rate=0.0, failures=0)
        found_count = [0]

        def on_program(result):
            elapsed = progress.tasks[0].elapsed or 0.0
            progress.update(task, completed=min(result.tried, examples),
                            rate=result.tried / elapsed if elapsed else 0.0)

        def on_found(found):
            found_count[0] += 1
            progress.update(task, failures=found_count[0])
            progress.console.print(found_line(found))

        result = run(oracle, settings, examples, seed=args.seed, out_dir=args.out,
                     max_steps=args.max_steps, on_program=on_program, on_found=on_found)
    print(f"{result.tried} programs tried in {result.seconds:.1f} s "
          f"({result.rate:.0f} programs/s), {len(result.found)} failures")
    for found in result.found:
        print(f"FOUND {found.path}: {found.summary}")
    return 1 if result.found else 0

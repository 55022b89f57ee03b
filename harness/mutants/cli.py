"""mglab mutants: plant each classic port mistake, check it, score.

Prints, per mutant, the runtimes that caught it and the first fixtures (or
probes, or the nn oracle) that did; then the score per runtime family:
caught / planted, equivalent mutants apart with their reasons.  Exit 1 when
a mutant that is not equivalent survives on some runtime, or when an
equivalent one is caught (its reason is then wrong).
"""
import sys

from ..fixture import TAGS, UnknownFixtures, load_corpus
from ..cli_args import list_of, names
from . import nn_oracle
from .run import FAMILIES, family_of, run_mutant
from .table import MUTANTS, by_name

# The default corpus: every tag but the 100,000-node chains (a mutant's
# bug shows on small graphs; deep ones would cost minutes per mutant).
DEFAULT_TAGS = tuple(t for t in TAGS if t != "deep")
SHOWN_CATCHES = 3


def add_arguments(parser):
    mutant_names = sorted({m.name for m in MUTANTS})
    lua = FAMILIES["PUC Lua"] + FAMILIES["LuaJIT"]
    parser.add_argument("--mutants", type=list_of("mutant", mutant_names), action="extend",
                        default=[], metavar="NAMES", help="only these mutants, comma separated")
    parser.add_argument("--languages", type=list_of("language", ("python", "lua")),
                        action="extend", default=[], metavar="NAMES",
                        help="only mutants of these engines (python, lua)")
    parser.add_argument("--runtimes", type=list_of("runtime", lua), action="extend",
                        default=[], metavar="NAMES",
                        help=f"Lua runtimes to check Lua mutants on (default: {', '.join(lua)})")
    parser.add_argument("--tags", type=list_of("tag", TAGS), action="extend", default=[],
                        metavar="TAGS", help="fixtures with any of these tags (default: every "
                                             "tag but deep)")
    parser.add_argument("--fixtures", type=names, action="extend", default=[], metavar="NAMES",
                        help="only these fixtures: names or shell globs, comma separated")

    def error(message):
        print(f"{parser.prog}: {message}", file=sys.stderr)
        sys.exit(2)
    parser.error = error


def main(args):
    from micrograd_lab import python_ref
    mutants = [m for m in by_name(args.mutants)
               if not args.languages or m.language in args.languages]
    lua_runtimes = tuple(args.runtimes) or FAMILIES["PUC Lua"] + FAMILIES["LuaJIT"]
    try:
        fixtures, malformed = load_corpus(names=args.fixtures or None,
                                          tags=args.tags or list(DEFAULT_TAGS))
    except UnknownFixtures as exc:
        print(f"harness mutants: --fixtures: {exc}", file=sys.stderr)
        return 2
    if malformed:
        for line in malformed:
            print(line, file=sys.stderr)
        return 1
    reference = nn_oracle.python_observations(python_ref)
    outcomes = []
    for mutant in mutants:
        outcome = run_mutant(mutant, fixtures, lua_runtimes, reference)
        outcomes.append(outcome)
        print(_line(outcome), flush=True)
    print()
    for line in score_lines(outcomes):
        print(line)
    return 0 if all(_as_expected(o) for o in outcomes) else 1


def _line(outcome):
    mutant = outcome.mutant
    where = ", ".join(r for r in outcome.caught if outcome.caught_on(r)) or "nowhere"
    survivors = [r for r in outcome.caught if not outcome.caught_on(r)]
    verdict = "caught" if not survivors else ("survived" if where == "nowhere" else "partly caught")
    if mutant.equivalent:
        on = f" on {', '.join(mutant.equivalent_on)}" if mutant.equivalent_on else ""
        verdict += f" (equivalent{on}: {mutant.equivalent})"
    first = next((why for why in outcome.caught.values() if why), [])
    evidence = "; ".join(first[:SHOWN_CATCHES])
    return (f"{mutant.language:6} {mutant.name:26} {verdict}; caught on {where}"
            + (f"; by {evidence}" if evidence else "")
            + (f"; survived on {', '.join(survivors)}" if survivors and where != "nowhere" else ""))


def _as_expected(outcome):
    """Caught wherever it is a real bug, and nowhere it is equivalent."""
    return all(outcome.caught_on(r) != outcome.mutant.equivalent_here(r) for r in outcome.caught)


def score_lines(outcomes):
    """caught / planted per runtime family (a mutant counts for a family when
    every runtime of the family caught it); equivalent mutants apart."""
    lines = ["score (caught on every runtime of the family where it is a real bug / planted; "
             "equivalent on all of them apart):"]
    for family in FAMILIES:
        mine = {id(o): [r for r in o.caught if family_of(r) == family] for o in outcomes}
        real = [o for o in outcomes if mine[id(o)]
                and not all(o.mutant.equivalent_here(r) for r in mine[id(o)])]
        equivalent = [o for o in outcomes if mine[id(o)] and o not in real]
        if not real and not equivalent:
            continue
        caught = [o for o in real if all(o.caught_on(r) for r in mine[id(o)]
                                         if not o.mutant.equivalent_here(r))]
        line = f"  {family}: {len(caught)} / {len(real)}"
        if equivalent:
            line += f", {len(equivalent)} equivalent"
        lines.append(line)
        for o in real:
            if o not in caught:
                lines.append(f"    survived: {o.mutant.name} ({o.mutant.bug})")
    return lines

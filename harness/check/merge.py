"""mglab merge CLASS.json...: join the class summaries that
`check --shard K/N` wrote (on N machines, say) into one, the files one run
of the whole class would have written (class_reports.py).

Shards of a class hold different ports: their rows are put together.
Shards of one port's corpus (`check PORT --shard K/N`) hold the same port:
its cells, diagnoses and causes are joined (outcome.merge_same_port).  A
port in two shards of a class, or a shard given twice, is refused, but for
a row that was not checked (Ctrl-C, not yet started): a later summary's
row of that port takes its place, which finishes an interrupted run.  With
--replace, a later summary's row replaces an earlier one whatever it was:
one student checked again (`check PORT --class`).
"""
import sys
from dataclasses import replace
from pathlib import Path

from .class_reports import NotASummary, print_summary, read_summary, write_summary
from .classrun import closing_line
from .outcome import INTERRUPTED, NOT_CHECKED, merge_same_port
from .targets import distinct

USAGE_ERROR = 2


def add_arguments(parser):
    parser.description = ("Join the class.json files of `check --shard K/N` runs into one "
                          "class summary: class.json, class.csv, junit.xml and each port's "
                          "results.json, as one run of the whole class writes them.")
    parser.add_argument("summaries", type=Path, nargs="+", metavar="CLASS.json",
                        help="the shards' class.json files (or their report folders)")
    parser.add_argument("--replace", action="store_true",
                        help="a later summary's row of a port replaces an earlier one (a "
                             "student checked again with `check PORT --class`)")
    parser.add_argument("--report-dir", type=Path, default=Path("report") / "class",
                        metavar="DIR", help="where the joined summary goes (default "
                                            "report/class/)")


UNFINISHED = (INTERRUPTED, NOT_CHECKED)


def merge(summaries, replacing=False):
    """The outcomes of every summary joined: (outcomes, shards seen)."""
    by_port, seen = {}, []
    for path in summaries:
        path = path / "class.json" if path.is_dir() else path
        outcomes, shard = read_summary(path)
        if shard is not None and shard in seen:
            raise NotASummary(f"{path}: shard {shard} is given twice")
        seen.append(shard)
        for outcome in outcomes:
            parts = by_port.setdefault(outcome.manifest, [])
            # the same share of the port (all of it, or one corpus shard) only:
            # another shard's row replacing it dropped half the corpus unsaid
            same = [p for p in parts if p.shards == outcome.shards]
            if same and (replacing or all(p.state in UNFINISHED for p in same)):
                parts[:] = [p for p in parts if p not in same]   # checked again, or at last
            elif parts and not (outcome.shards and all(p.shards for p in parts)):
                raise NotASummary(f"{path}: port {outcome.slug} is in two shards of a class "
                                  "(--replace: the later one replaces it)")
            parts.append(outcome)
    merged = [merge_same_port(sorted(parts, key=lambda p: _shard_key(p.shards)))
              for parts in by_port.values()]
    slugs = distinct([o.slug for o in merged], [o.manifest for o in merged])
    return [replace(o, slug=slug) for o, slug in zip(merged, slugs)], seen


def _shard_key(shards):
    return [tuple(map(int, s.split("/"))) for s in shards]


def main(args):
    try:
        outcomes, _ = merge(args.summaries, args.replace)
    except NotASummary as exc:
        print(exc, file=sys.stderr)
        return USAGE_ERROR
    write_summary(outcomes, args.report_dir)
    print_summary(outcomes)
    print(f"class summary: {args.report_dir}/class.{{json,csv}}, {args.report_dir}/junit.xml "
          f"({len(args.summaries)} shards joined)")
    return closing_line(outcomes)

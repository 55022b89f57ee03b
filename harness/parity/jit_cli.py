"""The command line the LuaJIT tools share (jit_diff, jit_coverage):
--fixtures, --tags and --runtimes, with the same one-line refusals."""
import argparse
import sys

from micrograd_lab.lua_port.runtimes import JIT_RUNTIMES

from ..fixture import UnknownFixtures, load_corpus


def parse(prog, doc, argv):
    """(LuaJIT runtimes, fixtures, malformed lines), or an exit code (2) after
    one line for an unknown runtime or a fixture name no fixture has."""
    parser = argparse.ArgumentParser(prog=prog, description=doc.split("\n\n")[1].replace("\n", " "))
    parser.add_argument("--fixtures", default="", metavar="NAMES",
                        help="only these fixtures: names or shell globs, comma separated")
    parser.add_argument("--tags", default="", metavar="TAGS", help="only fixtures with these tags")
    parser.add_argument("--runtimes", default=",".join(JIT_RUNTIMES), metavar="NAMES",
                        help=f"LuaJIT runtimes (default: {','.join(JIT_RUNTIMES)})")
    args = parser.parse_args(argv)
    runtimes = [r for r in args.runtimes.split(",") if r]
    unknown = [r for r in runtimes if r not in JIT_RUNTIMES]
    if unknown:
        print(f"{prog}: --runtimes: unknown LuaJIT runtime {unknown[0]!r} "
              f"(known: {', '.join(JIT_RUNTIMES)})", file=sys.stderr)
        return 2
    try:
        fixtures, malformed = load_corpus(names=[n for n in args.fixtures.split(",") if n] or None,
                                          tags=[t for t in args.tags.split(",") if t] or None)
    except UnknownFixtures as exc:
        print(f"{prog}: --fixtures: {exc}", file=sys.stderr)
        return 2
    for error in malformed:
        print(error, file=sys.stderr)
    return runtimes, fixtures, malformed

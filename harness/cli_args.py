"""The argument types every command's line shares (argparse types that say
what is wrong in one line), and the corpus filters parity and check share."""
import argparse


def names(text):
    """Comma-separated names (empty parts dropped)."""
    return [part for part in text.split(",") if part]


def list_of(kind, allowed):
    """An argparse type: comma-separated names, each one of `allowed`."""
    def parse(text):
        found = names(text)
        unknown = [n for n in found if n not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {kind} {', '.join(unknown)}; choose from {', '.join(allowed)}")
        return found
    parse.__name__ = f"{kind} list"  # argparse names the type in its messages
    return parse


def positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def existing_folder(text):
    """A folder that exists (--fixtures-dir): refused before any work."""
    from pathlib import Path
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text}: {'is not a folder' if path.exists() else 'no such folder'}")
    return path


def add_corpus_filters(parser):
    """--fixtures, --tags and --fixtures-dir: which fixtures a command runs."""
    from .fixture import TAGS
    parser.add_argument("--fixtures", type=names, action="extend", default=[], metavar="NAMES",
                        help="only these fixtures: names or shell globs, comma separated "
                             "or repeated (e.g. 'lecture-*,deep-chain-100000')")
    parser.add_argument("--tags", type=list_of("tag", TAGS), action="extend", default=[],
                        metavar="TAGS", help="only fixtures with any of these tags, comma "
                                             f"separated ({', '.join(TAGS)})")
    parser.add_argument("--fixtures-dir", type=existing_folder, default=None, metavar="DIR",
                        help="load fixtures from DIR instead of harness/fixtures/")

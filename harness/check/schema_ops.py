"""The op lists of the check's two JSON schemas, written from harness.ops.

harness/schema/port.schema.json (the keys of a Lua manifest's [ops]) and
protocol.schema.json (the protocol's op names) are written by hand, all but
their op lists:

    python -m harness.check.schema_ops     # rewrite the op lists of both files

tests/check/test_schema_ops.py fails, naming the file, when a list is stale.
The rest of each file keeps its hand-written text, so a diff shows only ops.
"""
import json
import re
import sys
from pathlib import Path

from ..ops import OPS

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
COMMENT = ("Written by hand, all but its op lists: python -m harness.check.schema_ops writes "
           "them from harness/ops.py.")
_COMMENT_LINE = re.compile(r'\A\{\n(?:  "\$comment": "[^"\n]*",\n)?')


def _wrapped(items, indent, opening, closing):
    """items joined by ", ", as many to a line as 100 columns hold, one indent in."""
    inner = " " * (indent + 2)
    lines = [inner + items[0]]
    for item in items[1:]:
        if len(lines[-1]) + len(", " + item + ",") <= 100:
            lines[-1] += ", " + item
        else:
            lines[-1] += ","
            lines.append(inner + item)
    return opening + "\n" + "\n".join(lines) + "\n" + " " * indent + closing


# file name -> (where its op list stands, the list as written there)
LISTS = {
    "protocol.schema.json": (
        r'("op": \{[^{}]*"enum": )\[[^\]]*\]',
        _wrapped([json.dumps(name) for name in OPS], 6, "[", "]")),
    "port.schema.json": (
        r'("ops": \{[^{}]*"properties": )\{(?:[^{}]|\{[^{}]*\})*\}',
        _wrapped([f'{json.dumps(name)}: {{"$ref": "#/$defs/op"}}' for name in OPS], 6, "{", "}")),
}


def written(name, text):
    """The text of schema file `name` with its op lists and its comment
    written from OPS; ValueError if a list is not where it belongs."""
    pattern, listed = LISTS[name]
    text, found = re.subn(pattern, lambda m: m.group(1) + listed, text, count=1)
    if not found:
        raise ValueError(f"harness/schema/{name}: no op list where {pattern!r} expects one")
    return _COMMENT_LINE.sub(lambda m: "{\n" + f'  "$comment": {json.dumps(COMMENT)},\n',
                             text, count=1)


def main():
    for name in LISTS:
        path = SCHEMA_DIR / name
        try:
            text = written(name, path.read_text())
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
        if text != path.read_text():
            path.write_text(text)
            print(f"wrote the op lists of harness/schema/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

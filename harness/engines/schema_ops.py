"""The op lists of the check's JSON schemas, written from harness.ops.

harness/schema/port.schema.json (the keys of a Lua manifest's [ops]) and
protocol.schema.json (the protocol's op names) are written by hand, all but
their op lists, which `python -m micrograd_lab.harness.engines.schema_ops` rewrites in place
(a diff shows only ops).  tests/check/test_schema_ops.py names a stale file.
"""
import json
import re
import sys
from pathlib import Path

from ..ops import OPS

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
COMMENT = ("Written by hand, all but its op lists: python -m micrograd_lab.harness.engines.schema_ops writes "
           "them from harness/ops.py.")
_COMMENT_LINE = re.compile(r'\A\{\n(?:  "\$comment": "[^"\n]*",\n)?')


def _listed(items, opening, closing):
    """One item a line, at the depth where both lists stand."""
    return f"{opening}\n" + ",\n".join(" " * 8 + item for item in items) + f"\n      {closing}"


# file name -> (where its op list stands, the list as written there)
LISTS = {
    "protocol.schema.json": (r'("op": \{[^{}]*"enum": )\[[^\]]*\]',
                             _listed([json.dumps(name) for name in OPS], "[", "]")),
    "port.schema.json": (r'("ops": \{[^{}]*"properties": )\{(?:[^{}]|\{[^{}]*\})*\}',
                         _listed([f'{json.dumps(name)}: {{"$ref": "#/$defs/op"}}' for name in OPS],
                                 "{", "}")),
}


def written(name, text):
    """Schema file `name`'s text with its op list and comment written from
    OPS; ValueError if the list is not where it belongs."""
    pattern, listed = LISTS[name]
    text, found = re.subn(pattern, lambda m: m.group(1) + listed, text, count=1)
    if not found:
        raise ValueError(f"harness/schema/{name}: no op list where {pattern!r} expects one")
    return _COMMENT_LINE.sub(lambda m: "{\n" + f'  "$comment": {json.dumps(COMMENT)},\n', text)


def main():
    for name in LISTS:
        path = SCHEMA_DIR / name
        try:
            text = written(name, path.read_text())
        except ValueError as error:
            print(error, file=sys.stderr)
            sys.exit(2)
        if text != path.read_text():
            path.write_text(text)
            print(f"wrote the op lists of harness/schema/{name}")


if __name__ == "__main__":
    main()

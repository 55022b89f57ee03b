"""A failing program, shrunk by hypothesis, kept as a normal fixture file in
harness/fixtures/found/, which the parity matrix then runs on every backend.

program_text(program) prints a Program back as the assignments the fixture
parser (harness/parse.py) reads; parse_program(program_text(p), ...) gives p
again (a round-trip test keeps that true).
"""
import datetime
import hashlib
import json
import math
import re
from pathlib import Path

from micrograd_lab.harness.fixture import FIXTURES_ROOT, TAGS, fixture_toml
from micrograd_lab.harness.ops import OPS

FOUND_DIR = FIXTURES_ROOT / "found"
FOUND_TAGS = tuple(tag for tag in ("found", "fuzz") if tag in TAGS)

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def number_text(x):
    """A number literal the parser folds back to exactly x (it has no inf/nan
    names, so those are written as the IEEE divisions that make them)."""
    if math.isnan(x):
        return "(0/0)"
    if math.isinf(x):
        return "(1/0)" if x > 0 else "(-1/0)"
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text  # `(-2.0) ** x`, not -(2.0 ** x)


def _names(program):
    """node id -> a plain name for the text: ids such as `d.1` or `c#2` (from
    parsed fixtures) become `d_1`, `c_2`, made unique."""
    names, taken = {}, set()
    for node_id in program.node_ids():
        name = node_id if _NAME.match(node_id) else re.sub(r"\W", "_", node_id).lstrip("_")
        name = name if name and name[0].isalpha() else f"v{name}"
        base, k = name, 2
        while name in taken or name in OPS:
            name, k = f"{base}_{k}", k + 1
        names[node_id] = name
        taken.add(name)
    return names


def _expression(step, names):
    op = OPS[step.op]
    args = [names[a.value] if a.kind == "node" else number_text(a.value) for a in step.args]
    if op.kind == "binary":
        symbol = op.syntax.split()[1]           # "a + b" -> "+"
        return f"{args[0]} {symbol} {args[1]}"
    if op.kind == "unary":
        if op.syntax.startswith("x."):          # a method: x.relu()
            return f"{args[0]}.{op.name}()"
        return f"{op.syntax[:-1]}{args[0]}"     # a prefix symbol: -x
    if op.name == "dot":
        n = (len(args) - 1) // 2
        return f"dot({args[0]}, [{', '.join(args[1:1 + n])}], [{', '.join(args[1 + n:])}])"
    return f"{op.name}({', '.join(args)})"      # sum(start, v1, ...)


def program_text(program):
    """The steps as `name = expression` lines, one a line."""
    names = _names(program)
    return "".join(f"{names[s.out]} = {_expression(s, names)}\n" for s in program.steps)


def program_hash(program):
    """12 hex digits naming the program (bit-exact numbers, so -0.0 != 0.0)."""
    # json writes floats with repr: shortest round-trip text, -0.0 kept.
    text = json.dumps(program.to_plain(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def fixture_for(program, summary, date=None):
    """(fixture name, TOML text) for a found program with its one-line summary."""
    names = _names(program)
    date = date or datetime.date.today().isoformat()
    name = f"found-{program_hash(program)}"
    inputs = {names[n]: v for n, v in program.inputs}
    text = fixture_toml(name=name, source=f"fuzzer, {date}", description=summary,
                        tags=list(FOUND_TAGS), inputs=inputs, program=program_text(program),
                        output=names[program.output])
    return name, text


def write_found(program, summary, out_dir=None, date=None):
    """Write the fixture into out_dir (default harness/fixtures/found/);
    returns its path. The same program always gets the same file name."""
    out_dir = Path(out_dir) if out_dir is not None else FOUND_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    name, text = fixture_for(program, summary, date)
    path = out_dir / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path

"""Fixtures: one TOML file each, readable as study notes (harness/fixtures/).

load_fixture(path) checks a file against harness/schema/fixture.schema.json,
then its meaning (the program parses, the output and every expected id are
nodes, the plot variable is an input, the tags are documented) and returns a
Fixture.  load_corpus() loads a whole folder: a bad file becomes one
FixtureError (one line: file, place, reason) and the rest still load.
"""
import fnmatch
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jsonschema

from .fixture_error import FixtureError
from .parse import Repeat, parse_program, resolve
from .program import Program
from .toml_errors import field_name, first_schema_error, read_toml

__all__ = ["Fixture", "FixtureError", "load_fixture", "load_corpus", "FIXTURES_ROOT",
           "TAGS", "fixture_toml"]

FIXTURES_ROOT = Path(__file__).resolve().parent / "fixtures"
REPO_ROOT = FIXTURES_ROOT.parent.parent
SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "fixture.schema.json"
MAX_PLOT_POINTS = 10_000
MAX_FILE_BYTES = 4_000_000  # the program's own limit is 2,000,000 characters
# Strings a fixture may write where a number goes (the schema lists the same).
SPECIAL_NUMBERS = ("inf", "+inf", "-inf", "nan", "-0.0", "0.0")

# Every tag a fixture may use, and what it means (harness/fixtures/README.md
# shows the same list; a test keeps them in step).
TAGS = {
    "lecture": "an example from the lecture or the study notes, with its numbers",
    "micrograd": "micrograd's own README example and test_engine.py sanity checks",
    "ops": "one op at ordinary points, value and gradient derived by hand",
    "edges": "an op at an IEEE edge: 0, -0.0, tiny, subnormal, huge, inf, nan, kinks, poles, "
             "saturation (tanh(7))",
    "pow": "powers: constant exponents, Value**Value and number**Value",
    "reuse": "one node used more than once: gradients must accumulate",
    "deep": "long chains and wide graphs (thousands of nodes)",
    "nn": "neuron, layer and MLP forward passes with fixed weights",
    "slope": "numeric derivative (f(x+h) - f(x))/h written as a program",
    "nary": "the fused sum(...) and dot(...) nodes",
    "found": "a case the fuzzer found and kept (harness/fixtures/found/)",
    "integers": "integral numbers whose Lua 5.3+ integer arithmetic wraps around at 2^63",
    # Conventions: where engines legitimately differ.  A fixture pinning one
    # carries its tag, and a port that differs only there reads CONVENTION
    # (harness/conventions.py finds what a program pins).
    "relu-grad-at-zero": "pins a convention: relu's gradient at 0 (python_ref and torch: 0)",
    "relu-grad-at-nan": "pins a convention: relu's gradient at nan (python_ref and torch pass it)",
    "pow-grad-at-zero": "pins a convention: the gradient of x**0 at 0 or nan, and of 0**b in b "
                     "(python_ref and torch: 0)",
    "zero-sign": "pins a convention: the sign of a zero, seen downstream through 1/x, log "
                 "or x**-n",
}


@dataclass(frozen=True)
class Fixture:
    name: str
    source: str
    description: str
    tags: tuple[str, ...]
    path: str               # relative to the repo root
    program: Program
    expected: dict          # {node id: {"data": float | None, "grad": float | None}}
    plot: dict | None       # {"var": str, "from": float, "to": float, "step": float}
    tolerance: dict | None  # {"ulps": int, "reason": str}


_VALIDATOR = None


def _validator():
    global _VALIDATOR
    if _VALIDATOR is None:
        schema = json.loads(SCHEMA_PATH.read_text())
        _VALIDATOR = jsonschema.Draft202012Validator(schema)
    return _VALIDATOR


def display_path(path):
    """The path as messages show it: relative to the repo root when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _explain(error, parts):
    """The fixture's own wording for a bad number and a bad name."""
    if error.validator == "oneOf":
        return parts, (f"{error.instance!r} is not a number (use a float or one of "
                       "'inf', '-inf', 'nan', '-0.0')")
    if error.validator == "pattern" and parts == ["name"]:
        return parts, (f"{error.instance!r} is not a slug: lower-case letters, digits "
                       "and single dashes, at most 80 characters")
    return None


def _schema_error(path, data):
    found = first_schema_error(_validator(), data, "harness/schema/fixture.schema.json", _explain)
    if found is None:
        return None
    parts, reason = found
    return FixtureError(path, field_name(parts), reason)


def _string_start(raw, key):
    """(line, col) where the string value of `key = ...` starts in the file,
    for mapping program lines to file lines; None when it cannot be found."""
    m = re.search(rf"^[ \t]*{key}[ \t]*=[ \t]*('''|\"\"\"|'|\")", raw, re.MULTILINE)
    if m is None:
        return None
    line = raw.count("\n", 0, m.start()) + 1
    if len(m.group(1)) == 3 and raw[m.end():m.end() + 1] == "\n":
        return line + 1, 0  # TOML drops the newline right after the opening quotes
    return line, m.end() - (raw.rfind("\n", 0, m.end()) + 1)


def number(value):
    """A fixture number: a float, an int, or one of the SPECIAL_NUMBERS strings."""
    if isinstance(value, bool):
        raise ValueError("booleans are not numbers")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and value.strip().lower() in SPECIAL_NUMBERS:
        return float(value.strip())
    raise ValueError(f"{value!r} is not a number (use a float, or one of "
                     f"{', '.join(repr(s) for s in SPECIAL_NUMBERS)})")


def _numbers(path, table, section):
    out = {}
    for key, value in table.items():
        try:
            out[key] = number(value)
        except ValueError as e:
            raise FixtureError(path, f"[{section}] {key}", str(e)) from None
    return out


def load_fixture(path):
    """Read, validate and parse one fixture file.  Raises FixtureError."""
    return _build(*_read(path))


def _read(path, content=None):
    """The TOML text checked against the schema and the tag list: (path, raw,
    data).  content: the file's bytes, already read."""
    shown = display_path(path)
    raw, data = read_toml(Path(path), MAX_FILE_BYTES,
                          lambda place, reason: FixtureError(shown, place, reason),
                          too_big="; use [repeat] for long graphs", twice="a duplicate input",
                          content=content)
    error = _schema_error(shown, data)
    if error:
        raise error
    for tag in data["tags"]:
        if tag not in TAGS:
            raise FixtureError(shown, "tags", f"unknown tag `{tag}` (documented tags: "
                                              f"{', '.join(TAGS)})")
    return shown, raw, data


def _build(shown, raw, data):
    """The meaning: parse the program, check expected ids, plot and tolerance."""
    inputs = _numbers(shown, data["inputs"], "inputs")
    start = _string_start(raw, "program") or (1, 0)
    repeat = None
    if "repeat" in data:
        body_start = _string_start(raw, "body")
        repeat = Repeat(data["repeat"]["count"], data["repeat"]["body"],
                        *(body_start or (None, 0)))
    program = parse_program(data["program"], inputs, data["output"], path=shown,
                            first_line=start[0], first_col=start[1], repeat=repeat)

    ids = set(program.node_ids())
    expected = {}
    for kind in ("data", "grad"):
        table = data.get("expected", {}).get(kind, {})
        for node_id, value in _numbers(shown, table, f"expected.{kind}").items():
            resolve(node_id, ids, shown, f"[expected.{kind}] {node_id}", "expected value for")
            expected.setdefault(node_id, {"data": None, "grad": None})[kind] = value

    plot = None
    if "plot" in data:
        plot = {k: (v if k == "var" else float(v)) for k, v in data["plot"].items()}
        if plot["var"] not in inputs:
            raise FixtureError(shown, "[plot] var", f"`{plot['var']}` is not an input "
                                                    f"(inputs: {', '.join(inputs)})")
        if not plot["from"] < plot["to"]:
            raise FixtureError(shown, "[plot] to", "`to` must be greater than `from`")
        points = (plot["to"] - plot["from"]) / plot["step"]
        if not math.isfinite(points) or points > MAX_PLOT_POINTS:
            raise FixtureError(shown, "[plot] step", f"more than {MAX_PLOT_POINTS:,} points")

    tolerance = data.get("tolerance")
    if tolerance is not None:
        if not tolerance["reason"].strip():
            raise FixtureError(shown, "[tolerance] reason", "a tolerance needs a reason")
        tolerance = {"ulps": tolerance["ulps"], "reason": tolerance["reason"].strip()}

    return Fixture(name=data["name"], source=data["source"], description=data["description"],
                   tags=tuple(data["tags"]), path=shown, program=program, expected=expected,
                   plot=plot, tolerance=tolerance)


class UnknownFixtures(ValueError):
    """Names or patterns given to load_corpus that no fixture has."""


def _content_key(path):
    """(path, as shown, its bytes): what a file's reading and meaning depend
    on, or None for a file too big (or unreadable) to keep, which _read
    refuses with its own error."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return str(path), display_path(path), path.read_bytes()
    except OSError:
        return None


# A process that loads the corpus again (every check of a class, every test)
# parses each file once; keyed by the bytes, an edited file is read anew.
@lru_cache(maxsize=2048)
def _read_known(path, shown, content):
    return _read(Path(path), content)


@lru_cache(maxsize=2048)
def _build_known(path, shown, content):
    return _build(*_read_known(path, shown, content))


def load_corpus(root=None, names=None, tags=None, known=()):
    """Every *.toml under root (default: harness/fixtures, found/ included).

    names: fixture names or shell patterns (`lecture-*`); tags: keep fixtures
    with any of these tags.  Returns (fixtures sorted by (first tag, name),
    errors): a bad file is an error and the rest still load; a fixture name
    used twice is an error on the second file (in path order).  A name or
    pattern that no fixture has (a typo) raises UnknownFixtures, naming it,
    unless a file whose name could not be read may be that fixture, or it
    names one of known (rows a check adds: the nn cases).
    """
    root = Path(root) if root is not None else FIXTURES_ROOT
    fixtures, errors, seen, nameless = [], [], {}, 0
    for path in sorted(root.rglob("*.toml")):
        name = None
        try:
            key = _content_key(path)
            shown, raw, data = _read_known(*key) if key else _read(path)
            name = data["name"]
            if name in seen:
                raise FixtureError(shown, "name", f"duplicate fixture name `{name}` "
                                                  f"(also in {seen[name]})")
            seen[name] = shown
            # Filters apply before the program is parsed: a filtered run stays fast.
            if names and not any(fnmatch.fnmatchcase(name, n) for n in names):
                continue
            if tags and not set(data["tags"]) & set(tags):
                continue
            fixtures.append(_build_known(*key) if key else _build(shown, raw, data))
        except FixtureError as e:
            errors.append(e)
            nameless += name is None
    unknown = [n for n in names or ()
               if not any(fnmatch.fnmatchcase(name, n) for name in [*seen, *known])]
    # a file that cannot be read may be the one named: its error says more
    if unknown and not nameless:
        raise UnknownFixtures(f"no fixture matches {', '.join(unknown)} (the {len(seen)} "
                              f"fixtures under {display_path(root)})")
    fixtures.sort(key=lambda f: (f.tags[0], f.name))
    return fixtures, errors


def _toml_number(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    return repr(x)  # inf, -inf, -0.0, 5e-324 and 1e+300 are all TOML floats


def _toml_string(s):
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a TOML basic string


def _toml_key(key):
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


def _toml_multiline(s):
    if "\n" not in s.strip() or "'''" in s:
        return _toml_string(s.strip())
    return "'''\n" + s.strip() + "\n'''"


def fixture_toml(name, source, description, tags, inputs, program, output, expected=None,
                 tolerance=None, plot=None):
    """A fixture as TOML text (for tools that write fixtures, e.g. the fuzzer
    saving a case into harness/fixtures/found/).  inputs: {name: float};
    program: the program text; expected: {"data": {...}, "grad": {...}}."""
    lines = [f"name = {_toml_string(name)}", f"source = {_toml_string(source)}",
             f"description = {_toml_multiline(description)}",
             f"tags = [{', '.join(_toml_string(t) for t in tags)}]",
             f"output = {_toml_string(output)}",
             "program = '''", program.rstrip("\n"), "'''", "", "[inputs]"]
    lines += [f"{k} = {_toml_number(v)}" for k, v in inputs.items()]
    for kind, values in (expected or {}).items():
        lines += ["", f"[expected.{kind}]"]
        lines += [f"{_toml_key(k)} = {_toml_number(v)}" for k, v in values.items()]
    if plot:
        lines += ["", "[plot]", f"var = {_toml_string(plot['var'])}"]
        lines += [f"{k} = {_toml_number(plot[k])}" for k in ("from", "to", "step")]
    if tolerance:
        lines += ["", "[tolerance]", f"ulps = {int(tolerance['ulps'])}",
                  f"reason = {_toml_string(tolerance['reason'])}"]
    return "\n".join(lines) + "\n"

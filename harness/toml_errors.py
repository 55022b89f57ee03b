"""Saying where a TOML file checked against a JSON Schema is wrong, and why.

Fixtures (fixture.py) and port manifests (check/manifest.py) are both TOML
files with a JSON Schema; a bad one is refused with one line naming the file,
the place and the reason.  This module holds what both need: the place of a
TOML syntax error, the first schema error as (field path, reason), a field
path as a reader writes it ("[inputs] b"), and the line and column where a
key (or an item of its array) stands in the file.
"""
import difflib
import re
import tomllib

__all__ = ["read_toml", "toml_syntax_error", "first_schema_error", "field_name", "key_place"]


def read_toml(path, max_bytes, refuse, too_big="", twice="", content=None):
    """(the text, the parsed table) of a TOML file of at most max_bytes.
    refuse(place, reason) makes the one-line error raised when it cannot be
    read, is too big (too_big: a hint after the limit), is not UTF-8 or is
    not TOML (twice: see toml_syntax_error); place is (line, col) or None.
    content: the file's bytes, already read (then path only names it)."""
    try:
        size = path.stat().st_size if content is None else len(content)
        if size > max_bytes:
            raise refuse(None, f"the file is {size:,} bytes, over the limit of {max_bytes:,}"
                               + too_big)
        raw = (path.read_bytes() if content is None else content).decode("utf-8")
    except OSError as e:
        raise refuse(None, f"cannot read: {e.strerror}") from None
    except UnicodeDecodeError as e:
        raise refuse(None, f"not UTF-8 text (byte {e.start})") from None
    try:
        return raw, tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        raise refuse(*toml_syntax_error(e, twice)) from None


def toml_syntax_error(error: tomllib.TOMLDecodeError, twice=""):
    """((line, col) or None, reason) of a TOMLDecodeError; col is 1-based.
    twice: an example of a key given twice, for the hint."""
    message = str(error)
    at = re.search(r"\(at line (\d+), column (\d+)\)", message)
    reason = "TOML syntax error: " + re.sub(r"\s*\(at [^)]*\)", "", message)
    if "Cannot overwrite a value" in message:
        reason += f" (a key is given twice{', e.g. ' + twice if twice else ''})"
    return ((int(at[1]), int(at[2])) if at else None), reason


def field_name(parts):
    """("inputs", "b") -> "[inputs] b"; ("name",) -> "name"; () -> None."""
    parts = [str(p) for p in parts]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return f"[{'.'.join(parts[:-1])}] {parts[-1]}"


def first_schema_error(validator, data, schema_name, explain=None):
    """The schema error to report first (the one nearest the top of the
    document) as (field path parts, reason), or None when data is valid.
    explain(error, parts) may give a reason of its own (or None) before the
    generic ones: a missing required field, an unknown field, else the
    validator's own message."""
    # at one place, an unknown field before a missing one: a misspelt key is
    # both, and its line and a "did you mean" help more
    errors = sorted(validator.iter_errors(data),
                    key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path)),
                                   e.validator != "additionalProperties"))
    if not errors:
        return None
    error = errors[0]
    parts = list(error.absolute_path)
    if explain is not None:
        special = explain(error, parts)
        if special is not None:
            return special
    if error.validator == "required":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return parts + [missing.group(1)], "required field is missing"
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        known = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        guess = difflib.get_close_matches(extra[0], known, n=1) if extra else []
        hint = f", did you mean {guess[0]}?" if guess else ""
        return parts + extra[:1], f"unknown field{hint} (see {schema_name})"
    return parts, f"schema: {error.message}"


# -- where a key stands -----------------------------------------------------------

_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf"(?:{_BARE}|\"[^\"\n]*\"|'[^'\n]*')"
_DOTTED = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_HEADER_RE = re.compile(rf"[ \t]*\[\[?[ \t]*({_DOTTED})[ \t]*\]\]?")
_ASSIGN_RE = re.compile(rf"[ \t]*({_DOTTED})[ \t]*=[ \t]*")


def _keys(dotted):
    return [k[1:-1] if k[:1] in "\"'" else k
            for k in re.findall(_KEY, dotted)]


def _item_offset(raw, start, index):
    """Offset of item `index` of the inline array whose '[' is at start, or None."""
    depth, item, i, n = 0, -1, start, len(raw)
    while i < n:
        c = raw[i]
        if c in "\"'":
            if depth == 1 and item == -1:
                item = 0
            if depth == 1 and item == index:
                return i
            triple = raw[i:i + 3] == c * 3
            end = raw.find(c * 3 if triple else c, i + (3 if triple else 1))
            if end < 0:
                return None
            i = end + (3 if triple else 1)
            continue
        if c == "#":
            i = raw.find("\n", i)
            if i < 0:
                return None
            continue
        if c in "[{":
            depth += 1
            if depth == 2 and item == -1:
                item = 0
            if depth == 2 and item == index:
                return i
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return None
        elif c == "," and depth == 1:
            item += 1
        elif depth == 1 and not c.isspace():
            if item == -1:
                item = 0
            if item == index:
                return i
        i += 1
    return None


def key_place(raw, parts, value=False):
    """(line, col), both 1-based, of the field parts in the TOML text raw:
    the key (or, with value=True, the start of its value; an int in parts
    picks an item of an inline array).  When the key is not written in the
    file (a required field is missing) it is the nearest enclosing table's
    header; failing all, (1, 1)."""
    want = [p for p in parts if not isinstance(p, int)]
    index = next((p for p in parts if isinstance(p, int)), None)
    best, best_len = 0, 0
    table, offset, skip_until = [], 0, -1
    for line in raw.splitlines(keepends=True):
        start = offset
        offset += len(line)
        if start < skip_until:
            continue
        header = _HEADER_RE.match(line)
        if header:
            table = _keys(header.group(1))
            if table == want[:len(table)] and len(table) > best_len:
                best, best_len = start + line.index("[") , len(table)
            continue
        assign = _ASSIGN_RE.match(line)
        if not assign:
            continue
        path = table + _keys(assign.group(1))
        value_at = start + assign.end()
        if raw.startswith(("'''", '"""'), value_at):  # a multi-line string: skip its body
            close = raw.find(raw[value_at:value_at + 3], value_at + 3)
            skip_until = len(raw) if close < 0 else close
        if path == want:
            if index is not None and raw.startswith("[", value_at):
                at = _item_offset(raw, value_at, index)
                if at is not None:
                    return _line_col(raw, at)
            return _line_col(raw, value_at if (value or index is not None)
                             else start + len(line) - len(line.lstrip(" \t")))
        if path == want[:len(path)] and len(path) > best_len:
            best, best_len = value_at, len(path)  # an inline table holds the field
    return _line_col(raw, best) if best_len else (1, 1)


def _line_col(raw, offset):
    line = raw.count("\n", 0, offset) + 1
    return line, offset - (raw.rfind("\n", 0, offset) + 1) + 1

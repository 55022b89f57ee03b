"""A port manifest: how `mglab check PORT.toml` reaches a port.

load_manifest(path) checks the TOML file against harness/schema/port.schema.json,
then its meaning (the root folder exists; every Lua expression compiles on
every runtime named), and returns a Manifest.  A bad manifest raises a
ManifestError: one line, `file:line:col: reason`.

A Lua port is reached through short Lua expressions, compiled in the port's
own global table after `setup` ran:

    new       x -> a leaf Value             (default: Value(x))
    data      v -> its data                 (default: v.data)
    grad      v -> its gradient             (default: v.grad)
    backward  a statement on v              (default: v:backward())
    pow       "number-exponent" where its ** takes a number exponent only
              (default "any"; harness.engines.base.NUMBER_EXPONENT)
    [ops]     binary ops see a and b, unary ops v, sum start and vs (a Lua
              array), dot start, ws and xs; DEFAULT_OPS below (derived from
              harness.ops), false for an op the port does not have.
    [nn]      the port's MLP (the nn half): mlp (of nin, nouts, hidden, last;
              false for a port without one), parameters, call (m, x),
              zero_grad (m), set_data (v, x) and the kinds of MLP it builds;
              DEFAULT_NN below, micrograd's API.
"""
import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType

import jsonschema
import referencing

from ..fixture import display_path
from ..ops import OPS
from ..toml_errors import field_name, first_schema_error, key_place, read_toml
from .build import CACHE_PLACEHOLDER, DEFAULT_BUILD_TIMEOUT, cache_folder

# `{drivers}` in a command names the folder of the lab's drivers and kits, the
# one that came with this harness (a clone's or an installed one's)
DRIVERS_PLACEHOLDER = "{drivers}"
DRIVERS_FOLDER = Path(__file__).resolve().parents[1] / "drivers"
from .lua_chunks import first_syntax_error, op_params
from .schema_ops import ops_resource

__all__ = ["Manifest", "ManifestError", "load_manifest", "DEFAULT_OPS", "DEFAULT_NN", "NnApi",
           "op_params", "SCHEMA_PATH"]

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "port.schema.json"
SCHEMA_NAME = "harness/schema/port.schema.json"
MAX_FILE_BYTES = 1_000_000

DEFAULT_TIMEOUT = 10.0     # seconds per program (CPU seconds for a Lua port)
DEFAULT_MAX_MEMORY = 2048  # MiB; a 1,000,000-node chain needs about 1 GiB in our own port
DEFAULT_API = {"root": ".", "setup": "", "new": "Value(x)", "data": "v.data", "grad": "v.grad",
               "backward": "v:backward()"}
LUA_SYMBOLS = {"**": "^"}   # a program's operators as Lua writes them, where they differ


def lua_default(op):
    """The expression of an ops.Op unless [ops] says otherwise: its operator
    (`a ^ b` for **), unary minus `-v`, or the method of its name `v:tanh()`;
    None for the fused n-ary ops (a port has no such op by default: sum and
    dot then reach it as chains of + and *)."""
    if op.kind == "binary":
        symbol = op.syntax.split()[1]
        return f"a {LUA_SYMBOLS.get(symbol, symbol)} b"
    if op.kind == "unary":
        return f"v:{op.name}()" if op.is_method else op.write("v")
    return None


DEFAULT_OPS = MappingProxyType({name: lua_default(op) for name, op in OPS.items()})


@dataclass(frozen=True)
class NnApi:
    """How a Lua port's MLP is reached ([nn]); see the module docstring."""
    mlp: str = "MLP(nin, nouts)"
    parameters: str = "m:parameters()"
    call: str = "m(x)"
    zero_grad: str = "m:zero_grad()"
    set_data: str = "v.data = x"
    kinds: tuple = ("relu-linear",)


DEFAULT_NN = NnApi()


def _rebuilt(state):
    return Manifest(**{**state, "ops": MappingProxyType(state["ops"])})


class ManifestError(Exception):
    """A malformed manifest: one line naming the file, the place and the reason."""

    def __init__(self, path, place, reason):
        super().__init__(path, place, reason)
        self.path, self.place, self.reason = str(path), place, " ".join(str(reason).split())

    def __str__(self):
        if self.place:
            return f"{self.path}:{self.place[0]}:{self.place[1]}: {self.reason}"
        return f"{self.path}: {self.reason}"


@dataclass(frozen=True)
class Manifest:
    path: Path                  # the manifest file, absolute
    shown: str                  # the file as messages name it
    name: str
    language: str               # "lua" or "command"
    runtimes: tuple             # lua: lupa runtime names; command: ()
    root: Path | None           # lua: the port's folder, absolute
    setup: str                  # lua: statements run once
    new: str                    # lua: expressions, see the module docstring
    data: str
    grad: str
    backward: str
    ops: MappingProxyType       # lua: every op -> its expression, or None (the port lacks it)
    command: tuple              # command: the program and its arguments
    timeout: float              # seconds per program
    max_memory: int             # MiB
    raw: str = field(repr=False, compare=False, default="")
    build: tuple = ()           # command: the program that builds the port, or ()
    build_timeout: float = DEFAULT_BUILD_TIMEOUT   # wall-clock seconds for the build
    sources: tuple = ()         # command: more paths the build reads (absolute)
    cache: Path | None = None   # command: the build cache folder ({cache})
    nn: NnApi | None = None     # lua: how its MLP is reached ([nn]), None: mlp = false
    pow: str = "any"            # lua: "number-exponent" where its ** takes numbers only

    @property
    def folder(self):
        """The manifest's folder: root is relative to it, command runs in it."""
        return self.path.parent

    def __reduce__(self):   # crosses to a worker process (a mapping proxy cannot be pickled)
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        state["ops"] = dict(self.ops)
        return _rebuilt, (state,)

    def place(self, *parts, value=False):
        """(line, col) of a field in the manifest, e.g. place("ops", "tanh")."""
        return key_place(self.raw, list(parts), value=value)

    def error(self, parts, reason, value=True):
        """A ManifestError at a field, its reason prefixed with the field's name."""
        return ManifestError(self.shown, self.place(*parts, value=value),
                             f"{_name(parts)}: {reason}")


def _name(parts):
    """A field as messages name it ("[port] runtimes"): the place already
    points at the item of an array."""
    return field_name([p for p in parts if not isinstance(p, int)])


_SCHEMA = None


def _schema():
    global _SCHEMA
    if _SCHEMA is None:
        schema = json.loads(SCHEMA_PATH.read_text())
        ops_id, ops = ops_resource()
        registry = referencing.Registry().with_resource(ops_id,
                                                        referencing.Resource.from_contents(ops))
        _SCHEMA = (schema, jsonschema.Draft202012Validator(schema, registry=registry))
    return _SCHEMA


def _walk(document, parts):
    for part in parts:
        document = document[part]
    return document


def _explainer(schema, data):
    def explain(error, parts):
        if error.validator is None:
            # a `false` subschema (a field of the other language): jsonschema
            # leaves the field out of the path, so find it in the schema
            forbidden = _walk(schema, error.absolute_schema_path)
            container = _walk(data, parts)
            key = next(k for k, s in forbidden.items() if s is False and k in container)
            language = data["port"]["language"]
            return parts + [key], f"not a field of a {json.dumps(language)} port"
        where = parts[:2]
        if error.validator == "additionalProperties" and parts == ["ops"]:
            unknown = sorted(set(error.instance) - set(OPS))[0]
            return parts + [unknown], f"unknown op (ops: {', '.join(OPS)})"
        if error.validator == "enum" and where == ["port", "runtimes"]:
            from micrograd_lab.lua_port import RUNTIMES
            return parts, (f"{json.dumps(error.instance)} is not a Lua runtime lupa knows "
                           f"({', '.join(RUNTIMES)})")
        if error.validator == "enum" and parts == ["port", "language"]:
            return parts, f"{json.dumps(error.instance)} is not a language (\"lua\" or \"command\")"
        if error.validator == "anyOf" and parts == ["nn", "mlp"]:
            return parts, (f"{json.dumps(error.instance)} is neither a Lua expression (a string) "
                           "nor false (the port has no MLP)")
        if error.validator == "pattern" and parts[:2] == ["nn", "kinds"]:
            return parts, (f"{json.dumps(error.instance)} is not a kind of MLP HIDDEN-LAST "
                           "(each relu, tanh or linear), e.g. \"relu-linear\"")
        if error.validator == "anyOf" and where[:1] == ["ops"]:
            return parts, (f"{json.dumps(error.instance)} is neither a Lua expression (a string) "
                           "nor false (the port has no such op)")
        if error.validator in ("pattern", "minLength") and isinstance(error.instance, str) and \
                not error.instance.strip():
            return parts, "the expression is empty"
        return None
    return explain


def _manifests_near(folder):
    """Where a folder without port.toml has what looks like one: a TOML file
    of another name with a [port] table (Port.toml, my-port.toml; not
    Cargo.toml), or port.toml files in its subfolders."""
    named = []
    for candidate in sorted(folder.iterdir()):
        # a regular file only, read to a cap: a student's FIFO named x.toml
        # (or a link to /dev/zero) must not hang the class
        if candidate.suffix.lower() != ".toml" or not candidate.is_file():
            continue
        try:
            with candidate.open("rb") as f:
                head = f.read(MAX_FILE_BYTES).decode("utf-8", "replace")
        except OSError:
            continue
        if re.search(r"^\s*\[port\]", head, re.M):
            named.append(candidate.name)
    if named:
        return f"the folder holds {', '.join(named)}"
    below = sorted(folder.glob("*/port.toml"))
    if below:
        return f"its subfolders hold {len(below)}: {below[0].parent.name}/port.toml ..."
    return ""


def load_manifest(path):
    """Read and check one manifest file.  Raises ManifestError."""
    path = Path(path).resolve()
    shown = display_path(path)
    if not path.exists() and path.parent.is_dir():   # a class folder without its port.toml
        hint = _manifests_near(path.parent)
        if hint:
            raise ManifestError(shown, None, f"cannot read: No such file or directory; {hint}")
    raw, data = read_toml(path, MAX_FILE_BYTES,
                          lambda place, reason: ManifestError(shown, place, reason))
    schema, validator = _schema()
    found = first_schema_error(validator, data, SCHEMA_NAME, _explainer(schema, data))
    if found is not None:
        parts, reason = found
        value = not reason.startswith(("unknown", "not a field", "required"))
        raise ManifestError(shown, key_place(raw, parts, value=value), f"{_name(parts)}: {reason}")
    manifest = _build(path, shown, raw, data)
    if manifest.language == "lua":
        if not manifest.root.is_dir():
            what = "is not a folder" if manifest.root.exists() else "does not exist"
            raise manifest.error(["port", "root"], f"{json.dumps(data['port'].get('root', '.'))} "
                                                   f"({display_path(manifest.root)}) {what}")
        problem = first_syntax_error(manifest)
        if problem:
            raise _at_line(manifest, *problem)
    return manifest


def _build(path, shown, raw, data):
    port = data["port"]
    language = port["language"]
    lua = language == "lua"
    if lua:
        from micrograd_lab.lua_port import RUNTIMES
        api = {key: port.get(key, default) for key, default in DEFAULT_API.items()}
        ops = dict(DEFAULT_OPS)
        ops.update({op: (None if expression is False else expression)
                    for op, expression in data.get("ops", {}).items()})
        runtimes = tuple(port.get("runtimes", RUNTIMES))
        root = (path.parent / api.pop("root")).resolve()
        nn = data.get("nn", {})
        nn = None if nn.get("mlp") is False else NnApi(
            **{**nn, "kinds": tuple(nn.get("kinds", DEFAULT_NN.kinds))})
    else:
        api = {key: "" for key in DEFAULT_API if key != "root"}
        ops, runtimes, root, nn = {}, (), None, None
    cache = None if lua else cache_folder(path)

    def argv(key):   # {cache}: the build cache folder; {drivers}: the lab's drivers and kits
        return tuple(part.replace(CACHE_PLACEHOLDER, str(cache)).replace(DRIVERS_PLACEHOLDER,
                                                                         str(DRIVERS_FOLDER))
                     for part in port.get(key, ()))
    return Manifest(path=path, shown=shown, name=port["name"], language=language,
                    runtimes=runtimes, root=root, ops=MappingProxyType(ops),
                    command=argv("command"),
                    timeout=float(port.get("timeout", DEFAULT_TIMEOUT)),
                    max_memory=int(port.get("max_memory", DEFAULT_MAX_MEMORY)),
                    raw=raw, build=argv("build"),
                    build_timeout=float(port.get("build_timeout", DEFAULT_BUILD_TIMEOUT)),
                    sources=tuple((path.parent / s).resolve() for s in port.get("sources", ())),
                    cache=cache, nn=nn, pow=port.get("pow", "any"), **api)


def _at_line(manifest, parts, line, reason):
    """A ManifestError at line `line` of a field's string value."""
    value_line, value_col = manifest.place(*parts, value=True)
    if line == 1:
        return ManifestError(manifest.shown, (value_line, value_col), reason)
    opening = manifest.raw.splitlines()[value_line - 1][value_col - 1:]
    # TOML drops a newline right after opening triple quotes
    trimmed = opening[:3] in ("'''", '"""') and not opening[3:].strip()
    return ManifestError(manifest.shown, (value_line + line - (0 if trimmed else 1), 1), reason)

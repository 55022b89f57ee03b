"""Fixture program text -> harness.program.Program, safely.

A program is short assignments, one per line, `#` comments allowed:

    e = a * b
    d = e + c          # a re-assigned name gets the id d#2, d#3, ...
    c += 1             # means c = c + 1
    o = (2 * n).exp()  # methods: harness.ops.METHODS, no arguments
    s = sum(0, a, b)   # and dot(start, [w1, w2], [x1, x2])

Python's `ast` reads the text (nothing is ever evaluated) and a whitelist
accepts only: one plain name per assignment, `+=`-style augmented assignment,
the binary operators of harness.ops.BINARY_SYMBOLS, unary minus, number
literals (ints become floats), names, the methods of harness.ops.METHODS and
the n-ary calls sum/dot.  Everything else is refused with its line and column.

Node ids: an assignment's id is its name; the n-th assignment of the same
name (an input counts as the first) is `name#n`.  A sub-expression becomes an
intermediate node `<id>.<k>` (k = 1, 2, ... in evaluation order), e.g. in
`d = a*b + c` the product is `d.1`.  Python names cannot contain `#` or `.`,
so generated ids never collide with written ones.

Constant-only sub-expressions (`1/3`, `-8`) are folded with IEEE semantics
(each op's `fold` in harness.ops); any other op whose arguments are all
numbers is refused: every node needs a Value.

A `Repeat` appends `count` copies of a small body after the program (a chain
of 100,000 nodes is `x = x + 1` repeated): the body is parsed once and its
steps are replicated, which keeps deep fixtures small and fast to load.
"""
import ast
import gc
import keyword
import re
from dataclasses import dataclass

from .fixture_error import FixtureError
from .ops import BINARY_SYMBOLS, METHODS, OPS, TERMS
from .program import Arg, Program, Step

MAX_TEXT = 2_000_000      # characters of program text (program + repeat body)
MAX_LINES = 20_000        # lines of program text: longer graphs use [repeat]
MAX_NODES = 200_000       # inputs + steps, after repetition

NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")

_AST_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
# The unary operator ops are those written as a symbol before x (neg: "-x").
_UNARY_SYMBOLS = {op.syntax[:-1]: name for name, op in OPS.items()
                  if op.kind == "unary" and name not in METHODS}
_AST_UNARY = {ast.USub: "-", ast.UAdd: "+", ast.Not: "not", ast.Invert: "~"}
_NARY = tuple(name for name, op in OPS.items() if op.kind == "nary")

_FORBIDDEN = {  # friendlier names for constructs people actually try
    ast.Subscript: "subscripts", ast.Lambda: "lambdas", ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generator expressions", ast.Import: "imports",
    ast.ImportFrom: "imports", ast.JoinedStr: "f-strings", ast.NamedExpr: "`:=` assignment expressions",
    ast.Compare: "comparisons", ast.BoolOp: "`and`/`or`", ast.IfExp: "conditional expressions",
    ast.If: "`if` statements", ast.For: "loops", ast.While: "loops",
    ast.FunctionDef: "function definitions", ast.ClassDef: "class definitions",
    ast.Tuple: "tuples", ast.List: "lists (only inside dot(...))", ast.Dict: "dicts",
    ast.Set: "sets", ast.Starred: "`*` unpacking", ast.Await: "await",
    ast.Yield: "yield", ast.YieldFrom: "yield", ast.Delete: "del", ast.Return: "return",
    ast.AnnAssign: "annotated assignments", ast.Global: "global", ast.Nonlocal: "nonlocal",
    ast.Assert: "assert", ast.Raise: "raise", ast.Try: "try", ast.With: "with",
    ast.Pass: "pass", ast.Break: "break", ast.Continue: "continue",
}


@dataclass(frozen=True)
class Repeat:
    """`count` copies of `body` appended after the program."""
    count: int
    body: str
    first_line: int | None = None  # body line 1 in the file; None: after the program
    first_col: int = 0             # columns before the body on its first line


def check_name(name, path, place, what="name"):
    """A node name: a plain identifier that is not a Python keyword (programs
    are Python text: a keyword could be neither assigned nor read)."""
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise FixtureError(path, place, f"{what} {name!r} must be a letter followed by "
                           "letters, digits or _")
    if keyword.iskeyword(name):
        raise FixtureError(path, place, f"{what} `{name}` is a Python keyword")
    if name in _NARY:  # called by name in a program: sum(...), dot(...)
        raise FixtureError(path, place, f"{what} `{name}` is the name of an op")


@dataclass
class _Stmt:
    target: str
    line: int
    text: str
    ops: list    # of (op name, args): args are ("num", Arg) | ("name", str) | ("tmp", index)


class _Compiler:
    """Turns the statements of one text into _Stmt templates (no ids yet)."""

    def __init__(self, text, path, first_line, first_col, defined, later):
        self.text, self.path = text, path
        self.first_line, self.first_col = first_line, first_col
        self.defined = defined          # names assigned so far (inputs first)
        self.later = later              # name -> line of its first assignment
        self.ops = None

    def where(self, node_or_line, col=None):
        if col is None:
            line, col = node_or_line.lineno, node_or_line.col_offset + 1
        else:
            line = node_or_line
        if line == 1:
            col += self.first_col
        return (line + self.first_line - 1, col)

    def fail(self, node, reason):
        raise FixtureError(self.path, self.where(node), reason)

    def compile(self):
        check_text(self.text, self.path, self.where)
        try:
            tree = ast.parse(self.text, mode="exec")
        except SyntaxError as e:
            raise FixtureError(self.path, self.where(e.lineno or 1, e.offset or 1),
                               f"syntax error: {e.msg} (a program is assignments "
                               "`name = expression`, one a line)") from None
        except (RecursionError, MemoryError):
            raise FixtureError(self.path, self.where(1, 1), self.TOO_DEEP) from None
        statements = []
        for stmt in tree.body:
            try:
                statements.append(self.statement(stmt))
            except RecursionError:
                raise FixtureError(self.path, self.where(stmt), self.TOO_DEEP) from None
        return statements

    TOO_DEEP = ("an expression nested too deeply for the parser: split it into several "
                "assignments (or use [repeat])")

    def statement(self, stmt):
        if isinstance(stmt, ast.Assign):
            if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
                self.fail(stmt, "an assignment needs exactly one plain name on the left")
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AugAssign):
            if not isinstance(stmt.target, ast.Name):
                self.fail(stmt, "an augmented assignment needs a plain name on the left")
            target = stmt.target
            symbol = _AST_BINARY.get(type(stmt.op))
            if symbol is None:
                self.fail(stmt, f"`{type(stmt.op).__name__}=` is not an op")
            # c += e means c = c + e
            value = ast.BinOp(left=ast.Name(id=target.id, ctx=ast.Load(), lineno=target.lineno,
                                            col_offset=target.col_offset),
                              op=stmt.op, right=stmt.value, lineno=stmt.lineno,
                              col_offset=stmt.col_offset)
        elif isinstance(stmt, ast.Expr):
            self.fail(stmt, "a statement must be an assignment `name = expression`")
        else:
            self.forbidden(stmt)
        check_name(target.id, self.path, self.where(target))
        self.ops = []
        result = self.expr(value)
        if result[0] != "tmp":
            what = "a number" if result[0] == "num" else f"only the name `{result[1]}`"
            self.fail(value, f"the right-hand side is {what}: an assignment must compute "
                             "a new node (inputs go in [inputs])")
        segment = self.source_segment(stmt)
        self.defined.add(target.id)
        return _Stmt(target.id, self.where(stmt)[0], " ".join(segment.split()), self.ops)

    def source_segment(self, stmt):
        """The statement's source text.  ast.get_source_segment re-splits the
        whole program on every call, which made long programs quadratic."""
        if not hasattr(self, "_lines"):
            self._lines = [line.encode() for line in self.text.splitlines()]
        first, last = stmt.lineno - 1, stmt.end_lineno - 1
        if first == last:
            return self._lines[first][stmt.col_offset:stmt.end_col_offset].decode()
        parts = [self._lines[first][stmt.col_offset:]] + self._lines[first + 1:last]
        parts.append(self._lines[last][:stmt.end_col_offset])
        return b"\n".join(parts).decode()

    def forbidden(self, node):
        what = _FORBIDDEN.get(type(node), f"`{type(node).__name__}`")
        self.fail(node, f"{what} are not allowed in a fixture program")

    def emit(self, op, args, node):
        if all(kind == "num" for kind, _ in args):
            self.fail(node, f"`{op}` has only number arguments: every op needs a Value")
        self.ops.append((op, tuple(args)))
        return ("tmp", len(self.ops) - 1)

    def expr(self, node):
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                what = {str: "strings", bytes: "bytes", bool: "booleans",
                        complex: "complex numbers"}.get(type(value), repr(value))
                self.fail(node, f"{what} are not allowed: only numbers and names")
            try:
                return ("num", Arg.num(value))
            except OverflowError:
                self.fail(node, f"the integer {value} does not fit in a float")
        if isinstance(node, ast.Name):
            name = node.id
            if name not in self.defined:
                if name in self.later:
                    self.fail(node, f"`{name}` is used before it is assigned "
                                    f"(first assigned on line {self.later[name]})")
                self.fail(node, f"undefined name `{name}`")
            return ("name", name)
        if isinstance(node, ast.BinOp):
            symbol = _AST_BINARY.get(type(node.op))
            if symbol is None:
                self.fail(node, f"operator `{type(node.op).__name__}` is not an op "
                                f"(ops: {' '.join(BINARY_SYMBOLS)})")
            left, right = self.expr(node.left), self.expr(node.right)
            return self.apply(BINARY_SYMBOLS[symbol], [left, right], node)
        if isinstance(node, ast.UnaryOp):
            symbol = _AST_UNARY.get(type(node.op), "?")
            if symbol not in _UNARY_SYMBOLS:
                self.fail(node, f"unary `{symbol}` is not an op (only unary minus)")
            return self.apply(_UNARY_SYMBOLS[symbol], [self.expr(node.operand)], node)
        if isinstance(node, ast.Call):
            return self.call(node)
        if isinstance(node, ast.Attribute):
            self.fail(node, f"attribute access `.{node.attr}` is not allowed "
                            f"(methods are called: x.{METHODS[0]}())")
        self.forbidden(node)

    def apply(self, op, args, node):
        fold = OPS[op].fold
        if fold is not None and all(kind == "num" for kind, _ in args):
            return ("num", Arg.num(fold(*(a.value for _, a in args))))
        return self.emit(op, args, node)

    def call(self, node):
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            self.fail(node, "calls take plain positional arguments only")
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr not in METHODS:
                self.fail(func, f"unknown method `{func.attr}` (methods: {', '.join(METHODS)})")
            if node.args:
                self.fail(node, f"method `{func.attr}` takes no arguments")
            receiver = self.expr(func.value)
            if receiver[0] == "num":
                self.fail(node, f"`{func.attr}` needs a Value, not a number")
            return self.emit(func.attr, [receiver], node)
        if not isinstance(func, ast.Name):
            self.forbidden(func)
        if func.id not in _NARY:
            name = func.id
            self.fail(node, f"unknown function `{name}`: only {' and '.join(_NARY)} "
                            "are called by name; ops are operators or methods")
        op = OPS[func.id]
        return (self.terms if op.layout == TERMS else self.pairs)(op, node)

    def values(self, nodes, what):
        out = []
        for item in nodes:
            arg = self.expr(item)
            if arg[0] == "num":
                self.fail(item, f"{what} must be Values, not numbers")
            out.append(arg)
        return out

    def terms(self, op, node):
        """sum(start, v1, v2, ...): a start, then Values."""
        if len(node.args) < 2:
            self.fail(node, f"{op.syntax} needs a start and at least one Value")
        start = self.expr(node.args[0])
        return self.emit(op.name, [start] + self.values(node.args[1:], f"{op.name}'s terms"),
                         node)

    def pairs(self, op, node):
        """dot(start, [w1, ...], [x1, ...]): the weights are Values."""
        args = node.args
        if len(args) != 3 or not all(isinstance(a, ast.List) for a in args[1:]):
            self.fail(node, f"{op.name} needs three arguments: {op.syntax}")
        ws, xs = args[1].elts, args[2].elts
        if len(ws) != len(xs) or not ws:
            self.fail(node, f"{op.name}'s lists must have the same length > 0 "
                            f"(got {len(ws)} and {len(xs)})")
        start = self.expr(args[0])
        weights = self.values(ws, f"{op.name}'s weights (first list)")
        return self.emit(op.name, [start] + weights + [self.expr(x) for x in xs], node)


def check_text(text, path, where):
    """Size limits, before the text reaches Python's parser."""
    if len(text) > MAX_TEXT:
        raise FixtureError(path, where(1, 1), f"program text is {len(text):,} characters, "
                           f"over the limit of {MAX_TEXT:,}; use [repeat] for long graphs")
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise FixtureError(path, where(1, 1), f"program has {lines:,} lines, over the "
                           f"limit of {MAX_LINES:,}; use [repeat] for long graphs")


def _emit(stmts, current, counts, steps):
    """Append the steps of stmts; current maps each name to its latest id."""
    for st in stmts:
        n = counts.get(st.target, 0) + 1
        out_id = st.target if n == 1 else f"{st.target}#{n}"
        last = len(st.ops) - 1
        ids = []
        for i, (op, template) in enumerate(st.ops):
            node_id = out_id if i == last else f"{out_id}.{i + 1}"
            args = [value if kind == "num" else
                    Arg("node", current[value] if kind == "name" else ids[value])
                    for kind, value in template]
            steps.append(Step(node_id, op, tuple(args), st.line, st.text))
            ids.append(node_id)
        counts[st.target] = n
        current[st.target] = out_id


def _first_assignments(text):
    """name -> line of its first assignment, for `used before assigned` messages."""
    found = {}
    for number, line in enumerate(text.split("\n"), 1):
        m = re.match(r"\s*([A-Za-z_]\w*)\s*([-+*/]|\*\*)?=(?!=)", line)
        if m:
            found.setdefault(m.group(1), number)
    return found


def resolve(node_id, ids, path, place, what):
    """A node id exactly as the program has it: `c` (the input or first
    assignment), `c#2` (the second), `d.1` (an intermediate)."""
    if isinstance(node_id, str) and node_id in ids:
        return node_id
    raise FixtureError(path, place, f"{what} {node_id!r} is not a node of the program "
                                    "(ids: `name`, `name#2` for a re-assignment, `name.1` "
                                    "for a sub-expression)")


def parse_program(text, inputs, output, *, path="<string>", first_line=1, first_col=0,
                  repeat=None, output_place="output"):
    """Parse program text into a Program.

    inputs: a mapping (or pairs) of name -> float, in order.  output: a name
    (its latest assignment) or an explicit id.  first_line/first_col: where
    the text starts in its file, so errors and Step.line name file lines.
    repeat: an optional Repeat appended after the program.
    Raises FixtureError.
    """
    pairs = list(inputs.items()) if hasattr(inputs, "items") else list(inputs)
    seen = set()
    for name, value in pairs:
        check_name(name, path, f"[inputs] {name}", "input name")
        if name in seen:
            raise FixtureError(path, f"[inputs] {name}", f"duplicate input `{name}`")
        seen.add(name)
    program_inputs = tuple((name, float(value)) for name, value in pairs)

    defined = set(seen)
    later = _first_assignments(text)
    later = {k: v + first_line - 1 for k, v in later.items()}
    stmts = _Compiler(text, path, first_line, first_col, defined, later).compile()
    if not stmts and repeat is None:
        raise FixtureError(path, (first_line, 1), "the program has no assignments")

    body = []
    if repeat is not None:
        if not isinstance(repeat.count, int) or not 1 <= repeat.count <= MAX_NODES:
            raise FixtureError(path, "[repeat] count",
                               f"count must be an integer from 1 to {MAX_NODES:,}")
        body_line = repeat.first_line or first_line + text.count("\n") + 1
        body_later = {k: v + body_line - 1 for k, v in _first_assignments(repeat.body).items()}
        body = _Compiler(repeat.body, path, body_line, repeat.first_col, defined,
                         body_later).compile()
        if not body:
            raise FixtureError(path, "[repeat] body", "the repeat body has no assignments")

    total = len(program_inputs) + sum(len(s.ops) for s in stmts)
    total += (repeat.count if repeat else 0) * sum(len(s.ops) for s in body)
    if total > MAX_NODES:
        raise FixtureError(path, "[repeat] count" if repeat else "program",
                           f"the program has {total:,} nodes, over the limit of {MAX_NODES:,}")

    current = {name: name for name, _ in program_inputs}
    counts = {name: 1 for name, _ in program_inputs}
    steps = []
    # Hundreds of thousands of small objects and no cycles: the cyclic garbage
    # collector would rescan them again and again while they are made.
    collecting = gc.isenabled()
    gc.disable()
    try:
        _emit(stmts, current, counts, steps)
        for _ in range(repeat.count if repeat else 0):
            _emit(body, current, counts, steps)
    finally:
        if collecting:
            gc.enable()

    if isinstance(output, str) and output in seen:
        raise FixtureError(path, output_place, f"output `{output}` is an input: backward "
                                               "starts from a node the program computes")
    out = resolve(output, {s.out for s in steps}, path, output_place, "output")
    return Program(inputs=program_inputs, steps=tuple(steps), output=out)

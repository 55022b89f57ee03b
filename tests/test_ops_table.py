"""harness.ops: each entry's facts agree with the engines and the docs.

The entry of an op is read by the parser, the interpreters, the torch
backend, the error bounds and the fixture generator; these tests check the
entry itself: its folding against python_ref, its local derivatives and its
exact reference against python_ref's backward, its layout, its syntax against
the parser, and that the Lua operator tables and docs/fixtures.md name the same ops.
"""
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_lab.harness.engines.manifest import DEFAULT_OPS
from micrograd_lab.harness.ops import EDGE_VALUES, OPS, PAIRS, TERMS, docs_table, split_args
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.program import Arg
from micrograd_lab.python_ref import Value

REPO = Path(__file__).resolve().parent.parent
EPS = sys.float_info.epsilon
LIBM_ULPS = 2      # glibc's exp, log, pow, tanh are within 1 ulp; sigmoid adds two roundings
DERIVATIVE_REL = 1e-12


def _grid(lo, hi, n=9):
    return [lo + (hi - lo) * i / (n - 1) for i in range(n)]


def _arg_lists(op):
    """Ordinary arguments for op, off its kinks and domain edges."""
    xs = _grid(*op.ordinary)
    if op.kind == "unary":
        lists = [[x] for x in xs]
    elif op.kind == "binary":
        lists = [[a, b] for a in xs[::2] for b in xs[1::2]]
    elif op.layout == TERMS:
        lists = [[xs[0], xs[3], xs[5], xs[8]], [xs[4], xs[7]]]
    else:
        lists = [[xs[1], xs[2], xs[6], xs[3], xs[8]], [xs[0], xs[5], xs[7]]]
    return [args for args in lists if op.branch(*args) is not None]


def _python_ref(op, args):
    """python_ref's value and gradients of op at args (all of them Values)."""
    values = [Value(x) for x in args]
    out = op.apply(*op.split(values))
    out.backward()
    return out.data, [v.grad for v in values]


def _close(got, want, rel):
    return abs(got - want) <= rel * max(abs(want), 1e-300)


def _ulps(a, b):
    return abs(a - b) / math.ulp(b) if b else abs(a - b)


@pytest.mark.parametrize("name", OPS)
def test_reference_value_bounds_python_ref(name):
    """python_ref is within its op's roundings of the exact value (libm ops:
    within LIBM_ULPS), so the reference, rounding_scale and roundings hold."""
    op = OPS[name]
    for args in _arg_lists(op):
        exact, _ = op.reference(args)
        out, _ = _python_ref(op, args)
        if op.libm:
            assert _ulps(out, float(exact)) <= LIBM_ULPS, (name, args)
        else:
            bound = op.roundings(args) * EPS * op.rounding_scale(args, out)
            assert abs(out - exact) <= bound, (name, args, out, float(exact))


@pytest.mark.parametrize("name", OPS)
def test_local_derivatives_match_the_reference_and_python_ref(name):
    op = OPS[name]
    checked = 0
    for args in _arg_lists(op):
        _, partials = op.reference(args)
        out, grads = _python_ref(op, args)
        local = op.derivatives(args, out)
        assert len(local) == len(args) == len(partials)
        for i, exact in enumerate(partials):
            if exact is None:
                continue
            assert _close(local[i][0], float(exact), DERIVATIVE_REL), (name, args, i)
            assert _close(grads[i], float(exact), DERIVATIVE_REL), (name, args, i)
            checked += 1
    assert checked >= 5


def test_the_derivative_check_fails_on_a_wrong_derivative():
    mul = OPS["mul"]
    args = [2.0, 3.0]
    _, partials = mul.reference(args)
    wrong = [(d, s) for d, s in reversed(mul.derivatives(args, 6.0))]   # (a, b) swapped
    assert not _close(wrong[0][0], float(partials[0]), DERIVATIVE_REL)


def _same_bits(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


@pytest.mark.parametrize("name", [n for n, op in OPS.items() if op.fold is not None])
def test_folding_gives_python_refs_bits(name):
    op = OPS[name]
    points = [[x] for x in EDGE_VALUES] if op.arity == 1 else \
        [[a, b] for a in EDGE_VALUES for b in EDGE_VALUES]
    for args in points:
        want = op.apply(*[Value(x) for x in args]).data
        assert _same_bits(op.fold(*args), want), (name, args)


def test_only_operators_fold():
    # a method or n-ary call on numbers is refused by the parser instead
    assert {n for n, op in OPS.items() if op.fold is not None} == \
        {n for n, op in OPS.items() if op.kind in ("unary", "binary") and not op.is_method}


def test_layouts_split_a_flat_argument_list():
    assert split_args(TERMS, [0, 1, 2, 3]) == (0, [1, 2, 3])
    assert split_args(PAIRS, [0, 1, 2, 3, 4]) == (0, [1, 2], [3, 4])
    assert split_args("", [5, 6]) == (5, 6)
    assert OPS["sum"].layout == TERMS and OPS["dot"].layout == PAIRS
    assert OPS["dot"].roundings([0, 1, 2, 3, 4]) == 4 and OPS["tanh"].roundings([0]) == 1


@pytest.mark.parametrize("name", OPS)
def test_what_write_gives_parses_back_to_the_op(name):
    op = OPS[name]
    ids = ["a", "b"] if op.arity == 2 else ["a"] if op.arity == 1 else \
        ["c", "a", "b", "c", "a"] if op.layout == PAIRS else ["c", "a", "b"]
    program = parse_program(f"y = {op.write(*ids)}", {"a": 1.0, "b": 2.0, "c": 3.0}, "y")
    assert [(s.op, s.args) for s in program.steps] == [(name, tuple(map(Arg.node, ids)))]


OPERATOR_OPS = {n: op for n, op in OPS.items() if op.kind != "nary" and not op.is_method}


def _lua_functions(text, table, path):
    """{name: (params, body)} of `local TABLE = {name = function(params) return
    body end, ...}` in a Lua file."""
    found = re.search(rf"^local {table} = \{{\n(.*?)^\}}", text, re.MULTILINE | re.DOTALL)
    assert found, f"{path} has no `local {table} = {{...}}` table"
    rows = re.findall(r"^\s*(\w+) = function\(([\w, ]*)\) return (.*?) end,$", found.group(1),
                      re.MULTILINE)
    return {name: (params.split(", "), body) for name, params, body in rows}


def _as_in_manifest(params, body):
    """A Lua function's body with its parameters named as in DEFAULT_OPS
    (a, b for a binary op, v for a unary one)."""
    names = ["a", "b"] if len(params) == 2 else ["v"]
    return re.sub(r"\b\w+\b", lambda m: dict(zip(params, names)).get(m[0], m[0]), body)


@pytest.mark.parametrize("path, tables", [
    ("lua_port/interpret.lua", ("BINARY", "UNARY")),
    ("harness/drivers/lua_driver.lua", ("OPERATORS",)),
])
def test_the_lua_operator_tables_are_the_ops_written_as_operators(path, tables):
    """Lua code reaches an op written as an operator through a table (Lua has
    no operator by name) and every other op by its name: the tables hold the
    operator ops of OPS, each with its operator, and no method op."""
    text = (REPO / path).read_text()
    functions = {}
    for table in tables:
        functions.update(_lua_functions(text, table, path))
    assert set(functions) == set(OPERATOR_OPS), path
    for name, (params, body) in functions.items():
        assert _as_in_manifest(params, body) == DEFAULT_OPS[name], (path, name)


def test_the_operator_table_check_fails_on_a_wrong_operator():
    assert _as_in_manifest(["x", "y"], "x * y") != DEFAULT_OPS["pow"]
    assert _as_in_manifest(["x", "y"], "x ^ y") == DEFAULT_OPS["pow"]


def test_the_fixtures_page_op_table_is_docs_table():
    readme = (REPO / "docs" / "fixtures.md").read_text().split("\n")
    header = docs_table().split("\n")[0]
    assert header in readme, "docs/fixtures.md has no op table: paste `python -m micrograd_lab.harness.ops`"
    start = readme.index(header)
    end = start
    while end < len(readme) and readme[end].startswith("|"):
        end += 1
    assert "\n".join(readme[start:end]) == docs_table(), \
        "docs/fixtures.md's op table differs from harness.ops: paste `python -m micrograd_lab.harness.ops` over it"
    assert len(readme[start:end]) == len(OPS) + 2


# Where an op may be written by hand (its entry, the two engines, the fixture
# generator's points), plus two that say something about one op: a planted bug
# and a formula's text.  Every other file naming it is generated, and says so.
HAND_WRITTEN_NAMING_SIGMOID = {
    "harness/ops.py", "python_ref/engine.py", "lua_port/micrograd/engine.lua",
    "harness/fixtures/generate_ops.py", "harness/mutants/table.py", "harness/diagnoses/tanh_exp.py"}


def test_an_op_is_written_by_hand_in_six_files_at_most():
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a clone: it greps the tracked files")
    found = subprocess.run(
        ["git", "grep", "-lw", "sigmoid", "--", ":!tests", ":!*.md", ":!harness/fixtures/*.toml",
         ":!harness/fixtures/**/*.toml"], cwd=REPO, capture_output=True, text=True, check=True)
    generated = {path for path in found.stdout.split()
                 if re.search(r"\b(Generated|generated)\b.*do not edit",
                              (REPO / path).read_text().splitlines()[0])}
    assert set(found.stdout.split()) - generated == HAND_WRITTEN_NAMING_SIGMOID
    assert len(HAND_WRITTEN_NAMING_SIGMOID) <= 6

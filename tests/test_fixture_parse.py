"""harness.parse: program text -> Program, by a whitelist."""
import math

import pytest

from micrograd_lab.harness.ops import METHODS, OPS
from micrograd_lab.harness import parse as parse_module
from micrograd_lab.harness.fixture_error import FixtureError
from micrograd_lab.harness.parse import MAX_LINES, MAX_NODES, MAX_TEXT, Repeat, parse_program
from micrograd_lab.harness.program import Arg, Program

IN = {"a": 2.0, "b": -3.0, "c": 10.0}


def steps(program):
    return [(s.out, s.op, tuple((a.kind, a.value) for a in s.args)) for s in program.steps]


def refused(text, inputs=IN, output="y"):
    with pytest.raises(FixtureError) as info:
        parse_program(text, inputs, output, path="p.toml")
    return str(info.value)


def test_sub_expressions_become_numbered_intermediate_nodes():
    p = parse_program("d = a*b + c", IN, "d")
    assert steps(p) == [("d.1", "mul", (("node", "a"), ("node", "b"))),
                        ("d", "add", (("node", "d.1"), ("node", "c")))]
    assert p.node_ids() == ["a", "b", "c", "d.1", "d"]
    assert all(s.line == 1 and s.text == "d = a*b + c" for s in p.steps)


def test_reassignment_ids_and_augmented_assignment():
    p = parse_program("c = c + 1\nc += a\nc = c * c", IN, "c#4")
    assert [s.out for s in p.steps] == ["c#2", "c#3", "c#4"]
    assert steps(p)[1] == ("c#3", "add", (("node", "c#2"), ("node", "a")))
    assert steps(p)[2] == ("c#4", "mul", (("node", "c#3"), ("node", "c#3")))
    assert [s.line for s in p.steps] == [1, 2, 3]
    assert p.steps[1].text == "c += a"


def test_augmented_assignment_evaluates_its_right_side_first():
    # micrograd README: c += 1 + c + (-a) is c = c + ((1 + c) + (-a))
    p = parse_program("c += 1 + c + (-a)", IN, "c#2")
    assert steps(p) == [
        ("c#2.1", "add", (("num", 1.0), ("node", "c"))),
        ("c#2.2", "neg", (("node", "a"),)),
        ("c#2.3", "add", (("node", "c#2.1"), ("node", "c#2.2"))),
        ("c#2", "add", (("node", "c"), ("node", "c#2.3"))),
    ]


@pytest.mark.parametrize("method", METHODS)
def test_every_method_of_the_op_registry_parses(method):
    p = parse_program(f"y = (a * 2).{method}()", IN, "y")
    assert steps(p)[-1] == ("y", method, (("node", "y.1"),))


@pytest.mark.parametrize("symbol,name", [("+", "add"), ("-", "sub"), ("*", "mul"),
                                         ("/", "div"), ("**", "pow")])
def test_binary_operators_come_from_the_registry(symbol, name):
    assert OPS[name].kind == "binary"
    p = parse_program(f"y = a {symbol} b\nz = 2 {symbol} a", IN, "z")
    assert steps(p) == [("y", name, (("node", "a"), ("node", "b"))),
                        ("z", name, (("num", 2.0), ("node", "a")))]


def test_nary_sum_and_dot():
    p = parse_program("s = sum(0, a, b, a)\nt = dot(c, [a, b], [2, s])", IN, "t")
    assert steps(p) == [
        ("s", "sum", (("num", 0.0), ("node", "a"), ("node", "b"), ("node", "a"))),
        ("t", "dot", (("node", "c"), ("node", "a"), ("node", "b"), ("num", 2.0),
                      ("node", "s"))),
    ]


def test_constants_fold_with_ieee_rules_and_ints_become_floats():
    p = parse_program("y = a ** (1/3)\nz = a * -0.0\nw = a / (1/0)", IN, "w")
    assert p.steps[0].args[1] == Arg.num(1 / 3)
    zero = p.steps[1].args[1].value
    assert zero == 0.0 and math.copysign(1.0, zero) == -1.0
    assert p.steps[2].args[1].value == math.inf  # 1/0 folds to inf, not an exception
    assert all(isinstance(a.value, float) for s in p.steps for a in s.args if a.kind == "num")


def test_first_line_and_column_map_errors_to_file_positions():
    with pytest.raises(FixtureError) as info:
        parse_program("y = a\n", IN, "y", path="f.toml", first_line=20)
    assert str(info.value).startswith("f.toml:20:5: ")
    with pytest.raises(FixtureError) as info:
        parse_program("y = q", IN, "y", path="f.toml", first_line=3, first_col=11)
    assert str(info.value) == "f.toml:3:16: undefined name `q`"
    p = parse_program("\ny = a * b", IN, "y", first_line=7)
    assert p.steps[0].line == 8


@pytest.mark.parametrize("text,where,reason", [
    ("y = a.__class__", ":1:5:", "attribute access `.__class__`"),
    ("y = a.__class__()", ":1:5:", "unknown method `__class__`"),
    ("y = a.grad * 2", ":1:5:", "attribute access `.grad`"),
    ("y = a[0]", ":1:5:", "subscripts"),
    ("y = (lambda: a)()", ":1:6:", "lambdas"),
    ("y = sum(0, *[a])", ":1:5:", "plain positional arguments"),
    ("y = [a for a in b]", ":1:5:", "comprehensions"),
    ("import os", ":1:1:", "imports"),
    ("from os import system", ":1:1:", "imports"),
    ("y = 'a'", ":1:5:", "strings"),
    ('y = f"{a}"', ":1:5:", "f-strings"),
    ("y = (z := a)", ":1:6:", "assignment expressions"),
    ("y = a < b < c", ":1:5:", "comparisons"),
    ("if a:\n    y = a", ":1:1:", "`if` statements"),
    ("y = a if b else c", ":1:5:", "conditional expressions"),
    ("y = a and b", ":1:5:", "`and`/`or`"),
    ("y = a // b", ":1:5:", "operator `FloorDiv` is not an op"),
    ("y = a % b", ":1:5:", "operator `Mod` is not an op"),
    ("y = +a", ":1:5:", "unary `+` is not an op"),
    ("y = not a", ":1:5:", "unary `not` is not an op"),
    ("y = a.tanh(b)", ":1:5:", "takes no arguments"),
    ("y = a.relu(x=1)", ":1:5:", "plain positional arguments"),
    ("y = print(a)", ":1:5:", "unknown function `print`"),
    ("y = dot(0, a, b)", ":1:5:", "dot needs three arguments"),
    ("y = dot(0, [1, 2], [a, b])", ":1:13:", "dot's weights (first list) must be Values"),
    ("y = sum(a, 1)", ":1:12:", "sum's terms must be Values"),
    ("y = True * a", ":1:5:", "booleans"),
    ("y = 2j * a", ":1:5:", "complex numbers"),
    ("y = " + "9" * 400 + " * a", ":1:5:", "does not fit in a float"),
    ("y = a ]] b", ":1:7:", "syntax error: unmatched ']'"),
    ("class = a + 1", ":1:7:", "syntax error"),
    ("sum = a + 1", ":1:1:", "the name of an op"),
    ("_t = a + 1", ":1:1:", "must be a letter"),
    ("y = a\n", ":1:5:", "only the name `a`"),
    ("y = 2 + 3", ":1:5:", "the right-hand side is a number"),
    ("y = (2).exp() * a", ":1:5:", "needs a Value"),
    ("a.data = 1", ":1:1:", "exactly one plain name"),
    ("y = a = b + c", ":1:1:", "exactly one plain name"),
    ("y: float = a + b", ":1:1:", "annotated assignments"),
    ("y = a +", ":1:8:", "syntax error"),
])
def test_the_whitelist_refuses_with_line_and_column(text, where, reason):
    message = refused(text)
    assert message.startswith("p.toml" + where + " "), message
    assert reason in message, message


def test_comments_may_say_anything():
    p = parse_program("# a comment -- with [[ brackets ]]\ny = a * b  # --", IN, "y")
    assert [s.out for s in p.steps] == ["y"]


def test_lua_words_and_tokens_are_plain_python():
    # Programs reach Lua as data, never as source text: Lua's keywords are
    # names like any other, and `--` is minus minus.
    p = parse_program("function = a --b\nlocal = function * a\nend = local ** 2",
                      {"a": 2.0, "b": 3.0}, "end")
    assert steps(p)[:2] == [("function.1", "neg", (("node", "b"),)),
                            ("function", "sub", (("node", "a"), ("node", "function.1")))]
    assert [s.out for s in p.steps][2:] == ["local", "end"]
    assert parse_program("y = nil + 1", {"nil": 1.0}, "y").inputs == (("nil", 1.0),)


def test_input_names_are_checked():
    assert "p.toml: [inputs] class: input name `class` is a Python keyword" in refused(
        "y = a", {"class": 1.0})
    assert "[inputs] 2x" in refused("y = a", {"2x": 1.0})
    with pytest.raises(FixtureError, match="duplicate input `a`"):
        parse_program("y = a * a", [("a", 1.0), ("a", 2.0)], "y")


def test_output_must_be_a_computed_node():
    assert "output `a` is an input" in refused("y = a * b", output="a")
    assert "output 'y#2' is not a node" in refused("y = a * b", output="y#2")
    assert parse_program("y = a * b\ny = y + 1", IN, "y#2").output == "y#2"
    assert parse_program("y = a * b + c", IN, "y.1").output == "y.1"


def test_repeat_replicates_the_body_after_the_program():
    p = parse_program("t = a * 1", IN, "t#4", repeat=Repeat(3, "u = t + b\nt = u * c"))
    assert [s.out for s in p.steps] == ["t", "u", "t#2", "u#2", "t#3", "u#3", "t#4"]
    assert steps(p)[3] == ("u#2", "add", (("node", "t#2"), ("node", "b")))
    assert [s.line for s in p.steps] == [1, 2, 3, 2, 3, 2, 3]  # body numbered after the program
    with pytest.raises(FixtureError, match="`v` is used before it is assigned"):
        parse_program("t = a * 1", IN, "t", repeat=Repeat(2, "t = t + v\nv = t * 2"))


def test_a_chain_of_100000_nodes_parses_its_body_once(monkeypatch):
    texts = []

    def counting_parse(text, *args, **kwargs):
        texts.append(text)
        return ast_parse(text, *args, **kwargs)
    ast_parse = parse_module.ast.parse
    monkeypatch.setattr(parse_module.ast, "parse", counting_parse)
    p = parse_program("", {"x": 0.0}, "x#100001", repeat=Repeat(100_000, "x = x + 1"))
    assert len(p.steps) == 100_000
    assert p.steps[-1].args == (Arg.node("x#100000"), Arg.num(1.0))
    assert texts == ["", "x = x + 1"]   # the body is parsed once, its steps replicated


def test_size_limits():
    with pytest.raises(FixtureError, match=f"over the limit of {MAX_NODES:,}"):
        parse_program("", {"x": 0.0}, "x", repeat=Repeat(MAX_NODES, "x = x + 1"))
    with pytest.raises(FixtureError, match=f"over the limit of {MAX_LINES:,}"):
        parse_program("y = a * b\n" * (MAX_LINES + 1), IN, "y")
    with pytest.raises(FixtureError, match=f"over the limit of {MAX_TEXT:,}"):
        parse_program("y = a * b" + " " * MAX_TEXT, IN, "y")


def test_plain_form_round_trips():
    p = parse_program("y = dot(c, [a], [b]).tanh() ** 2", IN, "y")
    assert Program.from_plain(p.to_plain()).to_plain() == p.to_plain()


def test_an_expression_too_deep_for_the_parser_is_a_clear_error():
    message = refused("y = " + " + ".join(["a"] * 5000))
    assert message.startswith("p.toml:1:") and "nested too deeply" in message
    message = refused("y = " + "(" * 300 + "a" + ")" * 300)
    assert "too many nested parentheses" in message

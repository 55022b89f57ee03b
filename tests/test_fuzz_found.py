"""Found cases: the Program printer round-trips through the fixture parser,
and a written case is a normal fixture the corpus loader accepts."""
import math

from hypothesis import given

from micrograd_lab.harness.fixture import load_fixture
from micrograd_lab.harness.fuzz import profiles
from micrograd_lab.harness.fuzz.found import number_text, program_hash, program_text, write_found
from micrograd_lab.harness.fuzz.strategies import programs
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.program import Arg, Program, Step


def _same(a, b):
    return repr(a.to_plain()) == repr(b.to_plain())   # repr: nan == nan, -0.0 != 0.0


@profiles.quick(150)
@given(programs())
def test_printed_program_parses_back_to_itself(program):
    parsed = parse_program(program_text(program), program.inputs, program.output)
    assert _same(parsed, program), program_text(program)


def test_special_numbers_print_as_literals_the_parser_folds_back():
    for x in (math.inf, -math.inf, math.nan, -0.0, 0.0, 5e-324, -1e300, -2.5):
        text = f"y = x ** {number_text(x)}\n"
        (step,) = parse_program(text, {"x": 1.0}, "y").steps
        assert repr(step.args[1].value) == repr(x), text


def test_negative_base_of_a_power_keeps_its_parentheses():
    program = Program((("x", 0.5),), (Step("y", "pow", (Arg.num(-2.0), Arg.node("x"))),), "y")
    assert program_text(program) == "y = (-2.0) ** x\n"


def test_parser_ids_become_plain_names():
    # ids a parsed fixture has: `d.1` (sub-expression), `c#2` (re-assignment)
    parsed = parse_program("d = a * b + a\na = a + 1\ne = a.exp()\n", {"a": 2.0, "b": 3.0}, "e")
    text = program_text(parsed)
    renamed = parse_program(text, parsed.inputs, "e")
    assert [s.op for s in renamed.steps] == [s.op for s in parsed.steps]
    assert "#" not in text and "." not in text.replace(".exp()", "").replace("1.0", "")


def test_written_case_loads_as_a_fixture(tmp_path):
    program = Program((("x1", -0.0), ("x2", math.nan)),
                      (Step("n1", "dot", (Arg.num(math.inf), Arg.node("x1"), Arg.num(2.0))),
                       Step("n2", "tanh", (Arg.node("n1"),)),
                       Step("n3", "sum", (Arg.node("x2"), Arg.node("n2"), Arg.node("n2")))),
                      "n2")
    path = write_found(program, "torch FAIL vs python_ref: node n2 grad", tmp_path, "2026-11-23")
    fixture = load_fixture(path)
    assert path.name == f"found-{program_hash(program)}.toml"
    assert fixture.name == path.stem and "found" in fixture.tags
    assert fixture.source == "fuzzer, 2026-11-23"
    assert fixture.description == "torch FAIL vs python_ref: node n2 grad"
    assert _same(fixture.program, program)
    # the same program is the same file; a zero of the other sign is another
    assert write_found(program, "again", tmp_path) == path
    other = Program((("x1", 0.0), ("x2", math.nan)), program.steps, "n2")
    assert program_hash(other) != program_hash(program)


def test_dead_nodes_are_dropped_and_names_renumbered():
    from micrograd_lab.harness.fuzz.program_tools import renumbered, without_dead_nodes
    program = Program((("x1", 0.0), ("x2", 2.0), ("x3", 3.0)),
                      (Step("n1", "exp", (Arg.node("x1"),)),
                       Step("n2", "mul", (Arg.node("x3"), Arg.num(2.0))),
                       Step("n3", "add", (Arg.node("n2"), Arg.node("x3")))), "n3")
    tidy = renumbered(without_dead_nodes(program))
    assert program_text(tidy) == "n1 = x1 * 2.0\nn2 = n1 + x1\n"
    assert tidy.inputs == (("x1", 3.0),) and tidy.output == "n2"


def test_found_line_prints_the_lists_of_a_dot():
    # rich read `[n1, x2]` as a markup tag and printed `dot(n1, , [1e+300, x2])`
    import io

    from rich.console import Console

    from micrograd_lab.harness.fuzz.campaign import Found
    from micrograd_lab.harness.fuzz.cli import found_line
    program = parse_program("n1 = x1 + x1\nn2 = dot(n1, [n1, x2], [1e+300, x2])\n"
                            "n3 = n2 * n1\n", {"x1": 0.0, "x2": 1.0}, "n3")
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(
        found_line(Found(program, "fd FAIL vs python_ref: [x1] grad", "found/f.toml")))
    text = out.getvalue()
    assert "n2 = dot(n1, [n1, x2], [1e+300, x2])" in text
    assert text.startswith("FOUND found/f.toml: fd FAIL vs python_ref: [x1] grad")

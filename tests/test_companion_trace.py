"""The tracer turns a lecture example into the Program every engine runs."""
import pytest

from micrograd_lab.harness.companion import lecture
from micrograd_lab.harness.companion.trace import trace
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.ops import OPS
from micrograd_lab.harness.program import Arg
from micrograd_lab.python_ref import Value


def test_traced_program_matches_python_ref_run_directly():
    program = lecture.readme_program()
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c = c + (c + 1)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + (b + a).relu())
    d = d + (3 * d + (b - a).relu())
    e = c - d
    f = e ** 2
    g = f / 2.0 + 10.0 / f
    g.backward()
    result = interpret(program)
    assert program.output == "g"
    assert result["g"] == (g.data, 1.0)
    assert result["a"][1] == a.grad and result["b"][1] == b.grad


def test_names_are_the_lecture_labels_and_constants_stay_numbers():
    program = lecture.L_program()
    assert [name for name, _ in program.inputs] == ["a", "b", "c", "f"]
    assert [s.out for s in program.steps] == ["e", "d", "L"]
    slope = lecture.slope_program(3.0, 0.001)
    constants = [a.value for s in slope.steps for a in s.args if a.kind == "num"]
    assert 3.0 in constants and 5.0 in constants


def test_a_label_used_twice_is_refused():
    with pytest.raises(ValueError, match="already used"):
        trace(lambda x: (x + 1).name("x"), x=1.0)


@pytest.mark.parametrize("name", [n for n, op in OPS.items() if op.kind != "nary"])
def test_every_unary_and_binary_op_traces_as_python_ref_runs_it(name):
    op = OPS[name]
    x0, y0 = 0.75, 1.5
    if op.kind == "unary":
        program = trace(lambda x: op.apply(x), x=x0)
        x = Value(x0)
        out = op.apply(x)
        out.backward()
        assert [s.op for s in program.steps] == [name]
        result = interpret(program)
        assert result[program.output] == (out.data, 1.0) and result["x"] == (x0, x.grad)
        return
    # a Node on either side: x op y and the reflected 2 op x
    program = trace(lambda x, y: op.apply(op.apply(x, y), 2.0) + op.apply(2.0, x), x=x0, y=y0)
    x, y = Value(x0), Value(y0)
    out = op.apply(op.apply(x, y), 2.0) + op.apply(2.0, x)
    out.backward()
    assert [s.op for s in program.steps] == [name, name, name, "add"]
    assert program.steps[2].args == (Arg.num(2.0), Arg.node("x"))
    result = interpret(program)
    assert result[program.output][0] == out.data
    assert (result["x"][1], result["y"][1]) == (x.grad, y.grad)

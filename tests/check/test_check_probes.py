"""The probes on fake engines: each finds what it is for, and says ok on a
port without the fault."""
import pytest

from micrograd_lab.harness import probes
from micrograd_lab.harness.diagnoses import (integer_wrap, no_seed, number_side, structural,
                                             zeroes_graph)
from micrograd_lab.harness.engines.base import EngineFailure, Unsupported
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.probes import backward_twice, depth, determinism, numbers

from check_fakes import FakeEngine


def _numbers_evidence(engine, probe):
    """The evidence the diagnoses take from a numbers probe."""
    seen = {"numbers": probe}
    return number_side.from_probes(engine, seen) + integer_wrap.from_probes(engine, seen)


class Scripted(FakeEngine):
    """A fake whose answer a function decides: answer(program, integers,
    restarts) -> evaluation, or raises."""

    def __init__(self, answer, name="lua54", **kw):
        super().__init__(name, **kw)
        self.answer = answer

    def evaluate(self, program, *, integers=False):
        return self.answer(program, integers, self.restarts)


def right(program, integers, restarts):
    return interpret(program)


# -- ops ---------------------------------------------------------------------------

def test_op_probe_lacking_declared_lowered_and_broken():
    def answer(program, integers, restarts):
        op = program.steps[0].op
        if op == "exp":
            raise Unsupported("exp")
        if op == "log":
            raise EngineFailure("error", "attempt to call a nil value (field 'ln')")
        return interpret(program)
    ops = probes.probe_ops(Scripted(answer, declared=set(numbers.SIDES) | {"neg", "relu", "exp",
                                                                          "log", "sum"}))
    assert ops["exp"].state == probes.UNSUPPORTED_OP
    assert ops["log"].state == probes.BROKEN and "field 'ln'" in ops["log"].message
    assert ops["tanh"].state == probes.UNSUPPORTED_OP       # not declared: not even tried
    assert ops["dot"].state == probes.LOWERED and ops["sum"].state == probes.SUPPORTED
    report = probes.ops_probe(ops)
    assert report.status == probes.WARN
    assert "no exp, sigmoid, tanh" in report.summary and "log fails" in report.summary


def test_op_probe_names_a_pow_that_takes_number_exponents_only_undeclared():
    # the lecture's pow asserts a number exponent: a port that follows it and
    # forgets --pow number-exponent had 37 ERROR fixtures and no word of the flag
    def answer(program, integers, restarts):
        step = program.steps[0]
        if step.op == "pow" and step.args[1].kind == "node":
            raise EngineFailure("error", "Error: only supporting number powers for now")
        return interpret(program)
    ops = probes.probe_ops(Scripted(answer))
    assert ops["pow"].state == probes.SUPPORTED
    report = probes.ops_probe(ops)
    assert report.status == probes.WARN
    assert ("pow fails with a Value exponent (error: Error: only supporting number powers for "
            "now): a pow that takes numbers only, as the lecture's does, is declared") \
        in report.summary
    # declared, or a Value exponent that works: nothing to say
    assert probes.ops_probe(probes.probe_ops(Scripted(right))).status == probes.OK


# -- backward twice ------------------------------------------------------------------

@pytest.mark.parametrize("grad, status, behaviour", [
    (12.0, probes.OK, "accumulates"), (6.0, probes.FAULT, "zeroes"),
    (3.0, probes.FAULT, "assigns"), (9.0, probes.FAULT, "other")])
def test_backward_twice_tells_accumulating_zeroing_and_assigning_apart(grad, status, behaviour):
    # L = a * a at a = 3, backward twice: 2 * 6 accumulated, 6 from a zeroed
    # graph, 3 where mul's backward assigns (a keeps one of its two parts)
    def answer(program, integers, restarts):
        values = interpret(program)
        values["a"] = (3.0, grad)
        return values
    probe = backward_twice.probe_backward_twice(Scripted(answer))
    assert (probe.status, probe.details["behaviour"]) == (status, behaviour)
    if behaviour == "other":   # the port's value, and micrograd's beside it, not as if the port's
        assert probe.summary.endswith("a.grad is 9.0 (micrograd and torch: 6.0 after one call, "
                                      "12.0 after two)")
    named = {"zeroes": ["zeroes-graph"], "assigns": ["assigned"]}.get(behaviour, [])
    seen = {"backward-twice": probe}
    assert [e.bug for e in zeroes_graph.from_probes("lua54", seen)
            + structural.from_probes("lua54", seen)] == named


@pytest.mark.parametrize("output_grad, behaviour, named", [
    (0.0, "no gradient", ["no-seed"]), (1.0, "other", [])])
def test_backward_twice_with_no_gradient_at_all(output_grad, behaviour, named):
    # backward never seeds L with 1: L.grad and a.grad 0.  mul without a
    # backward leaves a.grad 0 too, but L.grad at 1: no seed is missing there
    def answer(program, integers, restarts):
        values = interpret(program)
        values["a"], values["L"] = (3.0, 0.0), (9.0, output_grad)
        return values
    probe = backward_twice.probe_backward_twice(Scripted(answer))
    assert (probe.status, probe.details["behaviour"]) == (probes.FAULT, behaviour)
    seen = {"backward-twice": probe}
    assert [e.bug for e in no_seed.from_probes("lua54", seen) + zeroes_graph.from_probes(
        "lua54", seen) + structural.from_probes("lua54", seen)] == named


def test_backward_twice_that_raises_or_cannot_be_asked():
    def answer(program, integers, restarts):
        raise EngineFailure("error", "attempt to index a nil value (field '_prev')")
    assert backward_twice.probe_backward_twice(Scripted(answer)).status == probes.FAULT
    assert backward_twice.probe_backward_twice(None).status == probes.SKIPPED


# -- depth -----------------------------------------------------------------------------

def stack_limit(limit):
    def answer(program, integers, restarts):
        if len(program.steps) > limit:
            raise EngineFailure("error", "backward: stack overflow")
        return interpret(program)
    return answer


def test_depth_finds_the_first_failing_size():
    runtime = Scripted(stack_limit(5000))
    probe = depth.probe_depth(runtime, "depth-chain", frozenset(), 20000)
    assert probe.status == probes.FAULT
    assert (probe.details["longest"], probe.details["first_failure"]) == (4000, 8000)
    assert depth.depth_sizes(20000)[:4] == [125, 250, 500, 1000]
    assert probe.details["error"] == "error: backward: stack overflow"
    assert runtime.restarts == 1


def test_depth_passing_the_top_tries_nothing_smaller():
    tried = []

    def answer(program, integers, restarts):
        tried.append(len(program.inputs))
        return interpret(program)
    probe = depth.probe_depth(Scripted(answer), "depth-wide", frozenset({"sum"}), 3000)
    assert probe.status == probes.OK and probe.details["longest"] == 3000
    assert tried == [3000] and "lowered to a chain of +" in probe.summary
    assert depth.depth_sizes(10000) == [125, 250, 500, 1000, 2000, 4000, 8000, 10000]


def test_depth_wrong_values_count_as_failing():
    def answer(program, integers, restarts):
        values = interpret(program)
        if len(program.steps) > 1500:
            values["x"] = (0.0, 0.0)   # the input's gradient lost
        return values
    probe = depth.probe_depth(Scripted(answer), "depth-chain", frozenset(), 4000)
    assert (probe.details["longest"], probe.details["first_failure"]) == (1000, 2000)
    assert probe.details["error"].startswith("wrong values: x is (0.0, 0.0)")


# -- determinism ---------------------------------------------------------------------------

def test_determinism_ok_for_a_port_that_walks_children_in_order():
    probe = determinism.probe_determinism(Scripted(right), frozenset(), {}, [])
    assert probe.status == probes.OK and probe.details["programs"] == 1


def test_determinism_is_not_measured_where_every_gradient_is_0():
    # a port without a seed gave zeros twice, "bit-identical", and scale points
    def zeros(program, integers, restarts):
        return {node: (data, 0.0) for node, (data, _) in interpret(program).items()}
    probe = determinism.probe_determinism(Scripted(zeros), frozenset(), {}, [])
    assert probe.status == probes.SKIPPED and "every gradient of every program is 0" \
        in probe.summary


def test_determinism_sees_two_runs_differ():
    program = determinism.child_order_program()
    values = interpret(program)
    assert values["x7"][1] == 1.0 + 2.0**-52   # the two tiny contributions first

    def answer(program, integers, restarts):
        out = interpret(program)
        if restarts % 2:   # the other order in every other runtime: 1 + tiny + tiny
            out["x7"] = (out["x7"][0], 1.0)
        return out
    probe = determinism.probe_determinism(Scripted(answer), frozenset(), {}, [])
    assert probe.status == probes.FAULT
    assert (probe.details["node"], probe.details["field"]) == ("x7", "grad")


# -- numbers as a user writes them --------------------------------------------------------

def test_numbers_probe_on_a_right_port():
    probe = numbers.probe_numbers(Scripted(right), probes.probe_ops(Scripted(right)), frozenset())
    assert probe.status == probes.OK
    assert len(probe.details["cases"]) == 21
    assert _numbers_evidence("lua54", probe) == []


def test_numbers_on_the_left_and_integers_that_wrap():
    def answer(program, integers, restarts):
        step = program.steps[0]
        if step.op != "pow" and step.args[0].kind == "num":
            raise EngineFailure("error", "attempt to index a number value (local 'a')")
        values = interpret(program)
        if integers and len(program.steps) == numbers.DOUBLINGS:
            top = f"x#{numbers.DOUBLINGS + 1}"
            values[top] = (-2.0**63, 1.0)
            values["x"] = (1.0, -2.0**63)
        return values
    runtime = Scripted(answer)
    probe = numbers.probe_numbers(runtime, probes.probe_ops(Scripted(right)), frozenset())
    assert probe.status == probes.FAULT
    bugs = [e.bug for e in _numbers_evidence("lua54", probe)]
    assert bugs == ["number-left", "integer-wrap"]


def test_numbers_on_the_right_name_each_op_that_fails_there():
    # x - 2 and x / 2 throw (a.sub(b) as a.add(b.neg())); 2 - x, 2 / x and x + 2 work
    def answer(program, integers, restarts):
        step = program.steps[0]
        if step.op in ("sub", "div") and step.args[1].kind == "num":
            raise EngineFailure("error", f"TypeError: other.{'neg' if step.op == 'sub' else 'pow'}"
                                         f" is not a function [at engine.js:5{len(step.op)} in "
                                         f"Value.{step.op}]")
        return interpret(program)
    probe = numbers.probe_numbers(Scripted(answer), probes.probe_ops(Scripted(right)),
                                  frozenset())
    [found] = _numbers_evidence("js", probe)
    assert (found.bug, found.ops) == ("number-right", ("sub", "div"))
    assert "x - 2: TypeError: other.neg is not a function (at engine.js:53)" in found.detail
    assert found.detail.endswith("2 - x, 2 / x work")


def test_a_value_differing_on_the_left_is_not_called_unsupported():
    def answer(program, integers, restarts):
        values = interpret(program)
        step = program.steps[0]
        if step.args[0].kind == "num":
            values["y"] = (values["y"][0] + 1.0, values["y"][1])
        return values
    probe = numbers.probe_numbers(Scripted(answer), probes.probe_ops(Scripted(right)),
                                 frozenset())
    assert probe.status == probes.FAULT
    assert _numbers_evidence("lua54", probe) == []


def test_the_registry_runs_each_probe_by_name_in_order():
    assert probes.PROBES == ("numbers", "backward-twice", "determinism", "depth-chain",
                             "depth-wide")
    runtime = Scripted(right)
    context = probes.Context(runtime, None, probes.probe_ops(runtime), frozenset())
    assert probes.run_probe("numbers", context).status == probes.OK
    # an engine that cannot run the probe at all: the probe is not run, the run goes on
    assert probes.run_probe("backward-twice", context).status == probes.SKIPPED

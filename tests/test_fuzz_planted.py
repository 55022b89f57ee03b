"""The fuzzer catches a planted bug: a copy of python_ref's engine with one
wrong local gradient is found, shrunk to a few nodes, written as a fixture
that loads and still shows the difference."""
import importlib.util

import pytest

from micrograd_lab.harness.engines.base import Engine
from micrograd_lab.harness.judge.tolerances import EXACT

from micrograd_lab.harness.engines.registry import get_engine
from micrograd_lab.harness.fixture import load_fixture
from micrograd_lab.harness.fuzz import profiles
from micrograd_lab.harness.fuzz.campaign import describe, run
from micrograd_lab.harness.fuzz.oracle import Oracle
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.python_ref import engine


def _engine_copy(tag):
    """A fresh module from python_ref/engine.py: its own Value class, so a
    patch here leaves the real engine alone."""
    spec = importlib.util.spec_from_file_location(f"python_ref._planted_{tag}", engine.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tanh_one_minus_t(copy):
    def tanh(self):
        t = copy.ieee.tanh(self.data)
        out = copy.Value(t, (self,), "tanh")

        def _backward(out):  # the engine calls it with its node
            self.grad += out.grad * (1.0 - t)      # the bug: 1 - t instead of 1 - t*t
        out._backward = _backward
        return out
    copy.Value.tanh = tanh


def _div_wrong_sign(copy):
    def truediv(self, other):
        other = other if isinstance(other, copy.Value) else copy.Value(other)
        out = copy.Value(copy.ieee.div(self.data, other.data), (self, other), "/")

        def _backward(out):  # the engine calls it with its node
            self.grad += copy.ieee.div(out.grad, other.data)
            other.grad += out.grad * copy.ieee.div(out.data, other.data)   # the bug: sign
        out._backward = _backward
        return out
    copy.Value.__truediv__ = truediv


class PlantedBackend(Engine):
    """A copy of python_ref with a planted bug, judged as our own engines are."""
    budget = EXACT

    def __init__(self, name, plant):
        self.name = name
        self.copy = _engine_copy(name)
        plant(self.copy)

    def evaluate(self, program, *, integers=False):
        return interpret(program, value_class=self.copy.Value)


@pytest.mark.parametrize("name, plant, op", [("tanh-one-minus-t", _tanh_one_minus_t, "tanh"),
                                              ("div-wrong-sign", _div_wrong_sign, "div")])
def test_planted_gradient_bug_is_found_and_shrunk(tmp_path, name, plant, op):
    planted = PlantedBackend(name, plant)
    oracle = Oracle([name], get=lambda n: planted if n == name else get_engine(n))
    result = run(oracle, profiles.quick(), profiles.QUICK_EXAMPLES, out_dir=tmp_path)

    assert result.found, f"the planted {op} bug was not found in {result.tried} programs"
    found = result.found[0]
    assert found.program.steps[-1].op == op
    assert len(found.program.inputs) + len(found.program.steps) <= 4, found.summary
    assert f"{name} FAIL vs python_ref" in found.summary
    assert ") grad: expected" in found.summary    # a gradient differs, not a value

    print(describe(found))
    fixture = load_fixture(found.path)
    assert fixture.description == found.summary
    findings = oracle.check(fixture.program)
    assert [f.summary() for f in findings] == [found.summary]
    assert not Oracle(["python_ref"]).check(fixture.program)   # the real engine agrees


def test_the_real_engine_copy_is_not_flagged():
    copy = PlantedBackend("unpatched", lambda module: None)
    oracle = Oracle(["unpatched"], get=lambda n: copy if n == "unpatched" else get_engine(n))
    assert not run(oracle, profiles.quick(), profiles.QUICK_EXAMPLES).found

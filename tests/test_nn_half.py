"""The nn half (harness/nn): its cases, python_ref's nn as the reference and
the equivalent Program, and the verdict on an answer, shown on ports
simulated here with python_ref's Values: a right one, one whose neurons add
w . x before b, one with its own tanh a few ulps off, and the classic nn
bugs (a detached bias, a zero_grad that forgets the biases, parameters() in
another order)."""
import math
from dataclasses import replace

import pytest

from micrograd_lab.harness.judge import mlp
from micrograd_lab.harness.judge.tolerances import port_budget
from micrograd_lab.harness.judge.verdict import CLOSE, EXACT, FAIL
from micrograd_lab.harness.nn import cases, cell
from micrograd_lab.harness.nn.cell import judge_answer
from micrograd_lab.harness.nn.reference import (equivalent_evaluation, equivalent_program, reference_pass,
                                  run_loss)
from micrograd_lab.harness.nn.request import (KINDS, MlpAnswer, MlpRequest, activations, parameter_count,
                                parameter_names, squared_error)
from micrograd_lab.harness.ops import FDLIBM
from micrograd_lab.python_ref import Value

CASES = {case.name: case for case in cases.all_cases()}
PYTHON = port_budget("port-python")
FDLIBM_PORT = port_budget("port-javascript", (FDLIBM,))


# -- ports simulated with python_ref's Values -----------------------------------------

class Neuron:
    def __init__(self, nin, act, tanh_ulps=0):
        self.w, self.b, self.act, self.tanh_ulps = [Value(0.0) for _ in range(nin)], Value(0.0), act, tanh_ulps

    def pre_activation(self, xs):      # micrograd's: b + w0*x0 + w1*x1 + ...
        return sum((w * x for w, x in zip(self.w, xs)), self.b)

    def __call__(self, xs):
        out = self.pre_activation(xs)
        if self.act == "relu":
            return out.relu()
        if self.act == "tanh":
            return self.tanh(out)
        return out

    def tanh(self, v):
        t = math.tanh(v.data)
        for _ in range(self.tanh_ulps):
            t = math.nextafter(t, math.inf)
        out = Value(t, (v,), "tanh")

        def backward(node):
            v.grad += node.grad * ((1.0 - t) * (1.0 + t))
        out._backward = backward
        return out

    def parameters(self):
        return self.w + [self.b]


class WxFirst(Neuron):
    def pre_activation(self, xs):      # w . x, then b: another order of the same sum
        total = self.w[0] * xs[0]
        for w, x in zip(self.w[1:], xs[1:]):
            total = total + w * x
        return total + self.b


class DetachedBias(Neuron):
    def pre_activation(self, xs):      # a copy of b: its gradient never reaches b
        return sum((w * x for w, x in zip(self.w, xs)), Value(self.b.data))


class BiasFirst(Neuron):
    def parameters(self):              # not micrograd's order
        return [self.b] + self.w


class MLP:
    def __init__(self, sizes, kind, neuron=Neuron, **options):
        hidden, last = activations(kind)
        self.layers = [[neuron(nin, last if i == len(sizes) - 2 else hidden, **options)
                        for _ in range(nout)]
                       for i, (nin, nout) in enumerate(zip(sizes, sizes[1:]))]

    def __call__(self, xs):
        for layer in self.layers:
            xs = [n(xs) for n in layer]
        return xs

    def parameters(self):
        return [p for layer in self.layers for n in layer for p in n.parameters()]

    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0


class KeepsBiasGrad(MLP):
    def zero_grad(self):
        for layer in self.layers:
            for n in layer:
                for w in n.w:
                    w.grad = 0.0


def simulate(request, model):
    """What a driver answers for this model: the protocol's loop."""
    for p, x in zip(model.parameters(), request.parameters):
        p.data = x
    losses, gradients = [], []
    for step in range(request.steps + 1):
        if step:
            for p in model.parameters():
                p.data -= request.learning_rate * p.grad
        outputs = [model([Value(x) for x in row]) for row in request.inputs]
        loss = run_loss(request, outputs, model.parameters())
        model.zero_grad()
        loss.backward()
        losses.append(loss.data)
        gradients.append(tuple(p.grad for p in model.parameters()))
    return MlpAnswer(tuple(losses), tuple(gradients))


def judged(case, budget=PYTHON, **model):
    request = CASES[case].request
    return judge_answer(budget, request, simulate(request, MLP(request.sizes, request.kind,
                                                               **model)))


# -- the cases and the reference ---------------------------------------------------------

def test_there_is_a_lecture_and_a_moons_case_per_kind_of_mlp():
    assert list(CASES) == [f"mlp-{what}-{kind}" for kind in KINDS
                           for what in ("lecture", "moons-sgd")]
    assert all(case.tags == ("nn",) for case in CASES.values())
    moons = CASES["mlp-moons-sgd-relu-linear"].request
    assert (moons.sizes, moons.steps, moons.learning_rate) == ((2, 16, 16, 1), 3, 1.0)
    assert len(moons.parameters) == parameter_count(moons.sizes) == 337


@pytest.mark.parametrize("name", CASES)
def test_the_equivalent_program_is_python_refs_nn_to_the_bit(name):
    request = CASES[name].request
    loss, grads = reference_pass(request, request.parameters)
    program, values = equivalent_evaluation(request, request.parameters)
    names = parameter_names(request.sizes)
    assert values[request.loss_output][0] == loss
    assert [values[n][1] for n in names] == list(grads)
    assert sum(1 for g in grads if g != 0.0) > len(grads) * 0.8   # most gradients say something
    last = activations(request.kind)[1]   # a linear output is its neuron's dot itself
    assert {program.step_by_id()[f"out{i}_0"].op for i in range(len(request.inputs))} == \
        {"dot" if last == "linear" else last}


@pytest.mark.parametrize("name", CASES)
def test_no_neuron_sits_at_a_relus_kink(name):
    """A pre-activation near 0 would let a port's own rounding flip relu's
    branch (and relu'(0) is a convention): every one is at least 1e-4 of its
    terms' magnitude from 0."""
    request = CASES[name].request
    program, values = equivalent_evaluation(request, request.parameters)
    for step in program.steps:
        if step.op == "dot":
            args = [values[a.value][0] for a in step.args]
            n = (len(args) - 1) // 2
            scale = abs(args[0]) + sum(abs(w * x) for w, x in zip(args[1:1 + n], args[1 + n:]))
            assert abs(values[step.out][0]) > 1e-4 * scale, step.out


def test_the_lecture_cases_weights_are_eighths_and_none_is_zero():
    for kind in KINDS:
        weights = CASES[f"mlp-lecture-{kind}"].request.parameters
        assert all(w * 8 == round(w * 8) and w != 0.0 for w in weights)


def test_a_request_that_cannot_be_is_refused():
    loss, output = squared_error([1.0])
    with pytest.raises(ValueError, match="has 9 parameters, not 8"):
        MlpRequest((2, 2, 1), "relu-linear", (0.5,) * 8, ((1.0, 2.0),), loss, output)
    with pytest.raises(ValueError, match="not an MLP kind"):
        MlpRequest((2, 2, 1), "relu-sigmoid", (0.5,) * 9, ((1.0, 2.0),), loss, output)


# -- the verdict -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", CASES)
def test_a_port_that_computes_as_python_ref_is_exact(name):
    cell = judged(name)
    assert cell.status == EXACT
    steps = CASES[name].request.steps
    assert cell.compared == (steps + 1) * (2 * len(CASES[name].request.parameters) + 1)


@pytest.mark.parametrize("name", ["mlp-lecture-tanh-tanh", "mlp-moons-sgd-relu-linear"])
def test_a_neuron_adding_its_terms_in_another_order_passes(name):
    assert judged(name, neuron=WxFirst).status in (EXACT, CLOSE)


def test_it_passes_by_the_free_order_of_a_neurons_terms_and_would_fail_without_it(monkeypatch):
    """Once the SGD steps made the biases other than 0, w . x + b and b + w . x
    round apart on the moons' arbitrary floats, beyond what the engine's
    budget alone allows."""
    request = CASES["mlp-moons-sgd-relu-linear"].request
    answer = simulate(request, MLP(request.sizes, request.kind, neuron=WxFirst))
    assert judge_answer(PYTHON, request, answer).status == CLOSE
    monkeypatch.setattr(mlp, "FREE_ORDER", frozenset())
    cell._budgets.cache_clear()
    try:
        assert judge_answer(PYTHON, request, answer).status == FAIL
    finally:
        cell._budgets.cache_clear()


def test_an_own_tanh_within_the_ports_allowance_passes_and_far_beyond_it_fails():
    assert judged("mlp-lecture-tanh-tanh", FDLIBM_PORT, tanh_ulps=2).status == CLOSE
    far = judged("mlp-lecture-tanh-tanh", FDLIBM_PORT, tanh_ulps=4096)
    assert far.status == FAIL, far.summary()


def test_a_detached_bias_fails_naming_it_and_its_place_in_parameters():
    cell = judged("mlp-lecture-tanh-tanh", neuron=DetachedBias)
    assert cell.status == FAIL
    assert cell.summary() == "FAIL b1_0.grad"
    assert cell.detail().startswith("node b1_0 (parameter, parameters()[3]) grad: expected ")
    assert ", got 0.0," in cell.detail()


def test_parameters_in_another_order_fail_at_the_first_pass():
    cell = judged("mlp-lecture-relu-linear", neuron=BiasFirst)
    assert cell.status == FAIL and "@step" not in cell.first_fail.node


def test_a_zero_grad_that_forgets_the_biases_fails_after_the_first_step():
    request = CASES["mlp-moons-sgd-tanh-tanh"].request
    cell = judge_answer(PYTHON, request, simulate(request, KeepsBiasGrad(request.sizes,
                                                                         request.kind)))
    assert cell.status == FAIL
    assert cell.first_fail.node.startswith("b") and cell.first_fail.node.endswith("@step1")
    assert "after 1 SGD step" in cell.detail()
    # the lecture case has no step: the same port passes it
    assert judge_answer(PYTHON, CASES["mlp-lecture-tanh-tanh"].request, simulate(
        CASES["mlp-lecture-tanh-tanh"].request,
        KeepsBiasGrad((3, 4, 4, 1), "tanh-tanh"))).status == EXACT


def test_each_pass_is_judged_at_the_parameters_the_port_reached():
    """A port that moved its parameters wrongly at one step (here: a loss
    off at the last pass only) fails at that pass, named by it; its earlier
    passes are right."""
    request = CASES["mlp-moons-sgd-relu-linear"].request
    answer = simulate(request, MLP(request.sizes, request.kind))
    wrong = replace(answer, losses=answer.losses[:-1] + (answer.losses[-1] * (1 + 1e-9),))
    cell = judge_answer(PYTHON, request, wrong)
    assert cell.status == FAIL and cell.first_fail.node == "loss@step3"
    assert cell.first_fail.op == "loss" and "after 3 SGD steps" in cell.detail()


def test_the_equivalent_program_names_every_parameter_as_the_nn_fixtures_do():
    assert parameter_names((2, 2, 1)) == ["w1_0_0", "w1_0_1", "b1_0", "w1_1_0", "w1_1_1", "b1_1",
                                          "w2_0_0", "w2_0_1", "b2_0"]
    program = equivalent_program(CASES["mlp-lecture-relu-linear"].request,
                                 CASES["mlp-lecture-relu-linear"].request.parameters)
    assert [name for name, _ in program.inputs][:4] == ["w1_0_0", "w1_0_1", "w1_0_2", "b1_0"]

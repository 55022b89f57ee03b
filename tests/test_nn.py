"""python_ref's nn: micrograd's Module/Neuron/Layer/MLP with shared-PRNG weights."""
import pytest

from micrograd_lab.python_ref import MLP, Layer, Neuron, Rng, Value


def test_neuron_draws_its_weights_from_the_prng():
    n = Neuron(3, rng=Rng(11))
    rng = Rng(11)
    assert [w.data for w in n.w] == [rng.uniform(-1.0, 1.0) for _ in range(3)]
    assert n.b.data == 0.0
    lecture = Neuron(3, rng=Rng(11), random_bias=True)
    rng = Rng(11)
    draws = [rng.uniform(-1.0, 1.0) for _ in range(4)]
    assert [p.data for p in lecture.parameters()] == draws


def test_parameter_counts_and_zero_grad():
    model = MLP(2, [16, 16, 1], seed=1)
    assert len(model.parameters()) == (2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1 == 337
    model([1.0, -2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_same_seed_same_network_and_export_import_round_trips():
    a, b = MLP(2, [16, 16, 1], seed=5), MLP(2, [16, 16, 1], seed=5)
    assert a.parameter_values() == b.parameter_values()
    assert MLP(2, [16, 16, 1], seed=6).parameter_values() != a.parameter_values()
    c = MLP(2, [16, 16, 1], seed=99)
    c.load_parameter_values(a.parameter_values())
    assert c([0.3, -0.1]).data == a([0.3, -0.1]).data
    with pytest.raises(ValueError, match="expected 337"):
        c.load_parameter_values([0.0])


@pytest.mark.parametrize("nonlin", ["relu", "tanh", "linear"])
def test_fused_and_primitive_graphs_agree_to_the_bit(nonlin):
    fused = MLP(3, [4, 4, 1], seed=2, nonlin=nonlin, random_bias=True)
    plain = MLP(3, [4, 4, 1], seed=2, nonlin=nonlin, random_bias=True, fused=False)
    out_f, out_p = fused([2.0, 3.0, -1.0]), plain([2.0, 3.0, -1.0])
    assert out_f.data == out_p.data
    out_f.backward()
    out_p.backward()
    # Parameters are used once each, so even accumulation order cannot differ.
    assert [p.grad for p in fused.parameters()] == [p.grad for p in plain.parameters()]
    # The primitive graph is the one the lecture draws: only + and *, no dot.
    ops_p = {v._op for v in out_p.topological_order()}
    ops_f = {v._op for v in out_f.topological_order()}
    assert "dot" in ops_f and "dot" not in ops_p and {"+", "*"} <= ops_p


def test_micrograd_style_layers_and_activations():
    model = MLP(2, [3, 1], seed=0)
    assert [n.nonlin for n in model.layers[0].neurons] == ["relu"] * 3
    assert model.layers[-1].neurons[0].nonlin == "linear"
    assert isinstance(Layer(2, 3, rng=Rng(0))([Value(1.0), Value(2.0)]), list)
    assert "ReluNeuron(2)" in repr(model)
    with pytest.raises(ValueError, match="nonlin"):
        Neuron(2, nonlin="gelu")


def test_lecture_mlp_trains_below_0_01():
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    model = MLP(3, [4, 4, 1], seed=0, nonlin="tanh", last_nonlin="tanh", random_bias=True)
    for _ in range(100):
        preds = [model(x) for x in xs]
        loss = Value.sum([(p - y) ** 2 for p, y in zip(preds, ys)])
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -0.1 * p.grad
    assert loss.data < 0.01

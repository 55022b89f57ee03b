"""python_ref's engine: micrograd's canonical checks, the lecture's examples
and the contracts of docs/CONTRACTS.md (floats, IEEE results, deep graphs)."""
import gc
import math

import pytest

from micrograd_lab.python_ref import Value


def test_micrograd_sanity_check_is_exact():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == -20.0
    assert x.grad == 46.0


def test_micrograd_readme_example():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.70408163265306, rel=1e-12)
    assert a.grad == pytest.approx(138.83381924198252, rel=1e-12)
    assert b.grad == pytest.approx(645.5772594752186, rel=1e-12)


@pytest.mark.parametrize("x, value, slope", [(3.0, 20.0, 14.0), (-3.0, 44.0, -22.0),
                                             (2 / 3, 3.666666666666667, 0.0)])
def test_lecture_polynomial_and_its_slope(x, value, slope):
    xv = Value(x)
    f = 3 * xv**2 - 4 * xv + 5
    f.backward()
    assert f.data == pytest.approx(value, rel=1e-15)
    assert xv.grad == pytest.approx(slope, abs=1e-15)


def test_lecture_L_graph_and_every_gradient():
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    assert (e.data, d.data, L.data) == (-6.0, 4.0, -8.0)
    assert (L.grad, d.grad, f.grad, e.grad, c.grad) == (1.0, -2.0, 4.0, -2.0, -2.0)
    assert (a.grad, b.grad) == (6.0, -4.0)


def _neuron(written_with_exp):
    x1, x2 = Value(2.0), Value(0.0)
    w1, w2 = Value(-3.0), Value(1.0)
    b = Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    if written_with_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.backward()
    return o, x1, x2, w1, w2


@pytest.mark.parametrize("written_with_exp", [False, True])
def test_lecture_tanh_neuron(written_with_exp):
    o, x1, x2, w1, w2 = _neuron(written_with_exp)
    assert o.data == pytest.approx(0.7071067811865476, rel=1e-15)
    # The lecture prints these to 4 digits; do/dn = 1 - o**2 = 0.5.
    assert x1.grad == pytest.approx(-1.5, rel=1e-14)
    assert w1.grad == pytest.approx(1.0, rel=1e-14)
    assert x2.grad == pytest.approx(0.5, rel=1e-14)
    assert w2.grad == 0.0


def test_node_reuse_accumulates():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0

    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    assert (a.grad, b.grad) == (-3.0, -8.0)


def test_gradients_accumulate_across_backward_calls():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0


def test_numbers_on_either_side():
    v = Value(4.0)
    assert (2 * v).data == 8.0
    assert (1 - v).data == -3.0
    assert (2 / v).data == 0.5
    assert (2**v).data == 16.0
    assert (v - 1).data == 3.0
    assert (v / 2).data == 2.0
    assert (v**0.5).data == 2.0
    assert (-v).data == -4.0


def test_value_to_the_value_and_its_gradients():
    a, b = Value(2.0), Value(3.0)
    c = a**b
    c.backward()
    assert c.data == 8.0
    assert a.grad == 12.0
    assert b.grad == 8.0 * math.log(2.0)


def test_data_is_always_a_float():
    assert type(Value(3).data) is float
    assert type((Value(3) * 2).data) is float
    assert (Value(4611686018427387904) * 4).data == 1.8446744073709552e19


@pytest.mark.parametrize("make, expected", [
    (lambda: Value(-8.0) ** (1 / 3), math.nan),
    (lambda: 1 / Value(0.0), math.inf),
    (lambda: 1 / Value(-0.0), -math.inf),
    (lambda: -1 / Value(0.0), -math.inf),
    (lambda: Value(0.0) / Value(0.0), math.nan),
    (lambda: Value(0.0).log(), -math.inf),
    (lambda: Value(-1.0).log(), math.nan),
    (lambda: Value(1000.0).exp(), math.inf),
    (lambda: Value(-1000.0).exp(), 0.0),
    (lambda: Value(0.0) ** -1, math.inf),
    (lambda: Value(-0.0) ** -1, -math.inf),
    (lambda: Value(10.0) ** 400, math.inf),
    (lambda: Value(-10.0) ** 401, -math.inf),
    (lambda: Value(400.0).tanh(), 1.0),
    (lambda: Value(-400.0).tanh(), -1.0),
    (lambda: Value(1e-10).tanh(), 1e-10),
    (lambda: Value(1000.0).sigmoid(), 1.0),
    (lambda: Value(-1000.0).sigmoid(), 0.0),
    (lambda: Value(math.nan).relu(), math.nan),
])
def test_ieee_results_never_raise(make, expected):
    out = make()
    if math.isnan(expected):
        assert math.isnan(out.data)
    else:
        assert out.data == expected
    assert isinstance(out.data, float)
    out.backward()  # gradients of edge values never raise either


def test_relu_gradient_is_zero_at_the_kink():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0
    x = Value(1e-300)
    x.relu().backward()
    assert x.grad == 1.0


def test_forward_is_the_direct_operation():
    # a / b rounds once; a * b**-1 rounds twice and differs for these.
    a, b = 3.0, 5.0
    assert (Value(a) / Value(b)).data == a / b != a * b**-1
    assert (Value(0.1) - Value(0.3)).data == 0.1 - 0.3


def test_children_are_kept_in_argument_order():
    a, b = Value(1.0), Value(2.0)
    assert (a - b)._prev == (a, b)
    assert (2 - b)._prev[1] is b
    assert (a ** b)._prev == (a, b)


def _recursive_order(v, seen, order):
    if v not in seen:
        seen.add(v)
        for child in v._prev:
            _recursive_order(child, seen, order)
        order.append(v)
    return order


def test_topological_order_matches_the_recursive_walk():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    assert e.topological_order() == _recursive_order(e, set(), [])


def test_an_earlier_walk_hides_no_node_from_the_next():
    # each walk marks the nodes it reaches with its own token
    a, b = Value(1.0), Value(2.0)
    c = a * b
    e = (c + a) * c
    assert c.topological_order() == [a, b, c]
    assert e.topological_order() == _recursive_order(e, set(), [])
    e.backward()  # e = (ab + a) ab = a^2 b^2 + a^2 b: de/da = 2ab^2 + 2ab = 12, de/db = 2a^2 b + a^2 = 5
    assert (a.grad, b.grad) == (12.0, 5.0)


def test_a_graph_holds_no_cycle_so_dropping_it_frees_it():
    """Every op and backward: reference counting alone frees the graph, the
    cyclic collector finds nothing (a closure per node would make cycles)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        x, w = Value(0.5), Value(-2.0)
        h = Value.dot([w, x], [x, 3.0], 0.25)
        y = Value.sum([(h - x) * w / 3.0, (h ** 2) ** x, -h.relu(), h.tanh(),
                       h.exp().log(), h.sigmoid(), 2 ** x], 1.0)
        y.backward()
        del x, w, h, y
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()


def test_a_million_node_chain_backpropagates():
    x = Value(0.5)
    n = x
    for _ in range(1_000_000):
        n = n + 1.0
    n.backward()
    assert n.data == 1_000_000.5
    assert x.grad == 1.0


@pytest.mark.parametrize("start", [0.0, 1.5])
def test_fused_sum_and_dot_equal_the_chain_to_the_bit(start):
    ws = [Value(w) for w in (0.1, -0.7, 0.3333, 2.5)]
    xs = [Value(x) for x in (1.1, 0.2, -9.75, 1e-3)]
    chain = Value(start)
    for w, x in zip(ws, xs):
        chain = chain + w * x
    chain.tanh().backward()
    chain_grads = [v.grad for v in ws + xs]
    for v in ws + xs:
        v.grad = 0.0
    fused = Value.dot(ws, xs, Value(start))
    fused.tanh().backward()
    assert fused.data == chain.data
    assert [v.grad for v in ws + xs] == chain_grads

    total = Value.sum(xs, start)
    assert total.data == ((((start + 1.1) + 0.2) + -9.75) + 1e-3)


def test_repr_is_readable():
    assert repr(Value(2.0, label="a")) == "Value(label='a', data=2.0, grad=0.0)"

"""A small neural-network library on top of engine.Value, as in micrograd.

Weights come from the shared PRNG (rng.Rng), so the Lua port builds the same
network from the same seed.  By default a neuron computes its pre-activation
with one fused `dot` node (same value as the chain of * and +, much faster);
`fused=False` builds the graph of primitive ops the lecture draws.
"""
from .engine import Value
from .rng import Rng

NONLINEARITIES = ("relu", "tanh", "linear")


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0.0

    def parameters(self):
        return []

    def parameter_values(self):
        """The parameters as a plain list of floats (export to another engine)."""
        return [p.data for p in self.parameters()]

    def load_parameter_values(self, values):
        params = self.parameters()
        if len(values) != len(params):
            raise ValueError(f"expected {len(params)} parameter values, got {len(values)}")
        for p, v in zip(params, values):
            p.data = float(v)


class Neuron(Module):
    """act(w . x + b).  Weights are uniform(-1, 1); the bias is 0 as in
    micrograd, or uniform(-1, 1) too with random_bias=True as in the lecture."""

    def __init__(self, nin, nonlin="relu", rng=None, random_bias=False, fused=True):
        if nonlin not in NONLINEARITIES:
            raise ValueError(f"nonlin must be one of {NONLINEARITIES}, got {nonlin!r}")
        rng = rng if rng is not None else Rng(0)
        self.w = [Value(rng.uniform(-1.0, 1.0)) for _ in range(nin)]
        self.b = Value(rng.uniform(-1.0, 1.0) if random_bias else 0.0)
        self.nonlin = nonlin
        self.fused = fused

    def __call__(self, x):
        if self.fused:
            act = Value.dot(self.w, x, self.b)
        else:
            act = self.b  # b + w0*x0 + w1*x1 + ..., left to right
            for wi, xi in zip(self.w, x):
                act = act + wi * xi
        if self.nonlin == "relu":
            return act.relu()
        if self.nonlin == "tanh":
            return act.tanh()
        return act

    def parameters(self):
        return self.w + [self.b]

    def __repr__(self):
        return f"{self.nonlin.capitalize()}Neuron({len(self.w)})"


class Layer(Module):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x):
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def parameters(self):
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self):
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers of sizes nouts.  Hidden layers use `nonlin`, the last `last_nonlin`:
    micrograd's default is relu then linear; the lecture's MLP is tanh throughout."""

    def __init__(self, nin, nouts, seed=0, nonlin="relu", last_nonlin="linear",
                 random_bias=False, fused=True, rng=None):
        rng = rng if rng is not None else Rng(seed)
        sizes = [nin] + list(nouts)
        self.layers = [
            Layer(sizes[i], sizes[i + 1], rng=rng, random_bias=random_bias, fused=fused,
                  nonlin=nonlin if i != len(nouts) - 1 else last_nonlin)
            for i in range(len(nouts))
        ]

    def __call__(self, x):
        x = [xi if isinstance(xi, Value) else Value(xi) for xi in x]
        for layer in self.layers:
            x = layer(x)
            x = x if isinstance(x, list) else [x]
        return x[0] if len(x) == 1 else x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"

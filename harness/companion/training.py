"""Training parity: the same network trained by python_ref, each Lua runtime
and torch, step by step.

Two tasks.  `moons`: micrograd's demo, MLP(2, [16, 16, 1]) on the two moons,
SVM max-margin loss mean(relu(1 - y*score)) + 1e-4 * sum(p*p), learning rate
1.0 - 0.9*k/100.  `lecture`: the lecture's MLP(3, [4, 4, 1]), tanh
everywhere, random biases, four samples, squared-error loss, a constant
learning rate.  python_ref builds its network from the seed; the Lua script
(lua/train.lua) builds its own from the same seed and reports its initial
parameters so the test can check they are the same; torch starts from
python_ref's parameter_values().

The loss graph is written the same way in both languages, node for node
(fused dot neurons, Value.sum for the sums), so the gradients accumulate in
the same order and python_ref and the Lua runtimes agree to the bit.
"""
from dataclasses import dataclass, field
from pathlib import Path

from python_ref import MLP, Value

from . import engines
from .moons import make_moons

LUA_SCRIPT = Path(__file__).parent / "lua" / "train.lua"


@dataclass(frozen=True)
class Task:
    name: str
    nin: int
    nouts: tuple
    nonlin: str            # hidden layers
    last_nonlin: str
    random_bias: bool
    seed: int
    xs: tuple              # of tuples of floats
    ys: tuple              # labels / targets
    loss: str              # "svm" (mean hinge + L2) or "mse" (sum of squares)
    alpha: float           # L2 weight (svm only)
    lr_start: float        # learning rate at step k: lr_start - lr_drop*k/100
    lr_drop: float
    steps: int

    def learning_rate(self, k):
        return self.lr_start - self.lr_drop * k / 100

    def model(self):
        return MLP(self.nin, list(self.nouts), seed=self.seed, nonlin=self.nonlin,
                   last_nonlin=self.last_nonlin, random_bias=self.random_bias)

    def to_plain(self):
        """What the Lua script receives (lists, numbers, strings)."""
        return {
            "nin": self.nin, "nouts": list(self.nouts), "nonlin": self.nonlin,
            "last_nonlin": self.last_nonlin, "random_bias": self.random_bias,
            "seed": self.seed, "xs": [list(x) for x in self.xs], "ys": list(self.ys),
            "loss": self.loss, "alpha": self.alpha, "lr_start": self.lr_start,
            "lr_drop": self.lr_drop, "steps": self.steps,
        }


# micrograd seeds its demo with 1337; with our PRNG, 1337 stalls at 92% after
# 100 steps, while 8 of the seeds 0..11 reach 100%.  We use 2 and say so.
MOONS_MODEL_SEED = 2


def moons_task(steps=100):
    xs, ys = make_moons()
    return Task("moons", 2, (16, 16, 1), "relu", "linear", False, MOONS_MODEL_SEED,
                tuple(tuple(x) for x in xs), tuple(ys), "svm", 1e-4, 1.0, 0.9, steps)


LECTURE_XS = ((2.0, 3.0, -1.0), (3.0, -1.0, 0.5), (0.5, 1.0, 1.0), (1.0, 1.0, -1.0))
LECTURE_YS = (1.0, -1.0, -1.0, 1.0)


def lecture_task(steps=40):
    return Task("lecture", 3, (4, 4, 1), "tanh", "tanh", True, 42,
                LECTURE_XS, LECTURE_YS, "mse", 0.0, 0.1, 0.0, steps)


@dataclass
class Run:
    engine: str
    losses: list = field(default_factory=list)      # before each update
    accuracies: list = field(default_factory=list)  # fraction of signs right
    initial: list = field(default_factory=list)     # parameters before step 0
    final: list = field(default_factory=list)       # parameters after the last step


# -- python_ref ---------------------------------------------------------------

def python_loss(task, model):
    scores = [model([Value(v) for v in x]) for x in task.xs]
    if task.loss == "svm":
        margins = [(1 - y * s).relu() for y, s in zip(task.ys, scores)]
        data_loss = Value.sum(margins) / len(margins)
        reg_loss = task.alpha * Value.sum([p * p for p in model.parameters()])
        total = data_loss + reg_loss
    else:
        total = Value.sum([(s - y) ** 2 for y, s in zip(task.ys, scores)])
    right = sum((y > 0) == (s.data > 0) for y, s in zip(task.ys, scores))
    return total, right / len(scores)


def train_python(task):
    model = task.model()
    run = Run(engines.REFERENCE, initial=model.parameter_values())
    for k in range(task.steps):
        total, accuracy = python_loss(task, model)
        model.zero_grad()
        total.backward()
        run.losses.append(total.data)
        run.accuracies.append(accuracy)
        lr = task.learning_rate(k)
        for p in model.parameters():
            p.data -= lr * p.grad
    run.final = model.parameter_values()
    return run


# -- Lua --------------------------------------------------------------------------

def _floats(sequence):
    """A list of floats from a Python list or a table keyed 1..n."""
    if hasattr(sequence, "keys"):
        sequence = [sequence[k] for k in sorted(sequence.keys())]
    return [float(x) for x in sequence]


def train_lua(task, runtime):
    answer = engines.lua_engine(runtime).run_file(str(LUA_SCRIPT), task.to_plain())
    return Run(runtime, *(_floats(answer[key])
                          for key in ("losses", "accuracies", "initial", "final")))


# -- torch (float64, one matrix per layer) ---------------------------------------------

def _unflatten(task, values, torch):
    """python_ref's parameter order (neuron by neuron: w..., b) as (W, b) per layer."""
    layers, i = [], 0
    sizes = [task.nin] + list(task.nouts)
    for nin, nout in zip(sizes, sizes[1:]):
        rows = []
        for _ in range(nout):
            rows.append(values[i:i + nin + 1])
            i += nin + 1
        t = torch.tensor(rows, dtype=torch.float64)
        layers.append((t[:, :nin].clone().requires_grad_(), t[:, nin].clone().requires_grad_()))
    return layers


def _flatten(layers):
    return [float(v) for W, b in layers for row_w, row_b in zip(W.tolist(), b.tolist())
            for v in row_w + [row_b]]


def train_torch(task, initial):
    import torch

    layers = _unflatten(task, initial, torch)
    X = torch.tensor(task.xs, dtype=torch.float64)
    y = torch.tensor(task.ys, dtype=torch.float64)
    act = {"relu": torch.relu, "tanh": torch.tanh, "linear": lambda t: t}
    run = Run(engines.TORCH, initial=list(initial))
    for k in range(task.steps):
        h = X
        for i, (W, b) in enumerate(layers):
            h = act[task.last_nonlin if i == len(layers) - 1 else task.nonlin](h @ W.T + b)
        scores = h[:, 0]
        if task.loss == "svm":
            params = torch.cat([t.reshape(-1) for W, b in layers for t in (W, b)])
            total = torch.relu(1 - y * scores).mean() + task.alpha * (params * params).sum()
        else:
            total = ((scores - y) ** 2).sum()
        for W, b in layers:
            W.grad = b.grad = None
        total.backward()
        run.losses.append(total.item())
        run.accuracies.append(((y > 0) == (scores > 0)).double().mean().item())
        lr = task.learning_rate(k)
        with torch.no_grad():
            for W, b in layers:
                W -= lr * W.grad
                b -= lr * b.grad
    run.final = _flatten(layers)
    return run


def train_all(task, runtimes=None, torch=True):
    """{engine: Run} for python_ref, the given Lua runtimes (default: all) and torch."""
    runs = {engines.REFERENCE: train_python(task)}
    for runtime in engines.lua_runtimes() if runtimes is None else runtimes:
        runs[runtime] = train_lua(task, runtime)
    if torch:
        runs[engines.TORCH] = train_torch(task, runs[engines.REFERENCE].initial)
    return runs


def relative_difference(a, b):
    """Largest |a_i - b_i| / |b_i| over two loss curves."""
    return max((abs(x - y) / abs(y) if y else abs(x)) for x, y in zip(a, b))


def predict(task, parameters, points):
    """Scores of the network with these parameters at many points (numpy, for
    drawing the decision boundary only; training never uses this)."""
    import numpy as np

    h = np.asarray(points, dtype=np.float64)
    sizes = [task.nin] + list(task.nouts)
    i = 0
    for layer, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        block = np.asarray(parameters[i:i + nout * (nin + 1)]).reshape(nout, nin + 1)
        i += nout * (nin + 1)
        h = h @ block[:, :nin].T + block[:, nin]
        name = task.last_nonlin if layer == len(sizes) - 2 else task.nonlin
        h = {"relu": lambda t: np.maximum(t, 0.0), "tanh": np.tanh, "linear": lambda t: t}[name](h)
    return h[:, 0]


__all__ = ["Task", "Run", "moons_task", "lecture_task", "train_python", "train_lua",
           "train_torch", "train_all", "relative_difference", "predict"]

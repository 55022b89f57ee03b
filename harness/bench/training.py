"""Benchmark 1: one full-batch training step of micrograd's moons demo.

MLP(2, [16, 16, 1]) on 100 points, loss mean(relu(1 - y*score)) + 1e-4 *
sum(p*p), then zero_grad, backward and p -= lr * grad, in every engine, all
starting from python_ref's seeded weights (the Lua port builds the same ones
from the same seed).  Every engine reports the loss of its first step, so the
benchmark shows that they all computed the same thing before it compares
their speed.

Python engines: k consecutive steps are timed together (after one warm-up
step), as a training loop runs them, so the cyclic garbage collector's work
is charged as a user pays it (each step's graph is cyclic garbage, and in a
loop the collector's full passes cost more than the rest of the step); the
median over the repetitions is reported.  "python_ref (gc off)" shows the
same steps with the collector disabled.  Lua: k consecutive steps timed
inside Lua with the sandbox's clock() (lua_port exposes os.clock as that);
under a sandbox without it, Python times `run_file` over the script with k
steps and with 0 steps (loading the script, converting the data, building
the network), and the difference divided by k is the time of one step.
standalone.py runs the same script under the system's lua5.1, lua5.4 and
luajit, outside lupa, as a cross-check.
"""
import gc
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

from harness.companion.moons import make_moons
from python_ref import MLP, Value

from . import isolated, lua_engines
from .timing import median_time, time_once

SEED = 1337
SIZES = (2, 16, 16, 1)
ALPHA = 1e-4
LUA_SCRIPT = Path(__file__).parent / "lua" / "training.lua"

MICROGRAD = "micrograd 0.1.0"
PYTHON_REF = "python_ref"
PYTHON_REF_GC_OFF = "python_ref (gc off)"
PYTHON_REF_PRIMITIVE = "python_ref (primitive ops)"
TORCH_SCALAR = "torch scalar graph"
TORCH_VECTOR = "torch vectorized"


@dataclass(frozen=True)
class Problem:
    xs: tuple        # of (x0, x1)
    ys: tuple        # -1.0 / +1.0
    initial: tuple   # python_ref's parameters, neuron by neuron (w..., b)

    def to_plain(self):
        return {"xs": [list(x) for x in self.xs], "ys": list(self.ys),
                "initial": list(self.initial), "seed": SEED,
                "sizes": list(SIZES), "alpha": ALPHA}


def moons_problem(n_points=100):
    xs, ys = make_moons(n_points)
    initial = MLP(SIZES[0], list(SIZES[1:]), seed=SEED).parameter_values()
    return Problem(tuple(map(tuple, xs)), tuple(ys), tuple(initial))


def learning_rate(k):
    """The demo's schedule, 1.0 down to 0.1 over 100 steps."""
    return 1.0 - 0.9 * (k % 100) / 100


@dataclass
class Row:
    engine: str
    seconds: float = None        # median time of one step
    first_loss: float = None     # the loss of the first step (same weights everywhere)
    note: str = ""
    error: str = ""


# -- one step in each Python engine: make_stepper(problem) -> step(k) -> loss --

def _micrograd_stepper(problem):
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP as MMLP

    model = MMLP(SIZES[0], list(SIZES[1:]))
    for p, v in zip(model.parameters(), problem.initial):
        p.data = v

    def step(k):  # micrograd's demo.ipynb, full batch
        inputs = [list(map(MValue, x)) for x in problem.xs]
        scores = list(map(model, inputs))
        losses = [(1 + -y * s).relu() for y, s in zip(problem.ys, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = learning_rate(k)
        for p in model.parameters():
            p.data -= lr * p.grad
        return total.data
    return step


def _python_ref_stepper(problem, fused=True):
    model = MLP(SIZES[0], list(SIZES[1:]), seed=SEED, fused=fused)
    model.load_parameter_values(problem.initial)
    add_up = Value.sum if fused else sum

    def step(k):
        scores = [model([Value(v) for v in x]) for x in problem.xs]
        margins = [(1 - y * s).relu() for y, s in zip(problem.ys, scores)]
        total = add_up(margins) / len(margins) + ALPHA * add_up([p * p for p in model.parameters()])
        model.zero_grad()
        total.backward()
        lr = learning_rate(k)
        for p in model.parameters():
            p.data -= lr * p.grad
        return total.data
    return step


def _layers(problem):
    """(nin, nout) of each layer and whether it ends in relu (all but the last)."""
    return [(nin, nout, i < len(SIZES) - 2) for i, (nin, nout) in enumerate(zip(SIZES, SIZES[1:]))]


def _torch_scalar_stepper(problem):
    """The same graph as micrograd's, one 0-d float64 tensor per Value."""
    import torch
    torch.set_num_threads(1)  # scalars and 16-wide matrices: threads only add overhead

    params = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in problem.initial]
    neurons, i = [], 0  # per layer: [(w list, b)], relu flag
    for nin, nout, relu in _layers(problem):
        layer = []
        for _ in range(nout):
            layer.append((params[i:i + nin], params[i + nin]))
            i += nin + 1
        neurons.append((layer, relu))

    def step(k):
        scores = []
        for x in problem.xs:
            h = [torch.tensor(v, dtype=torch.float64) for v in x]
            for layer, relu in neurons:
                out = []
                for w, b in layer:
                    act = b
                    for wi, xi in zip(w, h):
                        act = act + wi * xi
                    out.append(torch.relu(act) if relu else act)
                h = out
            scores.append(h[0])
        margins = [torch.relu(1 - y * s) for y, s in zip(problem.ys, scores)]
        total = sum(margins) / len(margins) + ALPHA * sum(p * p for p in params)
        for p in params:
            p.grad = None
        total.backward()
        lr = learning_rate(k)
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return total.item()
    return step


def _torch_vector_stepper(problem):
    """One matrix per layer: the practical floor for this network."""
    import torch
    torch.set_num_threads(1)

    flat = torch.tensor(problem.initial, dtype=torch.float64)
    layers, i = [], 0
    for nin, nout, relu in _layers(problem):
        block = flat[i:i + nout * (nin + 1)].reshape(nout, nin + 1)
        i += nout * (nin + 1)
        layers.append((block[:, :nin].clone().requires_grad_(),
                       block[:, nin].clone().requires_grad_(), relu))
    X = torch.tensor(problem.xs, dtype=torch.float64)
    y = torch.tensor(problem.ys, dtype=torch.float64)

    def step(k):
        h = X
        for W, b, relu in layers:
            h = h @ W.T + b
            h = torch.relu(h) if relu else h
        params = torch.cat([t.reshape(-1) for W, b, _ in layers for t in (W, b)])
        total = torch.relu(1 - y * h[:, 0]).mean() + ALPHA * (params * params).sum()
        for W, b, _ in layers:
            W.grad = b.grad = None
        total.backward()
        lr = learning_rate(k)
        with torch.no_grad():
            for W, b, _ in layers:
                W -= lr * W.grad
                b -= lr * b.grad
        return total.item()
    return step


PYTHON_ENGINES = {
    MICROGRAD: (_micrograd_stepper, "micrograd's own graph: one node per + and *"),
    PYTHON_REF: (_python_ref_stepper, "fused dot/sum nodes (nn.MLP default)"),
    PYTHON_REF_GC_OFF: (_python_ref_stepper, "the same, cyclic garbage collector disabled"),
    PYTHON_REF_PRIMITIVE: (lambda p: _python_ref_stepper(p, fused=False),
                           "fused=False: micrograd's graph, node for node"),
    TORCH_SCALAR: (_torch_scalar_stepper, "one 0-d float64 tensor per Value"),
    TORCH_VECTOR: (_torch_vector_stepper, "float64 matrices, one per layer"),
}


def time_python_engine(name, problem, repeat, steps):
    """Median over the repetitions of (time of `steps` consecutive steps) / steps."""
    make_stepper, note = PYTHON_ENGINES[name]
    row = Row(name, note=note)
    try:
        step = make_stepper(problem)
    except ImportError as exc:
        row.error = f"not installed ({exc.name}): `make bench` installs it"
        return row
    row.first_loss = step(0)  # also the warm-up
    counter = iter(range(1, 10 ** 9))

    def some_steps():
        for _ in range(steps):
            step(next(counter))

    was_enabled = gc.isenabled()
    if name == PYTHON_REF_GC_OFF:
        gc.disable()
    try:
        seconds, _ = median_time(some_steps, repeat)
    finally:
        if was_enabled:
            gc.enable()
    row.seconds = seconds / steps
    return row


def time_lua_runtime(runtime, problem, repeat, steps):
    """Median seconds per step: timed inside Lua with the sandbox's clock()
    when it has one, else (time of `steps` steps - time of 0 steps) / steps
    from Python.  A full garbage collection runs, untimed, before each call."""
    row = Row(runtime)
    engine = lua_engines.engine(runtime)
    plain = problem.to_plain()

    def timed(k):
        engine.run_file(str(LUA_SCRIPT), plain, 0, "collect")
        seconds, answer = time_once(lambda: engine.run_file(str(LUA_SCRIPT), plain, k, "train"))
        return seconds, lua_engines.to_python(answer)

    _, answer = timed(1)  # warm-up, and the check of the first loss
    row.first_loss = float(answer["losses"][0])
    if [float(v) for v in answer["initial"]] != list(problem.initial):
        row.error = "the Lua network's initial weights differ from python_ref's"
    per_step = []
    for _ in range(repeat):
        full, answer = timed(steps)
        if answer.get("seconds") is not None:
            per_step.append(answer["seconds"] / steps)
        else:
            empty, _ = timed(0)
            per_step.append((full - empty) / steps)
    clocked = answer.get("seconds") is not None
    row.note = (f"clock() inside Lua, {steps} consecutive steps" if clocked else
                f"run_file timed from Python, {steps} steps minus 0 steps")
    row.seconds = statistics.median(per_step)
    return row


def engine_series(engine, repeat, steps, n_points, lua):
    """The row of one engine, as a generator of dicts for isolated.call."""
    problem = moons_problem(n_points)
    try:
        if lua:
            row = time_lua_runtime(engine, problem, repeat, steps)
        else:
            row = time_python_engine(engine, problem, repeat, steps)
    except Exception as exc:  # a broken engine is a cell in the table, not a crash
        row = Row(engine, error=f"{type(exc).__name__}: {exc}")
    yield asdict(row)


def engines(runtimes=None):
    lua = list(lua_engines.runtimes() if runtimes is None else runtimes)
    lua += [r + lua_engines.JIT_OFF for r in lua if r == "luajit21"]
    return [MICROGRAD, PYTHON_REF, PYTHON_REF_GC_OFF, PYTHON_REF_PRIMITIVE, *lua,
            TORCH_SCALAR, TORCH_VECTOR], set(lua)


def run(repeat=3, steps=5, runtimes=None, n_points=100, standalone_lua=True):
    """Rows for every engine, micrograd 0.1.0 first, torch vectorized last;
    standalone_lua adds the system's lua5.1, lua5.4 and luajit (standalone.py).
    Each engine runs in a fresh process (isolated.py): a full collection
    scans every object of the process, so an engine measured after torch was
    imported would pay for torch's objects too."""
    from . import standalone

    names, lua = engines(runtimes)
    rows = []
    for name in names:
        if name == TORCH_SCALAR and standalone_lua:  # after lupa's runtimes, before torch
            problem = moons_problem(n_points)
            rows += [standalone.time_binary(b, problem, repeat, steps) for b in standalone.available()]
        items, failure = isolated.call("training.engine_series", dict(
            engine=name, repeat=repeat, steps=steps, n_points=n_points, lua=name in lua))
        rows.append(Row(**items[0]) if items else Row(name, error=failure))
    return rows

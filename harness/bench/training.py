"""Benchmark 1: one full-batch training step of micrograd's moons demo.

The task is harness.training's moons task (MLP(2, [16, 16, 1]), loss
mean(relu(1 - y*score)) + 1e-4 * sum(p*p), then zero_grad, backward and
p -= lr * grad), on n points.  python_ref and the Lua port run the lab's own
trainers (harness/training/trainer.py and trainer.lua), torch vectorized its
torch_trainer.py; micrograd 0.1.0 and torch's scalar graph are written here,
each the same computation in that engine.  All start from python_ref's
seeded weights, and every engine reports the loss of its first step, so the
benchmark shows that they all computed the same thing before it compares
their speed.

Python engines: k consecutive steps are timed together (after one warm-up
step), as a training loop runs them, so the cyclic garbage collector's work
is charged as a user pays it (each step's graph is cyclic garbage, and in a
loop the collector's full passes cost more than the rest of the step); the
median over the repetitions is reported.  "python_ref (gc off)" shows the
same steps with the collector disabled.  Lua: k consecutive steps timed
inside Lua with the sandbox's clock() (os.clock).  The stand-alone rows run
the same trainer under the system's lua5.1, lua5.4 and luajit, outside lupa,
as a cross-check (standalone.py).
"""
import gc
import statistics
from dataclasses import asdict, dataclass

from micrograd_lab.harness.engines.registry import REFERENCE
from micrograd_lab.harness.lua_engines import JIT_OFF, lua_engine, runtimes as lua_runtimes
from micrograd_lab.harness.training.task import moons_task
from micrograd_lab.harness.training.trainer import LUA_TRAINER, Trainer

from . import isolated, standalone
from .timing import median_time

MICROGRAD = "micrograd 0.1.0"
PYTHON_REF_GC_OFF = "python_ref (gc off)"
PYTHON_REF_PRIMITIVE = "python_ref (primitive ops)"
TORCH_SCALAR = "torch scalar graph"
TORCH_VECTOR = "torch vectorized"


@dataclass
class Row:
    engine: str
    seconds: float = None        # median time of one step
    first_loss: float = None     # the loss of the first step (same weights everywhere)
    note: str = ""
    error: str = ""


def initial_parameters(task):
    """python_ref's seeded weights, neuron by neuron (w..., b): every engine's start."""
    return Trainer(task).parameter_values()


# -- one step in each Python engine: make_stepper(task) -> step(k) -> loss --

def _micrograd_stepper(task):
    from micrograd.engine import Value as MValue
    from micrograd.nn import MLP as MMLP

    model = MMLP(task.nin, list(task.nouts))
    for p, v in zip(model.parameters(), initial_parameters(task)):
        p.data = v

    def step(k):  # micrograd's demo.ipynb, full batch
        inputs = [list(map(MValue, x)) for x in task.xs]
        scores = list(map(model, inputs))
        losses = [(1 + -y * s).relu() for y, s in zip(task.ys, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = task.alpha * sum(p * p for p in model.parameters())
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        lr = task.learning_rate(k)
        for p in model.parameters():
            p.data -= lr * p.grad
        return total.data
    return step


def _python_ref_stepper(task, fused=True):
    return Trainer(task, fused=fused).step


def _torch_scalar_stepper(task):
    """The same graph as micrograd's, one 0-d float64 tensor per Value."""
    import torch
    torch.set_num_threads(1)  # scalars and 16-wide matrices: threads only add overhead

    params = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in initial_parameters(task)]
    sizes = [task.nin, *task.nouts]
    neurons, i = [], 0  # per layer: [(w list, b)], relu flag (all but the last)
    for layer, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
        weights = []
        for _ in range(nout):
            weights.append((params[i:i + nin], params[i + nin]))
            i += nin + 1
        neurons.append((weights, layer < len(sizes) - 2))

    def step(k):
        scores = []
        for x in task.xs:
            h = [torch.tensor(v, dtype=torch.float64) for v in x]
            for weights, relu in neurons:
                out = []
                for w, b in weights:
                    act = b
                    for wi, xi in zip(w, h):
                        act = act + wi * xi
                    out.append(torch.relu(act) if relu else act)
                h = out
            scores.append(h[0])
        margins = [torch.relu(1 - y * s) for y, s in zip(task.ys, scores)]
        total = sum(margins) / len(margins) + task.alpha * sum(p * p for p in params)
        for p in params:
            p.grad = None
        total.backward()
        lr = task.learning_rate(k)
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return total.item()
    return step


def _torch_vector_stepper(task):
    import torch
    torch.set_num_threads(1)
    from micrograd_lab.harness.training.torch_trainer import TorchTrainer

    return TorchTrainer(task, initial_parameters(task)).step


PYTHON_ENGINES = {
    MICROGRAD: (_micrograd_stepper, "micrograd's own graph: one node per + and *"),
    REFERENCE: (_python_ref_stepper, "fused dot/sum nodes (nn.MLP default)"),
    PYTHON_REF_GC_OFF: (_python_ref_stepper, "the same, cyclic garbage collector disabled"),
    PYTHON_REF_PRIMITIVE: (lambda task: _python_ref_stepper(task, fused=False),
                           "fused=False: micrograd's graph, node for node"),
    TORCH_SCALAR: (_torch_scalar_stepper, "one 0-d float64 tensor per Value"),
    TORCH_VECTOR: (_torch_vector_stepper, "float64 matrices, one per layer"),
}


def time_python_engine(name, task, repeat, steps):
    """Median over the repetitions of (time of `steps` consecutive steps) / steps."""
    make_stepper, note = PYTHON_ENGINES[name]
    row = Row(name, note=note)
    try:
        step = make_stepper(task)
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


def time_lua_runtime(runtime, task, repeat, steps):
    """Median seconds per step, timed inside Lua with the sandbox's clock();
    a full garbage collection runs, untimed, before each call."""
    row = Row(runtime, note=f"clock() inside Lua, {steps} consecutive steps")
    engine = lua_engine(runtime)
    plain = task.to_plain()

    def timed(k):
        engine.run_file(LUA_TRAINER, plain, 0, "collect")
        return engine.run_file(LUA_TRAINER, plain, k, "time")

    answer = timed(1)  # warm-up, and the check of the first loss
    row.first_loss = answer["losses"][0]
    if answer["initial"] != initial_parameters(task):
        row.error = "the Lua network's initial weights differ from python_ref's"
    row.seconds = statistics.median(timed(steps)["seconds"] / steps for _ in range(repeat))
    return row


def time_standalone(binary, task, repeat, steps):
    """The Lua trainer under a system interpreter (standalone.py)."""
    row = Row(f"{binary} (stand-alone)", note=f"{standalone.version(binary)}, os.clock inside Lua, "
                                               f"{steps} steps minus 0 steps")
    try:
        row.seconds, row.first_loss = standalone.time_training(binary, task.to_plain(), steps, repeat)
    except standalone.Failed as exc:
        row.error = str(exc)
    return row


def engine_series(engine, repeat, steps, n_points, lua):
    """The row of one engine, as a generator of dicts for isolated.call."""
    task = moons_task(n_points=n_points)
    try:
        if lua:
            row = time_lua_runtime(engine, task, repeat, steps)
        else:
            row = time_python_engine(engine, task, repeat, steps)
    except Exception as exc:  # a broken engine is a cell in the table, not a crash
        row = Row(engine, error=f"{type(exc).__name__}: {exc}")
    yield asdict(row)


def engines(runtimes=None):
    lua = list(lua_runtimes() if runtimes is None else runtimes)
    lua += [r + JIT_OFF for r in lua if r == "luajit21"]
    return [MICROGRAD, REFERENCE, PYTHON_REF_GC_OFF, PYTHON_REF_PRIMITIVE, *lua,
            TORCH_SCALAR, TORCH_VECTOR], set(lua)


def run(repeat=3, steps=5, runtimes=None, n_points=100, standalone_lua=True):
    """Rows for every engine, micrograd 0.1.0 first, torch vectorized last;
    standalone_lua adds the system's lua5.1, lua5.4 and luajit (standalone.py).
    Each engine runs in a fresh process (isolated.py): a full collection
    scans every object of the process, so an engine measured after torch was
    imported would pay for torch's objects too."""
    names, lua = engines(runtimes)
    rows = []
    for name in names:
        if name == TORCH_SCALAR and standalone_lua:  # after lupa's runtimes, before torch
            task = moons_task(n_points=n_points)
            rows += [time_standalone(b, task, repeat, steps) for b in standalone.available()]
        items, failure = isolated.call("training.engine_series", dict(
            engine=name, repeat=repeat, steps=steps, n_points=n_points, lua=name in lua))
        rows.append(Row(**items[0]) if items else Row(name, error=failure))
    return rows

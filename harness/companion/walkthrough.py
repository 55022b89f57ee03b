"""The lecture in order, as study notes: each section says in a few lines
what the lecture does, and each number it states is a claim computed live
on every engine, checked, and shown beside the figure that draws it.

sections() builds the walkthrough; run_section(section, engines) measures
every claim on every engine and returns ClaimResults.  notes_cli prints them
as tables and writes plots/walkthrough.md (report.py); the tests drive the
same functions.
"""
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Optional

from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.training.task import lecture_task, moons_task

from . import engines, lecture, training
from .expect import Below, Exactly, Near, Prints

# Runtimes whose math.tanh is the C library's, as python_ref's math.tanh
# (measured: their lecture-MLP losses equal python_ref's to the bit).
LIBM_TANH = ("lua51", "lua52", "luajit20", "luajit21")
DRIFT_ULPS = 64
MOONS_STEPS = 100          # micrograd's demo; the outcome claims need it
MICROGRAD_SEED = 1337      # the seed micrograd's notebook gives its weights
# torch.Tensor([6.8813735870195432]) holds float32: the lecture's PyTorch cell
# widens this to float64 with .double()
FLOAT32_BIAS = struct.unpack("f", struct.pack("f", lecture.NEURON_BIAS))[0]


@dataclass(frozen=True)
class Claim:
    text: str                         # what is claimed, in the notes' words
    measure: Callable[[str], float]   # engine name -> the number
    expect: object                    # an expect.* object
    only: Optional[tuple] = None      # engines it applies to (None: all)
    # the number is a distance between engines: torch's depends on its CPU
    # kernels in every digit, so the notes show the bound it keeps instead
    distance: bool = False

    def applies_to(self, engine):
        return self.only is None or engine in self.only


@dataclass(frozen=True)
class Section:
    title: str
    prose: str                        # what the lecture does here, in a few lines
    claims: tuple
    figures: tuple = ()               # (file in plots/, caption)
    remark: str = ""                  # what we found, where the notes are off
    with_torch: bool = False          # torch runs the claims too
    unchecked: str = ""               # claims left out: they need the default options


@dataclass
class ClaimResult:
    claim: Claim
    values: dict = field(default_factory=dict)   # engine -> number (applicable ones)
    passed: dict = field(default_factory=dict)   # engine -> bool

    @property
    def ok(self):
        return bool(self.passed) and all(self.passed.values())


@lru_cache(maxsize=None)
def _evaluate(engine, program):
    return engines.evaluate(engine, program)


def node(program, node_id, what="data"):
    """A measure: the data or grad of one node of a program."""
    index = {"data": 0, "grad": 1}[what]
    return lambda engine: _evaluate(engine, program)[node_id][index]


def stepped_L(rate=0.01):
    """The lecture's one step by hand: each leaf's data += rate * its grad (in
    Python floats, as the lecture writes it), then L again on the engine."""
    def measure(engine):
        start = _evaluate(engine, lecture.L_program())
        moved = {v: start[v][0] + rate * start[v][1] for v in "abcf"}
        return _evaluate(engine, lecture.L_program(**moved))["L"][0]
    return measure


def _max_ulp(a, b):
    return max(ulp_distance(x, y) for x, y in zip(a, b))


def _same_as_reference(task, what):
    def measure(engine):
        return _max_ulp(getattr(training.trained(task, engine), what),
                        getattr(training.trained(task, engines.REFERENCE), what))
    return measure


def _relative_to_reference(task):
    return lambda engine: training.relative_difference(
        training.trained(task, engine).losses, training.trained(task, engines.REFERENCE).losses)


def _float32_bias(engine):
    import torch

    return torch.Tensor([lecture.NEURON_BIAS]).double().item()


def _parity_claims(task, exact_engines):
    """What holds for any number of steps: the engines train alike."""
    bitwise = engines.bitwise_engines()
    drifting = tuple(e for e in bitwise if e not in exact_engines)
    drift = (Claim("per-step losses: max ulp from python_ref's (own tanh)",
                   _same_as_reference(task, "losses"), Below(DRIFT_ULPS), drifting),) if drifting else ()
    return (
        Claim("initial parameters: max ulp from python_ref's",
              _same_as_reference(task, "initial"), Exactly(0), bitwise),
        Claim("per-step losses: max ulp from python_ref's",
              _same_as_reference(task, "losses"), Exactly(0), exact_engines),
    ) + drift + (
        Claim("per-step losses: largest relative difference from python_ref's",
              _relative_to_reference(task), Below(training.TORCH_RELATIVE), (engines.TORCH,),
              distance=True),
    )


def _plain_loss(task):
    """The loss before training, from python_ref's initial parameters by plain
    float arithmetic (training.predict), not by any engine's graph."""
    initial = training.trained(task, engines.REFERENCE).initial
    scores = training.predict(task, initial, task.xs)
    return sum((float(s) - y) ** 2 for s, y in zip(scores, task.ys))


def _outcome_claims(task, loss_bound):
    # losses are recorded before each update, as the lecture's loop prints them
    return (Claim(f"loss at step {task.steps} (before its update)",
                  lambda e: training.trained(task, e).losses[-1],
                  Below(loss_bound)),
            Claim("accuracy (signs right) at the last step",
                  lambda e: training.trained(task, e).accuracies[-1], Exactly(1.0)))


def sections(moons_steps=MOONS_STEPS, lecture_steps=40):
    L = lecture
    f3, fm3, f23 = L.f_program(3.0), L.f_program(-3.0), L.f_program(2 / 3)
    s3_coarse, s3 = L.slope_program(3.0, 0.001), L.slope_program(3.0, 0.00001)
    sm3, s23 = L.slope_program(-3.0, 0.00001), L.slope_program(2 / 3, 0.00001)
    abc = L.abc_program()
    nudges = {w: L.nudge_program(w) for w in "abc"}
    Lp, L_nudge = L.L_program(), L.L_nudge_program()
    neuron, neuron_exp = L.neuron_program(), L.neuron_program(exp_form=True)
    neuron32 = L.neuron_program(b=FLOAT32_BIAS)
    reuse, reuse2, readme, div_pow = (L.reuse_program(), L.reuse2_program(),
                                      L.readme_program(), L.div_as_pow_program())
    moons, mlp = moons_task(moons_steps), lecture_task(lecture_steps)
    tanh_exact = (engines.REFERENCE,) + LIBM_TANH
    every = engines.bitwise_engines()
    torch_only = (engines.TORCH,)
    default_moons = moons_steps == MOONS_STEPS
    return [
        Section(
            "The derivative of a simple function",
            "The lecture starts with f(x) = 3x² − 4x + 5 and estimates its slope by nudging x: "
            "(f(x + h) − f(x))/h. The true slope is f'(x) = 6x − 4: 14 at x = 3, −22 at x = −3, "
            "and 0 at x = 2/3, where f does not respond to a nudge. backward gives that slope; "
            "a nudge gives it up to about 3h, and too small an h drowns it in rounding.",
            (Claim("f(3)", node(f3, "y"), Exactly(20.0)),
             Claim("slope at 3, h = 0.001", node(s3_coarse, "slope"), Prints("%.14g", "14.003000000002")),
             Claim("slope at 3, h = 0.00001", node(s3, "slope"), Exactly(14.00003000000538)),
             Claim("f'(3) by backward", node(f3, "x", "grad"), Exactly(14.0)),
             Claim("slope at −3, h = 0.00001", node(sm3, "slope"), Prints("%.14g", "-21.999970000053")),
             Claim("f'(−3) by backward", node(fm3, "x", "grad"), Exactly(-22.0)),
             Claim("slope at 2/3, h = 0.00001", node(s23, "slope"), Prints("%.14g", "3.0000002482211e-05")),
             Claim("f'(2/3) by backward", node(f23, "x", "grad"), Near(0.0, 1e-15))),
            (("plot0.png", "f and its tangents at 3, −3 and 2/3, with the slopes backward gives."),
             ("fd_slope.png", "The nudged slope against backward's, across x: forward differences "
                              "are off by about h·f''/2, central ones by far less."),
             ("fd_error.png", "How the error of a nudge moves with h: too large an h truncates, "
                              "too small an h rounds.")),
            remark="Mishra's notes print 14.003000000002 for h = 0.00001, but that is what "
                   "h = 0.001 gives (the slope is 14 + 3h); h = 0.00001 gives 14.00003000000538."),
        Section(
            "The expression graph",
            "A Value remembers the values and the op that made it, so an expression becomes a graph. "
            "With a = 2, b = −3, c = 10: d = a·b + c = 4, and nudging each input by h = 0.0001 "
            "shows how d responds: dd/da = b, dd/db = a, dd/dc = 1. Then the lecture grows the "
            "graph to L = (a·b + c)·f with f = −2.",
            (Claim("d", node(abc, "d"), Exactly(4.0)),
             Claim("dd/da by nudging a", node(nudges["a"], "slope"), Prints("%.6f", "-3.000000")),
             Claim("dd/db by nudging b", node(nudges["b"], "slope"), Prints("%.6f", "2.000000")),
             Claim("dd/dc by nudging c", node(nudges["c"], "slope"), Prints("%.6f", "1.000000")),
             Claim("e = a·b", node(Lp, "e"), Exactly(-6.0)),
             Claim("d = e + c", node(Lp, "d"), Exactly(4.0)),
             Claim("L = d·f", node(Lp, "L"), Exactly(-8.0))),
            (("graph_L_before.svg", "L = −8 as a graph, before backward: every grad is 0."),)),
        Section(
            "Backprop by hand",
            "Going backwards from L with the chain rule: dL/dL = 1; a product sends each input "
            "the other input times the gradient (dL/df = d, dL/dd = f); a sum passes the gradient "
            "through unchanged (dL/de = dL/dc = dL/dd). The lecture checks dL/da by nudging a "
            "with h = 0.001, then takes one step: each leaf moves by 0.01 times its gradient, "
            "and L goes up from −8 to −7.286496.",
            tuple(Claim(f"dL/d{v}", node(Lp, v, "grad"), Exactly(g))
                  for v, g in (("f", 4.0), ("d", -2.0), ("e", -2.0), ("c", -2.0),
                               ("a", 6.0), ("b", -4.0)))
            + (Claim("dL/da by nudging a, h = 0.001", node(L_nudge, "slope"),
                     Exactly(6.000000000000227)),
               Claim("L after one step: a, b, c, f each += 0.01 · its grad", stepped_L(),
                     Exactly(-7.286496))),
            (("graph_L_after.svg", "The same graph after backward: every grad filled in."),)),
        Section(
            "A neuron",
            "A neuron sums its weighted inputs and a bias, n = x1·w1 + x2·w2 + b, and squashes "
            f"the sum with tanh: o = tanh(n). The lecture picks b = {lecture.NEURON_BIAS!r} so "
            "that o comes out near 0.7071, and backpropagates through tanh by hand: "
            "do/dn = 1 − o² = 0.5.",
            (Claim("n", node(neuron, "n"), Prints("%.4f", "0.8814")),
             Claim("o", node(neuron, "o"), Prints("%.4f", "0.7071")),
             Claim("do/dn = 1 − o²", node(neuron, "n", "grad"), Prints("%.4f", "0.5000"))),
            (("graph_neuron_before.svg", "The neuron as a graph, before backward."),
             ("activations.png", "tanh and the other activations with their derivatives, "
                                 "and backward's slope at sample points."))),
        Section(
            "backward()",
            "Each op stores how to pass a gradient to its inputs (its _backward); backward() "
            "sorts the graph topologically and calls them from the output down, so nobody "
            "backpropagates by hand any more.",
            tuple(Claim(f"do/d{v}", node(neuron, v, "grad"), Prints("%.4f", g))
                  for v, g in (("x1", "-1.5000"), ("w1", "1.0000"), ("x2", "0.5000"),
                               ("w2", "0.0000"))),
            (("graph_neuron_after.svg", "The neuron after o.backward()."),)),
        Section(
            "The bug with reused nodes",
            "A node used twice gets a gradient from each use, so _backward must add (+=), not "
            "assign (=). With =, b = a + a gives db/da = 1 instead of 2 (micrograd's first "
            "version had this bug).",
            (Claim("b = a + a: db/da", node(reuse, "a", "grad"), Exactly(2.0)),
             Claim("f = (a·b)·(a + b), a = −2, b = 3: df/da", node(reuse2, "a", "grad"), Exactly(-3.0)),
             Claim("f = (a·b)·(a + b): df/db", node(reuse2, "b", "grad"), Exactly(-8.0)))),
        Section(
            "tanh broken into exp",
            "Any composition of ops backpropagates: the lecture spells tanh as "
            "(e − 1)/(e + 1) with e = exp(2n), and builds a / b as a·b⁻¹. The neuron gives "
            "the same numbers.",
            (Claim("o through exp", node(neuron_exp, "o"), Prints("%.4f", "0.7071")),
             Claim("do/dw1 through exp", node(neuron_exp, "w1", "grad"), Prints("%.4f", "1.0000")),
             Claim("y = a·b⁻¹, a = 2, b = 4", node(div_pow, "y"), Exactly(0.5)),
             Claim("dy/db", node(div_pow, "b", "grad"), Exactly(-0.125)))),
        Section(
            "PyTorch",
            "The same neuron in PyTorch, on tensors of float64. The lecture builds b with "
            "torch.Tensor([...]).double(): torch.Tensor makes float32 first, so b loses digits, "
            "and the lecture's printout reads o = 0.7071066904050358 instead of 0.7071067811865476.",
            (Claim("o", node(neuron, "o"), Prints("%.4f", "0.7071")),
             Claim("do/dx1", node(neuron, "x1", "grad"), Prints("%.4f", "-1.5000")),
             Claim("b as torch.Tensor(...).double() keeps it", _float32_bias,
                   Exactly(6.881373405456543), torch_only),
             Claim("o with that b", node(neuron32, "o"), Prints("%.15g", "0.707106690405036")),
             Claim("do/dw1 with that b", node(neuron32, "w1", "grad"), Prints("%.7f", "1.0000003"))),
            with_torch=True),
        Section(
            "The MLP",
            f"A Neuron, a Layer of neurons, and an MLP of layers. The lecture's MLP(3, [4, 4, 1]) "
            f"(tanh everywhere, random biases) on its four samples, with the squared-error loss; "
            f"here its weights come from the lab's shared PRNG (seed {mlp.seed}), so every "
            "engine builds the same network.",
            (Claim("parameters", lambda e: len(training.trained(mlp, e).initial), Exactly(41)),
             _parity_claims(mlp, tanh_exact)[0],
             Claim("loss before training, against plain float arithmetic",
                   lambda e: training.trained(mlp, e).losses[0], Near(_plain_loss(mlp), 1e-12))),
            with_torch=True),
        Section(
            "Training",
            f"Forward, zero the grads, backward, and nudge every parameter against its gradient "
            f"(learning rate {mlp.lr_start}), {mlp.steps} times: the loss goes to almost 0.",
            _outcome_claims(mlp, 0.01) + _parity_claims(mlp, tanh_exact)[1:],
            (("training_lecture_loss.png", "The loss per step on every engine, and the engines "
                                           "whose losses are not python_ref's to the bit."),),
            remark="tanh is the one libm function here. Lua 5.1, 5.2 and both LuaJITs have "
                   "math.tanh, the C library's, and train to the bit like python_ref; Lua 5.3, 5.4 "
                   "and 5.5 dropped math.tanh, the port brings its own, which differs from libm's "
                   "by an ulp at some points, and their losses drift apart by some ulps, growing "
                   "with the steps (the row above gives the most).",
            with_torch=True),
        Section(
            "micrograd's demo: the two moons",
            f"100 points, MLP(2, [16, 16, 1]) with relu, the SVM max-margin loss with 1e-4 L2 and "
            f"learning rate 1.0 − 0.9·k/100, {moons.steps} steps. micrograd's published run ends "
            "at loss 0.011 and 100% accuracy; the lab's data and weights come from its own PRNG, "
            f"seeded {moons.seed} (micrograd's notebook seeds {MICROGRAD_SEED}).",
            (_outcome_claims(moons, 0.05) if default_moons else ())
            + _parity_claims(moons, every),
            (("training_moons_loss.png", "The loss per step on every engine."),
             ("training_moons_boundary.png", "What the network learned: the decision boundary.")),
            remark=f"Drawn from the lab's PRNG, seed {MICROGRAD_SEED}'s weights do not reach 100% "
                   f"accuracy in 100 steps; seed {moons.seed}'s do, which is why the lab seeds "
                   f"{moons.seed} (harness/training/task.py).",
            with_torch=True,
            unchecked="" if default_moons else
            f"The loss below 0.05 and the 100% accuracy need the default {MOONS_STEPS} steps "
            f"(--moons-steps {moons.steps}): not checked here. The figures are make plots' "
            f"drawing of the default {MOONS_STEPS} steps."),
        Section(
            "Check your own port",
            "Your port should print what micrograd's README example prints, 24.7041, 138.8338 "
            "and 645.5773, and agree with python_ref on every fixture: describe it in a small "
            "TOML manifest and run `make check PORT=path/to/port.toml` (docs/check.md). The "
            "figures below draw each fixture with a range on python_ref and every Lua runtime, "
            "with each runtime's distance in ulps: where a port drifts.",
            (Claim("g", node(readme, "g"), Prints("%.4f", "24.7041")),
             Claim("dg/da", node(readme, "a", "grad"), Prints("%.4f", "138.8338")),
             Claim("dg/db", node(readme, "b", "grad"), Prints("%.4f", "645.5773")))),
    ]


def section_engines(section, engine_list=None):
    """The engines of a section: python_ref and the Lua runtimes (and torch)."""
    names = engines.engine_names(torch=section.with_torch) if engine_list is None else engine_list
    if not section.with_torch:
        names = tuple(e for e in names if e != engines.TORCH)
    return tuple(names)


def run_section(section, engine_list=None):
    results = []
    columns = section_engines(section, engine_list)
    for claim in section.claims:
        if not any(claim.applies_to(e) for e in columns):
            continue  # e.g. the Lua-only claims when only python_ref runs
        result = ClaimResult(claim)
        for engine in columns:
            if claim.applies_to(engine):
                value = claim.measure(engine)
                result.values[engine] = value
                result.passed[engine] = claim.expect.check(value)
        results.append(result)
    return results

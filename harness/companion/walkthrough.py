"""The lecture in order: each claim of the notes, computed live on every
engine, checked, and pointed at the figure that shows it.

sections() builds the walkthrough; run_section(section, engines) measures
every claim on every engine and returns ClaimResults.  notes_cli prints them
as tables and writes plots/walkthrough.md; the tests drive the same functions.
"""
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Optional

from harness.judge.compare import ulp_distance
from harness.training.task import lecture_task, moons_task

from . import engines, lecture, training
from .expect import Below, Exactly, Near, Prints


# Runtimes whose math.tanh is the C library's, as python_ref's math.tanh
# (measured: their lecture-MLP losses equal python_ref's to the bit).
LIBM_TANH = ("lua51", "lua52", "luajit20", "luajit21")
DRIFT_ULPS = 64


@dataclass(frozen=True)
class Claim:
    text: str                         # what is claimed, in the notes' words
    measure: Callable[[str], float]   # engine name -> the number
    expect: object                    # an expect.* object
    only: Optional[tuple] = None      # engines it applies to (None: all)

    def applies_to(self, engine):
        return self.only is None or engine in self.only


@dataclass(frozen=True)
class Section:
    title: str
    notes: str                        # what the notes say, and where
    claims: tuple
    figures: tuple = ()               # files in plots/ that show it
    remark: str = ""                  # what we found, when the notes are off
    with_torch: bool = False          # torch gets a column too (training)


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


def _max_ulp(a, b):
    return max(ulp_distance(x, y) for x, y in zip(a, b))


def _same_as_reference(task, what):
    def measure(engine):
        return _max_ulp(getattr(training.trained(task, engine), what),
                        getattr(training.trained(task, engines.REFERENCE), what))
    return measure


def _training_claims(task, loss_bound, exact_engines):
    ref = engines.REFERENCE
    not_torch = tuple(e for e in engines.engine_names() if e != engines.TORCH)
    drifting = tuple(e for e in not_torch if e not in exact_engines)
    drift = (Claim(f"per-step losses within {DRIFT_ULPS} ulps of python_ref's (own tanh)",
                   _same_as_reference(task, "losses"), Below(DRIFT_ULPS), drifting),) if drifting else ()
    return (
        Claim("the initial parameters are python_ref's (max ulp)",
              _same_as_reference(task, "initial"), Exactly(0), not_torch),
        Claim(f"loss after {task.steps} steps",
              lambda e: training.trained(task, e).losses[-1], Below(loss_bound)),
        Claim("accuracy (signs right) at the last step",
              lambda e: training.trained(task, e).accuracies[-1], Exactly(1.0)),
        Claim("per-step losses identical to python_ref's (max ulp)",
              _same_as_reference(task, "losses"), Exactly(0), exact_engines),
        Claim("per-step losses within 1e-9 relative of python_ref's",
              lambda e: training.relative_difference(training.trained(task, e).losses,
                                                     training.trained(task, ref).losses),
              Below(1e-9)),
    ) + drift


def sections(moons_steps=100, lecture_steps=40):
    L = lecture
    f3, s3_coarse, s3 = L.f_program(3.0), L.slope_program(3.0, 0.001), L.slope_program(3.0, 0.00001)
    sm3, s23 = L.slope_program(-3.0, 0.00001), L.slope_program(2 / 3, 0.00001)
    fm3, f23 = L.f_program(-3.0), L.f_program(2 / 3)
    abc = L.abc_program()
    nudges = {w: L.nudge_program(w) for w in "abc"}
    Lp, neuron, neuron_exp = L.L_program(), L.neuron_program(), L.neuron_program(exp_form=True)
    reuse, reuse2, readme = L.reuse_program(), L.reuse2_program(), L.readme_program()
    moons, mlp = moons_task(moons_steps), lecture_task(lecture_steps)
    tanh_exact = (engines.REFERENCE,) + LIBM_TANH
    every = tuple(e for e in engines.engine_names() if e != engines.TORCH)
    return [
        Section("f(x) = 3x**2 - 4x + 5",
                "Mishra's notes: `f(3.0)` gives 20.0; the plot of f over [-5, 5] in steps of 0.25 (plots/plot0.png).",
                (Claim("f(3)", node(f3, "y"), Exactly(20.0)),),
                ("plot0.png",)),
        Section("The slope at x = 3",
                "janf's notes: h = 0.001, x = 3.0, slope = (f(x+h) - f(x))/h, near 14 (f'(x) = 6x - 4). "
                "Mishra's notes: h = 0.00001 and prints 14.003000000002.",
                (Claim("slope with h = 0.001", node(s3_coarse, "slope"), Prints("%.14g", "14.003000000002")),
                 Claim("slope with h = 0.00001", node(s3, "slope"), Exactly(14.00003000000538)),
                 Claim("slope with h = 0.00001, as Lua prints it", node(s3, "slope"), Prints("%.14g", "14.000030000005")),
                 Claim("f'(3) by backward", node(f3, "x", "grad"), Exactly(14.0))),
                ("plot0.png", "fd_error.png"),
                remark="Mishra's notes print 14.003000000002 for h = 0.00001, but that is what h = 0.001 "
                       "gives (the slope is 14 + 3h); h = 0.00001 gives 14.00003000000538. "
                       "The figure fd_error.png shows how the error moves with h: too small an "
                       "h and rounding takes over, as Mishra's notes warn."),
        Section("The slope at x = -3",
                "Mishra's notes (Lua, h = 0.00001): -21.999970000053; f'(-3) = -22.",
                (Claim("slope with h = 0.00001", node(sm3, "slope"), Prints("%.14g", "-21.999970000053")),
                 Claim("f'(-3) by backward", node(fm3, "x", "grad"), Exactly(-22.0))),
                ("plot0.png",)),
        Section("The slope at x = 2/3 goes to 0",
                "Mishra's notes (Lua, h = 0.00001): 3.0000002482211e-05; the function does not respond to a nudge.",
                (Claim("slope with h = 0.00001", node(s23, "slope"), Prints("%.14g", "3.0000002482211e-05")),
                 Claim("f'(2/3) by backward", node(f23, "x", "grad"), Near(0.0, 1e-15))),
                ("plot0.png",)),
        Section("d = a*b + c and its sensitivities",
                "a = 2, b = -3, c = 10 give d = 4; bumping each input by h = 0.0001 shows "
                "dd/da = b = -3, dd/db = a = 2, dd/dc = 1.",
                (Claim("d", node(abc, "d"), Exactly(4.0)),
                 Claim("dd/da by nudging a", node(nudges["a"], "slope"), Prints("%.6f", "-3.000000")),
                 Claim("dd/db by nudging b", node(nudges["b"], "slope"), Prints("%.6f", "2.000000")),
                 Claim("dd/dc by nudging c", node(nudges["c"], "slope"), Prints("%.6f", "1.000000")),
                 Claim("dd/da by backward", node(abc, "a", "grad"), Exactly(-3.0)),
                 Claim("dd/db by backward", node(abc, "b", "grad"), Exactly(2.0)),
                 Claim("dd/dc by backward", node(abc, "c", "grad"), Exactly(1.0)))),
        Section("L = -8 and its gradients",
                "The anonymous forward-and-backward notes: e = a*b = -6, d = e + c = 4, L = d*f = -8; backpropagation by hand gives "
                "dL/df = 4, dL/dd = -2, dL/de = dL/dc = -2, dL/da = 6, dL/db = -4.",
                (Claim("L", node(Lp, "L"), Exactly(-8.0)),)
                + tuple(Claim(f"dL/d{v}", node(Lp, v, "grad"), Exactly(g))
                        for v, g in (("f", 4.0), ("d", -2.0), ("e", -2.0), ("c", -2.0),
                                     ("a", 6.0), ("b", -4.0))),
                ("graph_L_before.svg", "graph_L_after.svg")),
        Section("A neuron: o = tanh(x1*w1 + x2*w2 + b)",
                "The lecture's neuron with b = 6.8813735870195432 gives o = 0.7071; backward gives "
                "dn = 0.5, dx1 = -1.5, dw1 = 1, dx2 = 0.5, dw2 = 0. Spelling tanh with exp gives the same.",
                (Claim("o", node(neuron, "o"), Prints("%.4f", "0.7071")),)
                + tuple(Claim(f"do/d{v}", node(neuron, v, "grad"), Prints("%.4f", g))
                        for v, g in (("n", "0.5000"), ("x1", "-1.5000"), ("w1", "1.0000"),
                                     ("x2", "0.5000"), ("w2", "0.0000")))
                + (Claim("o with tanh spelled (e - 1)/(e + 1), e = exp(2n)", node(neuron_exp, "o"),
                         Prints("%.4f", "0.7071")),
                   Claim("do/dw1 through the exp spelling", node(neuron_exp, "w1", "grad"),
                         Prints("%.4f", "1.0000"))),
                ("graph_neuron_before.svg", "graph_neuron_after.svg", "activations.png")),
        Section("Node reuse: gradients accumulate",
                "b = a + a must give da = 2 (micrograd's first version gave 1: `=` instead of `+=`); "
                "with a = -2, b = 3, f = (a*b)*(a + b): df/da = -3, df/db = -8.",
                (Claim("b = a + a: db/da", node(reuse, "a", "grad"), Exactly(2.0)),
                 Claim("f = (a*b)*(a+b): df/da", node(reuse2, "a", "grad"), Exactly(-3.0)),
                 Claim("f = (a*b)*(a+b): df/db", node(reuse2, "b", "grad"), Exactly(-8.0)))),
        Section("micrograd's README example",
                "The self-study notes, quoting micrograd's README: prints 24.7041, then dg/da 138.8338 and dg/db 645.5773.",
                (Claim("g", node(readme, "g"), Prints("%.4f", "24.7041")),
                 Claim("dg/da", node(readme, "a", "grad"), Prints("%.4f", "138.8338")),
                 Claim("dg/db", node(readme, "b", "grad"), Prints("%.4f", "645.5773")))),
        Section("Training the lecture's MLP(3, [4, 4, 1])",
                f"Four samples, tanh everywhere, squared-error loss, learning rate {mlp.lr_start}, "
                f"{mlp.steps} steps: the loss goes to almost 0.",
                _training_claims(mlp, 0.01, tanh_exact),
                ("training_lecture_loss.png",),
                remark="tanh is the one libm function here. Lua 5.1, 5.2 and both LuaJITs "
                       "have math.tanh, the C library's, and train to the bit like python_ref; "
                       "Lua 5.3, 5.4 and 5.5 dropped math.tanh, the port brings its own, which "
                       "differs from libm's by an ulp at some points, and their losses drift "
                       "by a few ulps: the table shows how many.",
                with_torch=True),
        Section("micrograd's demo: the two moons",
                f"100 points, noise 0.1, MLP(2, [16, 16, 1]) seeded {moons.seed}, SVM max-margin loss "
                f"with 1e-4 L2, learning rate 1.0 - 0.9*k/100, {moons.steps} steps. micrograd's "
                "published run ends at loss 0.011 and 100% accuracy; ours has our own data and "
                "initial weights (the shared PRNG), so our numbers are ours.",
                _training_claims(moons, 0.05, every),
                ("training_moons_loss.png", "training_moons_boundary.png"),
                remark="micrograd's notebook seeds its weights with 1337. Drawn from the shared "
                       "PRNG, seed 1337's weights stall at 92% accuracy (loss 0.165) after the "
                       f"100 steps, so the lab seeds with {moons.seed}. The benchmark times this "
                       "same training step (harness/training).",
                with_torch=True),
    ]


def section_engines(section, engine_list=None):
    """The columns of a section: python_ref and the Lua runtimes (and torch)."""
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

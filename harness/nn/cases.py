"""The lab's nn cases: what a check asks a port's MLP, each a row of the
report tagged nn, chosen by --tags and --fixtures like a fixture.

For each MLP kind (request.KINDS):
* mlp-lecture-KIND: the lecture's MLP(3, [4, 4, 1]) on its four samples,
  squared error, parameters multiples of 1/8 (every first-layer
  pre-activation exact, whatever order a neuron adds its terms in): the loss
  and every parameter's gradient;
* mlp-moons-sgd-KIND: micrograd's demo, MLP(2, [16, 16, 1]) on the first
  MOONS_POINTS of the two moons (harness/training/), max-margin loss with
  L2, python_ref's initial weights from the task's seed: the loss and
  gradients, then SGD_STEPS steps of learning rate 1.0, each judged at the
  parameters the port reached.
"""
import fnmatch
from dataclasses import dataclass
from functools import lru_cache

from micrograd_lab.python_ref import MLP

from ..training.task import LECTURE_XS, LECTURE_YS, moons_task
from .request import KINDS, MlpRequest, activations, max_margin, squared_error

TAG = "nn"
SOURCE = "harness/nn/cases.py"
SGD_STEPS = 3
# The first points of the demo's 100 (make_moons draws them in order): each
# pass is judged at the port's own parameters, and the judge's budgets over
# a graph of 100 rows cost more than the port's run.
MOONS_POINTS = 32
# python_ref's MLP(3, [4, 4, 1]) from this seed, to eighths: no weight is 0 and
# every pre-activation is at least 3% of its terms' sum from 0 (no relu at its
# kink, where ports may differ by convention); 6 of its 41 gradients are 0 in
# the relu MLP (a neuron dead on all four samples).
LECTURE_CASE_SEED = 49


@dataclass(frozen=True)
class MlpCase:
    name: str
    description: str
    request: MlpRequest
    tags: tuple = (TAG,)
    path: str = SOURCE

    @property
    def nodes(self):
        """How many nodes its graph has (a report's size column)."""
        from .reference import equivalent_program
        request = self.request
        return len(equivalent_program(request, request.parameters).node_ids())


def _eighths(values):
    """Each value to the nearest multiple of 1/8 (exact products and sums)."""
    return tuple(round(v * 8) / 8 for v in values)


def lecture_case(kind):
    hidden, last = activations(kind)
    weights = MLP(3, [4, 4, 1], seed=LECTURE_CASE_SEED, random_bias=True).parameter_values()
    loss, output = squared_error(LECTURE_YS)
    return MlpCase(
        f"mlp-lecture-{kind}",
        f"The lecture's MLP(3, [4, 4, 1]) ({hidden} hidden layers, {last} output) on its four "
        "samples, loss sum((out - y)**2), weights multiples of 1/8: the loss and every "
        "parameter's gradient",
        MlpRequest((3, 4, 4, 1), kind, _eighths(weights), LECTURE_XS, loss, output))


def moons_case(kind):
    hidden, last = activations(kind)
    task = moons_task(steps=SGD_STEPS, n_points=MOONS_POINTS)
    weights = MLP(task.nin, list(task.nouts), seed=task.seed).parameter_values()
    loss, output = max_margin(task.ys, len(weights), task.alpha)
    return MlpCase(
        f"mlp-moons-sgd-{kind}",
        f"micrograd's demo MLP(2, [16, 16, 1]) ({hidden} hidden layers, {last} output) on the "
        f"first {len(task.xs)} of its moons points, max-margin loss + {task.alpha:g} * sum(p*p): "
        "the loss and "
        f"every gradient, then {SGD_STEPS} SGD steps of learning rate "
        f"{task.learning_rate(0):g}, each judged at the parameters the port reached",
        MlpRequest((task.nin, *task.nouts), kind, tuple(weights), task.xs, loss, output,
                   steps=SGD_STEPS, learning_rate=task.learning_rate(0)))


@lru_cache(maxsize=1)
def all_cases():
    return tuple(case for kind in KINDS for case in (lecture_case(kind), moons_case(kind)))


def names():
    return tuple(case.name for case in all_cases())


def select(patterns=(), tags=()):
    """The cases a check's filters keep: names or shell patterns (none: all),
    and tags (none: all; else the case's tag must be one)."""
    return tuple(case for case in all_cases()
                 if (not patterns or any(fnmatch.fnmatchcase(case.name, p) for p in patterns))
                 and (not tags or set(case.tags) & set(tags)))

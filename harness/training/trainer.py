"""python_ref training a Task, one full-batch step at a time.

forward() builds the loss graph, learn(total, k) backpropagates and moves
every parameter by the step's learning rate; step(k) is the two, the unit
the benchmark times; scored_step(k) also hands the companion the scores.
The Lua trainer (LUA_TRAINER) builds the same graph node for node, fused dot
neurons and Value.sum for the sums, so the gradients accumulate in the same
order and the two agree to the bit.  fused=False builds micrograd's graph of
primitive + and * instead (the benchmark's "primitive ops" row).
"""
from pathlib import Path

from micrograd_lab.python_ref import MLP, Value

LUA_TRAINER = Path(__file__).parent / "trainer.lua"


class Trainer:
    def __init__(self, task, fused=True):
        self.task = task
        self.model = MLP(task.nin, list(task.nouts), seed=task.seed, nonlin=task.nonlin,
                         last_nonlin=task.last_nonlin, random_bias=task.random_bias, fused=fused)
        self._add_up = Value.sum if fused else sum

    def parameter_values(self):
        return self.model.parameter_values()

    def forward(self):
        """(the loss node, the score node of each sample)."""
        task, model, add_up = self.task, self.model, self._add_up
        scores = [model([Value(v) for v in x]) for x in task.xs]
        if task.loss == "svm":
            margins = [(1 - y * s).relu() for y, s in zip(task.ys, scores)]
            total = add_up(margins) / len(margins) + task.alpha * add_up([p * p for p in model.parameters()])
        else:
            total = add_up([(s - y) ** 2 for y, s in zip(task.ys, scores)])
        return total, scores

    def learn(self, total, k):
        self.model.zero_grad()
        total.backward()
        lr = self.task.learning_rate(k)
        for p in self.model.parameters():
            p.data -= lr * p.grad

    def step(self, k):
        """One training step; the loss before its update."""
        total, _ = self.forward()
        self.learn(total, k)
        return total.data

    def scored_step(self, k):
        """step(k), and the score of each sample (floats) before the update."""
        total, scores = self.forward()
        self.learn(total, k)
        return total.data, [s.data for s in scores]


def signs_right(ys, scores):
    """The fraction of samples whose score has the label's sign."""
    return sum((y > 0) == (s > 0) for y, s in zip(ys, scores)) / len(scores)

"""torch training a Task in float64, one matrix per layer: the practical floor
for these networks, and the independent check of python_ref's trainer.

It starts from python_ref's parameter values (neuron by neuron: w..., b) and
has trainer.Trainer's shape: forward(), learn(total, k), step(k), scored_step(k).  Its sums
run in another order than python_ref's, so its losses agree to about 1e-14
relative, not to the bit.
"""
import torch

ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "linear": lambda t: t}


class TorchTrainer:
    def __init__(self, task, initial):
        self.task = task
        self.layers = []  # (W, b, activation) per layer
        sizes = [task.nin] + list(task.nouts)
        i = 0
        for layer, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
            block = torch.tensor(initial[i:i + nout * (nin + 1)], dtype=torch.float64).reshape(nout, nin + 1)
            i += nout * (nin + 1)
            name = task.last_nonlin if layer == len(sizes) - 2 else task.nonlin
            self.layers.append((block[:, :nin].clone().requires_grad_(),
                                block[:, nin].clone().requires_grad_(), ACTIVATIONS[name]))
        self.X = torch.tensor(task.xs, dtype=torch.float64)
        self.y = torch.tensor(task.ys, dtype=torch.float64)

    def parameter_values(self):
        return [float(v) for W, b, _ in self.layers
                for row_w, row_b in zip(W.tolist(), b.tolist()) for v in row_w + [row_b]]

    def forward(self):
        """(the loss tensor, the score tensor)."""
        h = self.X
        for W, b, act in self.layers:
            h = act(h @ W.T + b)
        scores = h[:, 0]
        if self.task.loss == "svm":
            params = torch.cat([t.reshape(-1) for W, b, _ in self.layers for t in (W, b)])
            total = torch.relu(1 - self.y * scores).mean() + self.task.alpha * (params * params).sum()
        else:
            total = ((scores - self.y) ** 2).sum()
        return total, scores

    def learn(self, total, k):
        for W, b, _ in self.layers:
            W.grad = b.grad = None
        total.backward()
        lr = self.task.learning_rate(k)
        with torch.no_grad():
            for W, b, _ in self.layers:
                W -= lr * W.grad
                b -= lr * b.grad

    def step(self, k):
        total, _ = self.forward()
        self.learn(total, k)
        return total.item()

    def scored_step(self, k):
        total, scores = self.forward()
        self.learn(total, k)
        return total.item(), scores.tolist()

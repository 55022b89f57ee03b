"""What a port's nn is asked, and what it answers.

An MlpRequest asks: build your MLP of `sizes` ([nin, h1, ..., nout]) of
`kind` (its hidden and output activations), set its parameters() to
`parameters` (micrograd's order: layer by layer, neuron by neuron, each
neuron's weights then its bias), run it on every row of `inputs` (Values
made from the numbers), compute the loss, zero_grad, backward; then `steps`
times: p.data -= learning_rate * p.grad for every parameter, and again
forward, zero_grad, backward.  The answer (MlpAnswer): the loss and every
parameter's gradient after each of the steps + 1 backward passes.

The loss is steps in a program's format (harness/program.py) over the
nodes out{i}_{j} (output j of the MLP on row i) and p{k} (parameter k), so a
driver runs it with the same code that runs a program.
"""
from dataclasses import dataclass

from ..ops import OPS
from ..program import Arg, Step

ACTIVATIONS = ("relu", "tanh", "linear")
# The MLP kinds the lab's cases build: micrograd's MLP (relu hidden layers, a
# linear output) and the lecture's (tanh everywhere).  A kind is written
# "HIDDEN-LAST"; a port names those its MLP builds.
KINDS = ("relu-linear", "tanh-tanh")


def activations(kind):
    """("relu", "linear") for "relu-linear"; ValueError for another text."""
    hidden, _, last = kind.partition("-")
    if hidden not in ACTIVATIONS or last not in ACTIVATIONS:
        raise ValueError(f"{kind!r} is not an MLP kind HIDDEN-LAST of {', '.join(ACTIVATIONS)}")
    return hidden, last


def output_node(row, j):
    return f"out{row}_{j}"


def parameter_node(k):
    return f"p{k}"


def parameter_count(sizes):
    return sum((nin + 1) * nout for nin, nout in zip(sizes, sizes[1:]))


def parameter_names(sizes):
    """The parameters in micrograd's order, as messages name them: w{layer}_
    {neuron}_{input} and b{layer}_{neuron} (layers from 1), as the nn
    fixtures do."""
    names = []
    for layer, (nin, nout) in enumerate(zip(sizes, sizes[1:]), 1):
        for n in range(nout):
            names += [f"w{layer}_{n}_{i}" for i in range(nin)] + [f"b{layer}_{n}"]
    return names


@dataclass(frozen=True)
class MlpRequest:
    sizes: tuple            # (nin, h1, ..., nout)
    kind: str               # "relu-linear", "tanh-tanh", ...
    parameters: tuple       # floats, micrograd's parameters() order
    inputs: tuple           # rows of nin floats
    loss: tuple             # Steps over out{i}_{j} and p{k}
    loss_output: str        # the loss node backward() starts from
    steps: int = 0          # SGD steps after the first backward
    learning_rate: float = 0.0

    def __post_init__(self):
        activations(self.kind)
        if len(self.parameters) != parameter_count(self.sizes):
            raise ValueError(f"an MLP of sizes {list(self.sizes)} has "
                             f"{parameter_count(self.sizes)} parameters, not {len(self.parameters)}")
        if any(len(row) != self.sizes[0] for row in self.inputs):
            raise ValueError(f"every row of inputs has {self.sizes[0]} numbers")
        for step in self.loss:
            if step.op not in OPS:
                raise ValueError(f"loss step {step.out}: unknown op {step.op!r}")

    @property
    def activations(self):
        return activations(self.kind)

    def loss_ops(self):
        return {step.op for step in self.loss}

    def to_plain(self):
        """Lists, strings and floats: what a driver and a Lua interpreter read
        (the loss's steps as the protocol writes a program's)."""
        return {
            "sizes": list(self.sizes), "activations": self.kind,
            "parameters": [float(p) for p in self.parameters],
            "inputs": [[float(x) for x in row] for row in self.inputs],
            "loss": {"steps": [[s.out, s.op, [a.value for a in s.args]] for s in self.loss],
                     "output": self.loss_output},
            "steps": int(self.steps), "learning_rate": float(self.learning_rate),
        }


@dataclass(frozen=True)
class MlpAnswer:
    losses: tuple           # steps + 1 floats: the loss before each update
    gradients: tuple        # steps + 1 tuples: every parameter's gradient then

    def check_shape(self, request):
        """Why this answer cannot be one to request, or None."""
        passes = request.steps + 1
        if len(self.losses) != passes or len(self.gradients) != passes:
            return (f"{len(self.losses)} losses and {len(self.gradients)} lists of gradients "
                    f"for {passes} backward passes (steps + 1)")
        count = len(request.parameters)
        for s, grads in enumerate(self.gradients):
            if len(grads) != count:
                return f"gradients[{s}] has {len(grads)} numbers for {count} parameters"
        return None


# -- losses, written as steps ----------------------------------------------------------

def _num(x):
    return Arg.num(x)


def _node(name):
    return Arg.node(name)


def _chain(steps, terms, name):
    """terms added left to right (as Python's sum() after its 0, and micrograd's
    demo), the last sum called name: its node."""
    total = terms[0]
    for n, term in enumerate(terms[1:], 1):
        out = name if n == len(terms) - 1 else f"{name}{n}"
        steps.append(Step(out, "add", (_node(total), _node(term))))
        total = out
    return total


def squared_error(targets):
    """The lecture's loss: sum over rows of (out - y)**2, the square as (out - y) *
    (out - y) (no pow: a port may have pow for number exponents only)."""
    steps = []
    for i, y in enumerate(targets):
        steps += [Step(f"d{i}", "sub", (_node(output_node(i, 0)), _num(y))),
                  Step(f"sq{i}", "mul", (_node(f"d{i}"), _node(f"d{i}")))]
    output = _chain(steps, [f"sq{i}" for i in range(len(targets))], "loss")
    return tuple(steps), output


def max_margin(labels, n_parameters, alpha):
    """micrograd's demo: mean over rows of relu(1 + -y * score), plus alpha * sum
    of p * p over the parameters."""
    steps = []
    for i, y in enumerate(labels):
        steps += [Step(f"t{i}", "mul", (_num(-y), _node(output_node(i, 0)))),
                  Step(f"u{i}", "add", (_num(1.0), _node(f"t{i}"))),
                  Step(f"m{i}", "relu", (_node(f"u{i}"),))]
    margins = _chain(steps, [f"m{i}" for i in range(len(labels))], "margins")
    steps.append(Step("data_loss", "mul", (_node(margins), _num(1.0 / len(labels)))))
    for k in range(n_parameters):
        steps.append(Step(f"q{k}", "mul", (_node(parameter_node(k)), _node(parameter_node(k)))))
    squares = _chain(steps, [f"q{k}" for k in range(n_parameters)], "squares")
    steps += [Step("reg_loss", "mul", (_num(alpha), _node(squares))),
              Step("loss", "add", (_node("data_loss"), _node("reg_loss")))]
    return tuple(steps), "loss"

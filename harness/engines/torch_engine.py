"""torch float64 as a second opinion: every node is a tensor, and
torch.autograd.grad gives the output's gradient with respect to every node,
so every value and every gradient is compared, not only the leaves'.

Each op is its harness.ops entry's torch_apply (the fused sum/dot nodes are
the left-to-right chain of + and *); number constants stay Python floats, as
a student would write them, except on the left of a binary op, where they
become constant tensors as python_ref makes them Values (torch's float /
tensor is reciprocal * float).
"""
import threading

import torch

from ..ops import OPS
from .base import Engine

# torch frees an autograd graph recursively, one C++ frame per node: a chain
# of 100,000 nodes overflows the default 8 MB stack.  Programs that deep are
# evaluated (and their graph freed) on a thread with a bigger stack.
DEEP = 2_000
BIG_STACK = 1 << 30


class TorchEngine(Engine):
    name = "torch"

    def __init__(self, budget=None):
        self.budget = budget
        self.version = "torch"

    def evaluate(self, program, *, integers=False):
        if len(program.steps) < DEEP:
            return self._evaluate(program)
        box = {}

        def run():
            try:
                box["result"] = self._evaluate(program)
            except BaseException as exc:  # handed back to the caller's thread
                box["error"] = exc
        old = threading.stack_size(BIG_STACK)
        try:
            thread = threading.Thread(target=run, name="torch-deep-graph")
            thread.start()
        finally:
            threading.stack_size(old)
        thread.join()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def _evaluate(self, program):
        with torch.enable_grad():
            nodes = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
                     for name, value in program.inputs}
            for step in program.steps:
                args = step.resolve(nodes.__getitem__)
                op = OPS[step.op]
                if op.kind == "binary" and step.args[0].kind == "num":
                    # python_ref makes `2 / x` Value(2) / x; torch's float / tensor
                    # would be reciprocal(x) * 2, another rounding (and 0/tiny: nan grad)
                    args[0] = torch.tensor(args[0], dtype=torch.float64)
                out = op.torch_apply(*op.split(args))
                if not isinstance(out, torch.Tensor) or not out.requires_grad:
                    # only constants went in: a leaf of its own
                    out = torch.tensor(float(out), dtype=torch.float64, requires_grad=True)
                nodes[step.out] = out
            ids = program.node_ids()
            tensors = [nodes[name] for name in ids]
            # d output / d every node at once: what retain_grad() on each node
            # and backward() give, without a hook per node (a third faster)
            grads = torch.autograd.grad(nodes[program.output], tensors, allow_unused=True)
        # one .item() per 0-d tensor, cheaper than stacking them first; no
        # gradient flowed to a node (None): d output / d node is 0
        item = torch.Tensor.item
        data = list(map(item, tensors))
        grads = [0.0 if g is None else item(g) for g in grads]
        tensors.clear()
        nodes.clear()   # the graph goes here, on this thread's stack
        return dict(zip(ids, zip(data, grads)))

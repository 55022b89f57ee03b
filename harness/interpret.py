"""Run a Program on python_ref through its public API.

lua_port/interpret.lua is the same loop in Lua; the torch backend has its
own (it must ask torch to keep the gradients of intermediate nodes).
"""
from micrograd_lab.python_ref.engine import Value

from .ops import OPS


def forward(program, value_class=Value):
    """Forward only: {node id: Value} (finite differences need no backward)."""
    nodes = {name: value_class(value, label=name) for name, value in program.inputs}
    for step in program.steps:
        op = OPS[step.op]
        out = op.apply(*op.split(step.resolve(nodes.__getitem__)))
        out.label = step.out
        nodes[step.out] = out
    return nodes


def interpret(program, value_class=Value):
    """Forward and backward; returns {node id: (data, grad)} in program order.
    value_class: another engine's Value with the same API (the fuzzer's tests
    run a copy of the engine with a planted bug through this same loop)."""
    nodes = forward(program, value_class)
    nodes[program.output].backward()
    return {name: (nodes[name].data, nodes[name].grad) for name in program.node_ids()}

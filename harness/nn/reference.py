"""python_ref's nn on an MlpRequest, and the same computation as a Program.

reference_pass(request, parameters) is one pass of the request's loop on
python_ref's own MLP (python_ref/nn.py): the loss and every parameter's
gradient at those parameters.  equivalent_program(request, parameters) is
that graph node for node as a Program (a neuron is one fused `dot` node and
its activation, as python_ref's fused MLP builds it), so the judge's budgets
(harness.judge.tolerances.node_budgets) carry an engine's deviations
through it, as they do through a fixture.
"""
from functools import lru_cache

from micrograd_lab.python_ref import MLP, Value

from ..interpret import interpret
from ..ops import OPS
from ..program import Arg, Program, Step
from .request import output_node, parameter_names, parameter_node


def _outputs(result):
    return list(result) if isinstance(result, list) else [result]


def run_loss(request, outputs, parameters):
    """The loss node, its steps run on python_ref Values: outputs[i][j] is
    out{i}_{j}, parameters[k] is p{k}."""
    nodes = {output_node(i, j): v for i, row in enumerate(outputs) for j, v in enumerate(row)}
    nodes.update((parameter_node(k), p) for k, p in enumerate(parameters))
    for step in request.loss:
        op = OPS[step.op]
        nodes[step.out] = op.apply(*op.split(step.resolve(nodes.__getitem__)))
    return nodes[request.loss_output]


@lru_cache(maxsize=64)
def reference_pass(request, parameters):
    """(the loss, every parameter's gradient) of python_ref's MLP with these
    parameters: forward on every row, zero_grad, backward."""
    hidden, last = request.activations
    model = MLP(request.sizes[0], list(request.sizes[1:]), nonlin=hidden, last_nonlin=last)
    model.load_parameter_values(parameters)
    outputs = [_outputs(model([Value(x) for x in row])) for row in request.inputs]
    loss = run_loss(request, outputs, model.parameters())
    model.zero_grad()
    loss.backward()
    return loss.data, tuple(p.grad for p in model.parameters())


@lru_cache(maxsize=16)
def _structure(request):
    """(parameter names, the rows' input leaves, every step) of
    equivalent_program: the same at any parameters."""
    names = parameter_names(request.sizes)
    rows = tuple((f"x{i}_{j}", x) for i, row in enumerate(request.inputs) for j, x in enumerate(row))
    hidden, last = request.activations
    layers = list(zip(request.sizes, request.sizes[1:]))
    steps = []
    for i in range(len(request.inputs)):
        previous = [f"x{i}_{j}" for j in range(request.sizes[0])]
        k = 0
        for layer, (nin, nout) in enumerate(layers, 1):
            kind = last if layer == len(layers) else hidden
            made = []
            for n in range(nout):
                ws, bias = names[k:k + nin], names[k + nin]
                k += nin + 1
                out = output_node(i, n) if layer == len(layers) else f"h{layer}_{n}.{i}"
                text = f"row {i}, layer {layer}, neuron {n}"
                pre = out if kind == "linear" else f"a{layer}_{n}.{i}"
                steps.append(Step(pre, "dot", tuple(map(Arg.node, [bias, *ws, *previous])),
                                  text=f"{text}: b + w . x"))
                if kind != "linear":
                    steps.append(Step(out, kind, (Arg.node(pre),), text=f"{text}: {kind}"))
                made.append(out)
            previous = made
    rename = {parameter_node(k): name for k, name in enumerate(names)}
    for step in request.loss:
        args = tuple(Arg.node(rename.get(a.value, a.value)) if a.kind == "node" else a
                     for a in step.args)
        steps.append(Step(step.out, step.op, args,
                          text="the loss" if step.out == request.loss_output else ""))
    return tuple(names), rows, tuple(steps)


def equivalent_program(request, parameters):
    """The Program python_ref's MLP builds for the request at these
    parameters: the parameters (named w{l}_{n}_{i}, b{l}_{n}) and every row's
    inputs (x{i}_{j}) as leaves, each neuron a dot node and its activation,
    the loss's steps last."""
    names, rows, steps = _structure(request)
    return Program(inputs=tuple(zip(names, parameters)) + rows, steps=steps,
                   output=request.loss_output)


def judged_program(request, parameters):
    """What a port answers of equivalent_program: the parameters and the
    loss node (its op and text for messages), without the graph between."""
    names, _, steps = _structure(request)
    loss = next(s for s in steps if s.out == request.loss_output)
    return Program(inputs=tuple(zip(names, parameters)), steps=(loss,), output=loss.out,
                   leaf="parameter")


def equivalent_evaluation(request, parameters):
    """(equivalent_program, python_ref's values of its every node): what the
    budgets are derived from."""
    program = equivalent_program(request, parameters)
    return program, interpret(program)

"""parameter-order: the MLP's parameters() lists its parameters in another
order than micrograd's (layer by layer, neuron by neuron, its weights then
its bias), so the check sets each to another's value.  Shown by an nn row
whose loss and every gradient, before any SGD step, are python_ref's for
the row's parameters put in that other order: each neuron's bias first, or
a layer's weights first and then its biases."""
from ..judge.verdict import FAIL
from ..nn.reference import reference_pass
from .common import Bug, Evidence
from .nn_kind import first_pass_is, fits_the_row

BUGS = [Bug("parameter-order", "parameters() in another order than micrograd's",
            "parameters() must list them as micrograd does: layer by layer, neuron by neuron, "
            "each neuron's weights and then its bias (the check sets the values, and reads "
            "the gradients, in that order)", 22.3, "parameter-order",
            ("mlp-lecture-tanh-tanh",))]


def _neurons(sizes):
    """(first parameter, inputs) of each neuron, in micrograd's order."""
    first = 0
    for nin, nout in zip(sizes, sizes[1:]):
        layer = []
        for _ in range(nout):
            layer.append((first, nin))
            first += nin + 1
        yield layer


def orders(sizes):
    """{what the port does: its parameters() as micrograd's indices}."""
    bias_first, layer_biases_last = [], []
    for layer in _neurons(sizes):
        for first, nin in layer:
            bias_first += [first + nin] + [first + i for i in range(nin)]
        layer_biases_last += [first + i for first, nin in layer for i in range(nin)]
        layer_biases_last += [first + nin for first, nin in layer]
    return {"each neuron's bias before its weights": bias_first,
            "each layer's weights, then its biases": layer_biases_last}


def examine_nn(case, answer, cell, engine):
    request = case.request
    if cell.status != FAIL or not answer.losses or fits_the_row(request, answer):
        return []
    for what, order in orders(request.sizes).items():
        values = [0.0] * len(order)
        for k, index in enumerate(order):   # the check set the port's k-th to parameters[k]
            values[index] = request.parameters[k]
        loss, grads = reference_pass(request, tuple(values))
        if first_pass_is(answer, loss, [grads[index] for index in order]):   # in the port's order
            return [Evidence("parameter-order", engine, case.name, "loss",
                             f"its loss {answer.losses[0]!r} and every gradient are python_ref's "
                             f"with parameters() in this order: {what}")]
    return []

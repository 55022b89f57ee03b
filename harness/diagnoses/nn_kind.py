"""nn-kind: the port's MLP builds another kind than the nn row asks (the
lecture's tanh everywhere where the row is micrograd's relu-linear, or a
relu on the output layer too).  Shown by an nn row whose loss and every
gradient, before any SGD step, are python_ref's for that other kind at the
row's own parameters."""
from dataclasses import replace

from ..judge.verdict import FAIL
from ..nn.reference import reference_pass
from ..nn.request import ACTIVATIONS
from .common import Bug, Evidence, near

BUGS = [Bug("nn-kind", "the MLP builds another kind than the row asks",
            "the MLP's activations are not the row's: declare the kinds your MLP builds "
            "(--nn-kinds tanh-tanh to a driver, kinds = [\"tanh-tanh\"] under [nn] in a Lua "
            "manifest: the lecture's MLP is tanh everywhere, micrograd's relu-linear); where it "
            "should build the row's kind, its layers pick the wrong activation (micrograd's "
            "last layer is linear: nonlin=i != len(nouts) - 1)", 22.4, "nn-kind",
            ("mlp-lecture-relu-linear",))]


def first_pass_is(answer, loss, gradients):
    """Are the answer's loss and gradients before any SGD step these?"""
    return near(answer.losses[0], loss, abs(loss)) and \
        all(near(g, w, abs(w)) for g, w in zip(answer.gradients[0], gradients))


def _kind_it_builds(request, answer):
    """The kind (HIDDEN-LAST) other than the request's whose python_ref MLP
    gives the answer's first pass at the request's parameters, or None."""
    for kind in (f"{hidden}-{last}" for hidden in ACTIVATIONS for last in ACTIVATIONS):
        if kind == request.kind:
            continue
        want_loss, want = reference_pass(replace(request, kind=kind), tuple(request.parameters))
        if first_pass_is(answer, want_loss, want):
            return kind, want_loss
    return None


def fits_the_row(request, answer):
    """Is the answer's first pass python_ref's for the row as it is?  Then
    another kind or order that gives the same says nothing (relu-relu is
    relu-linear where the output is positive; the cell fails later, for
    another bug)."""
    return first_pass_is(answer, *reference_pass(request, tuple(request.parameters)))


def examine_nn(case, answer, cell, engine):
    if cell.status != FAIL or not answer.losses or fits_the_row(case.request, answer):
        return []
    found = _kind_it_builds(case.request, answer)
    if found is None:
        return []
    kind, want = found
    return [Evidence("nn-kind", engine, case.name, "loss",
                     f"the row asks a {case.request.kind} MLP; the port's loss {answer.losses[0]!r} "
                     f"and every gradient are python_ref's {kind} MLP's ({want!r}) at the same "
                     "parameters")]

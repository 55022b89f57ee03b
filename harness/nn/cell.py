"""One nn case on one engine: the verdict, as a cell of the case's row.

The engine's MLP answers the request (Engine.mlp); each of its backward
passes is judged at the parameters the port had then: the request's at
first, then after each SGD step the ones the port's own gradients moved it
to (p - learning_rate * grad, the update every driver makes in doubles).  A
pass judged at the port's own parameters says where the port went wrong
(a gradient, its zero_grad, parameters() that are not the model's), where
comparing whole trajectories would only say that they drifted apart.
"""
from dataclasses import replace
from functools import lru_cache

from ..judge.mlp import judge_pass, mlp_budgets
from ..judge.verdict import FAIL, UNSUPPORTED, Cell, worse
from .reference import equivalent_evaluation, judged_program, reference_pass
from .request import parameter_names


def kind_cell(engine, request):
    """The UNSUPPORTED cell of an engine whose nn does not build the
    request's kind of MLP, or None."""
    kinds = engine.nn_kinds()
    if not kinds:
        return Cell(UNSUPPORTED, message="the port has no nn (no MLP: docs/protocol.md, "
                                         "\"The nn half\")")
    if request.kind not in kinds:
        return Cell(UNSUPPORTED, message=f"the port's MLP is {', '.join(kinds)}, not "
                                         f"{request.kind}")
    return None


def _placed(mismatch, names, step):
    """A mismatch named as a student reads it: the parameter's place in
    parameters(), the SGD step it came after."""
    if mismatch is None:
        return None
    after = f", after {step} SGD step{'s' if step > 1 else ''}" if step else ""
    node = mismatch.node + (f"@step{step}" if step else "")
    if mismatch.node in names:
        return replace(mismatch, node=node, op="parameter",
                       text=f"parameters()[{names.index(mismatch.node)}]{after}")
    return replace(mismatch, node=node, op="loss", text=f"the loss{after}")


@lru_cache(maxsize=32)
def _budgets(budget, request, parameters):
    """mlp_budgets at these parameters: every runtime of a port that moved
    the same way asks for the same."""
    return mlp_budgets(budget, *equivalent_evaluation(request, parameters))


def judge_answer(budget, request, answer):
    """The Cell of an MlpAnswer: every pass judged up to the first FAIL; the
    worst of them shown."""
    names = parameter_names(request.sizes)
    parameters = tuple(request.parameters)
    cells = []
    for step in range(request.steps + 1):
        if step:
            parameters = tuple(p - request.learning_rate * g
                               for p, g in zip(parameters, answer.gradients[step - 1]))
        loss, grads = reference_pass(request, parameters)
        reference = {request.loss_output: (loss, None), **dict(zip(names, zip(parameters, grads)))}
        candidate = {request.loss_output: (answer.losses[step], None),
                     **dict(zip(names, zip(parameters, answer.gradients[step])))}
        at = parameters
        cell = judge_pass(judged_program(request, at), reference, candidate,
                          lambda: _budgets(budget, request, at))
        cell = replace(cell, worst=_placed(cell.worst, names, step),
                       first_fail=_placed(cell.first_fail, names, step),
                       unresolved=_placed(cell.unresolved, names, step))
        cells.append(cell)
        if cell.status == FAIL:   # the passes after it start from where it went wrong
            break
    return replace(worse(cells), compared=sum(c.compared for c in cells))

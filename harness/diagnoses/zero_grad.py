"""zero-grad: gradients not zeroed between SGD steps for some parameters (a
zero_grad that skips the biases, or none at all), so theirs add up from
step to step.  Shown by the nn rows: after an SGD step, every parameter
that is off has python_ref's gradient at the port's own parameters plus
the port's gradient of the step before."""
from ..judge.verdict import FAIL
from ..nn.reference import reference_pass
from ..nn.request import parameter_names
from .common import Bug, Evidence, near

BUGS = [Bug("zero-grad", "gradients not zeroed between SGD steps",
            "the gradients of some parameters (or all) are not set to 0 before each backward, "
            "so every step adds the new gradient to the old one: zero_grad must reach every "
            "parameter that parameters() gives, the biases too, and run before each backward",
            22.5, "zero-grad", ("mlp-moons-sgd-relu-linear",), shown_on="lua54")]


def examine_nn(case, answer, cell, engine):
    request = case.request
    if cell.status != FAIL:
        return []
    names = parameter_names(request.sizes)
    parameters = tuple(request.parameters)
    for step in range(1, request.steps + 1):
        before = answer.gradients[step - 1]
        parameters = tuple(p - request.learning_rate * g for p, g in zip(parameters, before))
        _, want = reference_pass(request, parameters)
        got = answer.gradients[step]
        off = [i for i, (g, w) in enumerate(zip(got, want)) if not near(g, w, abs(w))]
        if not off:
            continue
        if not all(before[i] != 0 and near(got[i], want[i] + before[i], abs(want[i]) + abs(before[i]))
                   for i in off):
            return []   # off another way: not this bug
        skipped = ", ".join(names[i] for i in off[:4]) + (", ..." if len(off) > 4 else "")
        i = off[0]
        return [Evidence("zero-grad", engine, case.name, f"{names[i]}@step{step}",
                         f"after {step} SGD step{'s' if step > 1 else ''}, {len(off)} of "
                         f"{len(names)} parameters ({skipped}) have python_ref's gradient plus "
                         f"their own of the step before: parameters()[{i}] {got[i]!r} = "
                         f"{want[i]!r} + {before[i]!r}")]
    return []

"""no-seed: backward never sets the output's own gradient to 1 before it
walks the nodes (`self.grad = 1.0` left out); steps-never-run: it seeds
the output and runs no node's step (`node._backward` without its ()), or
seeds it after the walk.  Every backward step multiplies by its node's
gradient, so from an output at 0 every gradient of the graph stays 0;
with no step run, every gradient but the output's is 0.

Shown by a cell whose forward is python_ref's bit for bit, whose output's
gradient is 0 where python_ref's is 1, and whose every gradient is 0.  A
backward that never runs its steps at all, or one that zeroes the gradients
after it ran, reads the same: the advice names them too, and no other
diagnosis speaks there (the walks and the derivatives all start from 1).
The backward-twice probe shows it as L = a * a with L.grad and a.grad 0
(an op without a backward leaves L.grad at 1)."""
from ..judge.verdict import FAIL
from .common import Bug, Evidence
from .simulate import as_evaluated, forward_agrees
from .structural import SILENT_OPS_MAX
from .wording import DEFAULT, JAVASCRIPT, LUA, PYTHON

_AFTER = ("before it walks the nodes in reverse topological order: every step multiplies by "
          "its node's gradient, so from an output at 0 every gradient is 0 (a backward that "
          "never runs its steps, or one that zeroes the gradients after them, reads the same: "
          "leave the gradients as backward made them)")
BUGS = [Bug("no-seed", "the output's gradient is 0 after backward (no seed of 1)",
            {LUA: f"backward must set the output's own gradient to 1 (self.grad = 1.0) {_AFTER}",
             PYTHON: f"backward must set the output's own gradient to 1 (self.grad = 1.0) "
                     f"{_AFTER}",
             JAVASCRIPT: f"backward must set the output's own gradient to 1 (this.grad = 1) "
                         f"{_AFTER}",
             DEFAULT: f"backward must set the output's own gradient to 1.0 (its grad field, on "
                      f"the node backward is called on) {_AFTER}"},
            3.5, "no-seed", ("lecture-d-abc",)),
        Bug("steps-never-run", "backward never runs the nodes' steps",
            {PYTHON: "backward seeds the output's gradient with 1 and then must call each node's "
                     "step, in reverse topological order: `node._backward` without its () "
                     "calls nothing (and a seed set after the walk reads the same)",
             JAVASCRIPT: "backward seeds the output's gradient with 1 and then must call each "
                         "node's step, in reverse topological order: `node._backward` without "
                         "its () calls nothing (and a seed set after the walk reads the same)",
             DEFAULT: "backward seeds the output's gradient with 1 and then must run each node's "
                      "step, in reverse topological order: here no step ran, or the seed came "
                      "after them"},
            3.6, "steps-never-run", ("lecture-neuron-exp",))]


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    return (_unseeded(fixture, evaluated, reference, evaluation, cell, engine)
            or _steps_never_run(fixture, evaluated, reference, evaluation, cell, engine))


def _unseeded(fixture, evaluated, reference, evaluation, cell, engine):
    """The output's gradient 0 where python_ref's is 1, every gradient 0,
    and the forward exact (a forward that is off explains the cell)."""
    if cell.status != FAIL or evaluation is None:
        return []
    program, reference = as_evaluated(evaluated, fixture.program, reference)
    output, nodes = program.output, program.node_ids()
    if evaluation[output][1] != 0 or reference[output][1] != 1:
        return []
    if any(evaluation[n][1] != 0 for n in nodes) or \
            not forward_agrees(program, reference, evaluation):
        return []
    return [Evidence("no-seed", engine, fixture.name, output,
                     f"the output's gradient is {evaluation[output][1]!r} after backward, "
                     f"python_ref 1.0, and so is every gradient of the fixture "
                     f"({len(nodes)} nodes); the forward is exact")]


def from_probes(engine, probes):
    """The backward-twice probe's L = a * a with no gradient at all (L's own
    at 0 too: an op without a backward leaves it at 1)."""
    probe = probes.get("backward-twice")
    if not (probe and probe.details.get("behaviour") == "no gradient"):
        return []
    return [Evidence("no-seed", engine, "probe backward-twice", "L",
                     "L = a * a at a = 3: after two backward calls L.grad and a.grad are 0.0 "
                     "(micrograd and torch: L.grad 1.0, a.grad 12.0)")]


def _steps_never_run(fixture, evaluated, reference, evaluation, cell, engine):
    """The output's gradient 1, every other gradient 0 where python_ref's
    are not, the forward exact, on a fixture of more ops than the structural
    diagnosis lets go without a backward together (one op without a backward
    gives this on a fixture of that op alone).  A cell whose other gradients
    are right and not all 0 is evidence against it: a port without add's
    backward reads so on every fixture whose output is an add, and passes
    the others."""
    if evaluation is None:
        return []
    if cell.status != FAIL:   # every cell that passes comes here: the fixture's own nodes only
        output = fixture.program.output
        if any(node != output and want != 0 and evaluation[node][1] == want
               for node, (_, want) in reference.items()):
            return [Evidence("steps-never-run", engine, fixture.name, "", "a step ran",
                             against=True)]
        return []
    program, reference = as_evaluated(evaluated, fixture.program, reference)
    output, nodes = program.output, program.node_ids()
    others = [n for n in nodes if n != output]
    if len({step.op for step in program.steps}) <= SILENT_OPS_MAX or \
            evaluation[output][1] != 1 or reference[output][1] != 1 or \
            any(evaluation[n][1] != 0 for n in others) or \
            all(reference[n][1] == 0 for n in others) or \
            not forward_agrees(program, reference, evaluation):
        return []
    return [Evidence("steps-never-run", engine, fixture.name, output,
                     f"the output's gradient is 1.0 and every other of its {len(nodes)} nodes' "
                     "is 0.0, the forward exact: no step of backward ran")]


"""no-seed: backward never sets the output's own gradient to 1 before it
walks the nodes (`self.grad = 1.0` left out).  Every backward step
multiplies by its node's gradient, so from an output at 0 every gradient
of the graph stays 0.

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
            3.5, "no-seed", ("lecture-d-abc",))]


def examine(fixture, evaluated, reference, evaluation, cell, engine):
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

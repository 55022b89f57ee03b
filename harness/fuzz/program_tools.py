"""Small rewrites of a Program the fuzzer uses to tidy a shrunk failure."""
from micrograd_lab.harness.program import Arg, Program, Step


def without_dead_nodes(program):
    """The program without the inputs and steps the output does not depend on
    (they can only add noise to a found case)."""
    by_id = program.step_by_id()
    live, todo = set(), [program.output]
    while todo:
        node = todo.pop()
        if node in live:
            continue
        live.add(node)
        if node in by_id:
            todo.extend(a.value for a in by_id[node].args if a.kind == "node")
    return Program(tuple((n, v) for n, v in program.inputs if n in live),
                   tuple(s for s in program.steps if s.out in live), program.output)


def renumbered(program):
    """Inputs named x1, x2, ... and steps n1, n2, ... in program order."""
    names = {name: f"x{i}" for i, (name, _) in enumerate(program.inputs, 1)}
    names.update({s.out: f"n{i}" for i, s in enumerate(program.steps, 1)})

    def arg(a):
        return Arg.node(names[a.value]) if a.kind == "node" else a
    return Program(tuple((names[n], v) for n, v in program.inputs),
                   tuple(Step(names[s.out], s.op, tuple(arg(a) for a in s.args), s.line, s.text)
                         for s in program.steps),
                   names[program.output])

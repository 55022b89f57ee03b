"""Write a lecture example once, as Python arithmetic, and get a Program.

The walkthrough runs every claim on every engine through the same op list
(harness.program.Program): python_ref through harness.interpret, each Lua
runtime through LuaEngine.evaluate.  A Node records the op it was made by;
`name()` gives it the label the lecture uses (a, b, e, d, L), the rest get
numbered ids.
"""
from micrograd_lab.harness.ops import OPS
from micrograd_lab.harness.program import Arg, Program, Step


class Tape:
    def __init__(self):
        self.inputs = []
        self.steps = []
        self._count = 0

    def input(self, name, value):
        self.inputs.append((name, float(value)))
        return Node(self, name)

    def _record(self, op, args):
        self._count += 1
        out = f"_t{self._count}"
        plain = tuple(Arg.node(a.id) if isinstance(a, Node) else Arg.num(a) for a in args)
        self.steps.append(Step(out, op, plain))
        return Node(self, out)

    def rename(self, old, new):
        if any(name == new for name, _ in self.inputs) or any(s.out == new for s in self.steps):
            raise ValueError(f"node id {new!r} is already used")
        self.steps = [Step(new if s.out == old else s.out, s.op,
                           tuple(Arg.node(new) if a.kind == "node" and a.value == old else a
                                 for a in s.args))
                      for s in self.steps]

    def program(self, output):
        return Program(tuple(self.inputs), tuple(self.steps), output.id)


def _recorder(name, reflected=False):
    """A Node method recording op `name` (reflected: `other op self`, e.g. 2 * x)."""
    if reflected:
        return lambda self, other: self.tape._record(name, (other, self))
    return lambda self, *other: self.tape._record(name, (self, *other))


def _registry_ops(cls):
    """Every unary and binary op of harness.ops under its Value method name
    (x.relu(), -x, x + y and 2 * x), so lecture code runs on Nodes as written."""
    for op in OPS.values():
        if op.kind in ("unary", "binary"):
            setattr(cls, op.method, _recorder(op.name))
        if op.kind == "binary":
            setattr(cls, op.method.replace("__", "__r", 1), _recorder(op.name, reflected=True))
    return cls


@_registry_ops
class Node:
    def __init__(self, tape, node_id):
        self.tape = tape
        self.id = node_id

    def name(self, label):
        """Give this node the lecture's label (only a node made by an op)."""
        self.tape.rename(self.id, label)
        self.id = label
        return self


def trace(fn, **inputs):
    """Program of fn(**input nodes); fn returns the output node."""
    tape = Tape()
    nodes = {name: tape.input(name, value) for name, value in inputs.items()}
    return tape.program(fn(**nodes))

"""Write a lecture example once, as Python arithmetic, and get a Program.

The walkthrough runs every claim on every engine through the same op list
(harness.program.Program): python_ref through harness.interpret, each Lua
runtime through LuaEngine.evaluate.  A Node records the op it was made by;
`name()` gives it the label the lecture uses (a, b, e, d, L), the rest get
numbered ids.
"""
from harness.program import Arg, Program, Step


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


class Node:
    def __init__(self, tape, node_id):
        self.tape = tape
        self.id = node_id

    def name(self, label):
        """Give this node the lecture's label (only a node made by an op)."""
        self.tape.rename(self.id, label)
        self.id = label
        return self

    def _op(self, op, *args):
        return self.tape._record(op, (self,) + args)

    def __add__(self, o): return self._op("add", o)
    def __sub__(self, o): return self._op("sub", o)
    def __mul__(self, o): return self._op("mul", o)
    def __truediv__(self, o): return self._op("div", o)
    def __pow__(self, o): return self._op("pow", o)
    def __neg__(self): return self._op("neg")
    def __radd__(self, o): return self.tape._record("add", (o, self))
    def __rsub__(self, o): return self.tape._record("sub", (o, self))
    def __rmul__(self, o): return self.tape._record("mul", (o, self))
    def __rtruediv__(self, o): return self.tape._record("div", (o, self))
    def __rpow__(self, o): return self.tape._record("pow", (o, self))
    def relu(self): return self._op("relu")
    def tanh(self): return self._op("tanh")
    def exp(self): return self._op("exp")
    def log(self): return self._op("log")
    def sigmoid(self): return self._op("sigmoid")


def trace(fn, **inputs):
    """Program of fn(**input nodes); fn returns the output node."""
    tape = Tape()
    nodes = {name: tape.input(name, value) for name, value in inputs.items()}
    return tape.program(fn(**nodes))

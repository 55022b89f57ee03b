"""The op list every backend interprets: the parser's output, the fuzzer's
output, and what crosses to Lua (as plain lists, see to_plain).

A program is a list of inputs (leaf Values) and a list of steps in order.
Every node has a unique id: the name it is assigned to, and for a name
assigned again (`c = c + 1`) the id of the n-th assignment is `c#n`.
An argument is either a node id or a number constant.

The arguments of a step are one flat list; an n-ary op's entry in
harness.ops says how it reads them (its layout: sum's start and terms, dot's
start, weights and inputs).
"""
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

# An engine runs a program as written (FLOATS), or, where its language has an
# integer type whose arithmetic wraps (Lua 5.3+), also with the program's
# integral numbers as integers (INTEGERS), as a user writing Value(3) gives them.
FLOATS, INTEGERS = "floats", "integers"


# Arg and Step are named tuples, not frozen dataclasses: the corpus builds
# half a million of them on every load, and a frozen dataclass's __init__
# costs several times a tuple's (a fifth of the corpus's parse).
class Arg(NamedTuple):
    kind: str        # "node" or "num"
    value: object    # a node id (str) or a float

    @staticmethod
    def node(node_id):
        return Arg("node", node_id)

    @staticmethod
    def num(x):
        return Arg("num", float(x))


class Step(NamedTuple):
    out: str          # the id of the node this step makes
    op: str           # a name from harness.ops.OPS
    args: tuple       # of Arg
    line: int = 0     # where the fixture program says it (for messages)
    text: str = ""    # the source text of the assignment

    def resolve(self, lookup):
        """The arguments as values: lookup(node id) for a node, the number
        itself for a constant (lookup: e.g. a dict's __getitem__)."""
        return [lookup(a.value) if a.kind == "node" else a.value for a in self.args]


@dataclass(frozen=True)
class Program:
    inputs: tuple     # of (node id, float)
    steps: tuple      # of Step
    output: str       # the node backward() starts from
    leaf: str = "input"   # what messages call an input: an nn row's are the MLP's parameters

    def node_ids(self):
        """Every node in program order: inputs first, then each step."""
        return list(self._node_ids)

    def step_by_id(self):
        return dict(self._step_by_id)

    # Built once per program: the matrix asks for them many times per fixture,
    # and copying a built tuple or dict is cheaper than building it again.
    @cached_property
    def _node_ids(self):
        return tuple([name for name, _ in self.inputs] + [s.out for s in self.steps])

    @cached_property
    def _step_by_id(self):
        return {s.out: s for s in self.steps}

    def upstream(self, nodes):
        """nodes and every node they depend on (what backward from them reaches)."""
        steps = self._step_by_id
        seen, stack = set(nodes), list(nodes)
        while stack:
            step = steps.get(stack.pop())
            for arg in step.args if step else ():
                if arg.kind == "node" and arg.value not in seen:
                    seen.add(arg.value)
                    stack.append(arg.value)
        return seen

    def to_plain(self):
        """Lists, strings and floats only: what Lua and JSON receive."""
        return {
            "inputs": [[name, float(value)] for name, value in self.inputs],
            "steps": [[s.out, s.op, [[a.kind, a.value] for a in s.args]] for s in self.steps],
            "output": self.output,
        }

    @staticmethod
    def from_plain(plain):
        return Program(
            inputs=tuple((name, float(v)) for name, v in plain["inputs"]),
            steps=tuple(Step(out, op, tuple(Arg(k, v) for k, v in args))
                        for out, op, args in plain["steps"]),
            output=plain["output"],
        )

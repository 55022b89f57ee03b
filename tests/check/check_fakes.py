"""Fake engines for the check's own tests: python_ref run through
harness.interpret, with knobs for what a port lacks or gets wrong, and the
spec that opens one (run them with jobs=1: the fake lives in this process)."""
import math

from micrograd_lab.harness.engines.base import Engine, EngineFailure, Unsupported
from micrograd_lab.harness.engines.budgets import lua_port_budget
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.python_ref.engine import Value


class TanhOff(Value):
    """tanh `ulps` ulps above libm's (acts on a leaf: interpret builds the
    derived nodes as plain Values)."""
    __slots__ = ()
    ulps = 1

    def tanh(self):
        t = math.tanh(self.data)
        for _ in range(self.ulps):
            t = math.nextafter(t, math.inf)
        out = Value(t, (self,), "tanh")

        def _backward(node):   # backward() passes the node, as to the shared ones
            self.grad += node.grad * ((1.0 - t) * (1.0 + t))
        out._backward = _backward
        return out


def tanh_off_by(ulps):
    return type(f"TanhOff{ulps}", (TanhOff,), {"__slots__": (), "ulps": ulps})


class FakeEngine(Engine):
    """A port on a runtime called `name`.  lacks: ops it has not (it raises
    Unsupported); declared: what declared_ops() says; fails: fixture
    programs (by output id) it raises EngineFailure on; value_class: the engine."""

    def __init__(self, name="fake", *, lacks=(), declared=None, fails=(), value_class=Value):
        self.name, self.version = name, f"{name} 1.0"
        self.budget = lua_port_budget(name)
        self.lacks, self.declared, self.fails = set(lacks), declared, set(fails)
        self.value_class = value_class
        self.seen_ops, self.restarts, self.closed = set(), 0, False

    def declared_ops(self):
        return None if self.declared is None else frozenset(self.declared)

    def evaluate(self, program, *, integers=False):
        for step in program.steps:
            self.seen_ops.add(step.op)
            if step.op in self.lacks:
                raise Unsupported(step.op)
        if program.output in self.fails:
            raise EngineFailure("crash", "the port died (exit status 139)")
        return interpret(program, self.value_class)

    def restart(self):
        self.restarts += 1

    def close(self):
        self.closed = True


class FakeSpec:
    """Opens one fake engine (kept in `engine` for the test to look at)."""
    weight = 1.0

    def __init__(self, name="fake", engine_class=FakeEngine, **knobs):
        self.name, self.engine_class, self.knobs = name, engine_class, knobs
        self.engine = None

    @property
    def key(self):
        return ("fake", id(self))

    @property
    def budget(self):
        return lua_port_budget(self.name)

    def open(self):
        self.engine = self.engine_class(self.name, **self.knobs)
        return self.engine

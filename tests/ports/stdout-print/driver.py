"""A test port in Python with its own driver for the port protocol, and one
classic bug: it prints a progress line to stdout, the protocol's own
channel, before each reply ("evaluating 3 steps"), where it should print to
stderr.  The engine is a small micrograd: add, mul, relu.
"""
import json
import math
import sys


class Value:
    def __init__(self, data, children=()):
        self.data, self.grad, self.children = float(data), 0.0, children
        self.step = lambda: None

    def add(self, other):
        out = Value(self.data + other.data, (self, other))

        def step():
            self.grad += out.grad
            other.grad += out.grad
        out.step = step
        return out

    def mul(self, other):
        out = Value(self.data * other.data, (self, other))

        def step():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out.step = step
        return out

    def relu(self):
        out = Value(max(self.data, 0.0), (self,))

        def step():
            self.grad += (out.data > 0) * out.grad
        out.step = step
        return out

    def backward(self):
        order, seen = [], set()

        def visit(v):
            if id(v) not in seen:
                seen.add(id(v))
                for child in v.children:
                    visit(child)
                order.append(v)
        visit(self)
        self.grad = 1.0
        for v in reversed(order):
            v.step()


NUMBERS = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan, "-0.0": -0.0}


def number(x):
    return NUMBERS[x] if isinstance(x, str) else float(x)


def wire(x):
    if x != x:
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return "-0.0" if x == 0.0 and math.copysign(1.0, x) < 0 else x


def answer(request):
    nodes, order = {}, []
    for name, x in request["inputs"]:
        nodes[name] = Value(number(x))
        order.append(nodes[name])
    for out, op, args in request["steps"]:
        if op not in ("add", "mul", "relu"):
            return {"kind": "unsupported", "id": request["id"], "op": op}
        values = [nodes[a] if isinstance(a, str) and a not in NUMBERS else Value(number(a))
                  for a in args]
        nodes[out] = getattr(values[0], op)(*values[1:])
        order.append(nodes[out])
    print(f"evaluating {len(request['steps'])} steps")   # the bug: stdout is the protocol's
    for _ in range(request.get("backward_calls", 1)):
        nodes[request["output"]].backward()
    return {"kind": "result", "id": request["id"],
            "nodes": [[wire(v.data), wire(v.grad)] for v in order]}


def send(message):
    sys.stdout.write(json.dumps(message, allow_nan=False) + "\n")
    sys.stdout.flush()


send({"kind": "hello", "protocol": 1, "name": "stdout-print", "language": "python",
      "version": "stdout-print 1.0"})
for line in sys.stdin:
    send(answer(json.loads(line)))

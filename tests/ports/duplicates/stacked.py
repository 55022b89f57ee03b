"""A test port in Python with one classic bug: backward sorts the graph with
an explicit stack (no recursion limit) but marks a node visited only when
it appends it to the order.  A node pushed from two parents before that is
expanded and appended twice, so its backward step runs twice and everything
below it is counted again.  The rest is micrograd's design: operators with a
number on either side, relu; no tanh, exp, log or sigmoid.
"""
import math


class Value:
    def __init__(self, data, _children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = _children
        self._backward = lambda: None

    @staticmethod
    def lift(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, other):
        other = Value.lift(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value.lift(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = Value.lift(other)
        out = Value(self.data / other.data, (self, other))

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -out.grad * (out.data / other.data)
        out._backward = _backward
        return out

    def __pow__(self, n):
        assert isinstance(n, (int, float)), "number exponents only"
        out = Value(math.pow(self.data, n), (self,))

        def _backward():
            self.grad += n * math.pow(self.data, n - 1) * out.grad
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Value.lift(other))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return Value(other) - self

    def __rtruediv__(self, other):
        return Value(other) / self

    def relu(self):
        out = Value(0.0 if self.data < 0 else self.data, (self,))

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, done = [], set()
        stack = [(self, False)]
        while stack:
            v, expanded = stack.pop()
            if expanded:
                topo.append(v)
                done.add(v)   # the bug: marked here, not when pushed
                continue
            stack.append((v, True))
            for child in v._prev:
                if child not in done:
                    stack.append((child, False))
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

"""A test port in Python with two classic bugs.

* In a ** b with b a Value, the backward step gives the base its gradient
  and never the exponent (b.grad stays 0), as in a port that first had
  number exponents only and then let Values in.
* backward() first sets every gradient of the graph to zero, so that a
  second call does not add to the first: the gradients of two losses that
  share a node cannot add up either.

The rest is micrograd's design: operators with a number on either side,
relu, exp; no tanh, log or sigmoid, no sum or dot.
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

    def __pow__(self, other):
        exponent = other.data if isinstance(other, Value) else float(other)
        children = (self, other) if isinstance(other, Value) else (self,)
        out = Value(math.pow(self.data, exponent), children)

        def _backward():
            # the bug: the exponent's gradient is never set
            self.grad += exponent * math.pow(self.data, exponent - 1) * out.grad
        out._backward = _backward
        return out

    def __rpow__(self, other):
        return Value(other) ** self

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-Value.lift(other))

    def __truediv__(self, other):
        other = Value.lift(other)
        out = Value(self.data / other.data, (self, other))

        def _backward():
            self.grad += out.grad / other.data
            other.grad += -out.grad * (out.data / other.data)
        out._backward = _backward
        return out

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

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        for v in topo:   # the bug: what earlier backward calls gave is lost
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

"""A test port with one classic bug: the topological sort is an iterative
walk that pushes every child not yet finished and lists a node when it has
none left, without asking whether it was listed already.  A node reachable
by two paths can be on the stack twice before either copy finishes: then it
is listed twice, its backward runs twice and its children's gradients are
counted again.  Whether that happens depends on the order a node's children
are walked, and the children are a set (as micrograd keeps them), whose order
follows the objects' addresses: the same program gives right gradients in one
process and wrong ones in another.
API: Value(x), v.data, v.grad, v.backward(), the operators with a number on
either side, and relu, tanh, exp, log, sigmoid.
"""
import math


class Value:
    def __init__(self, data, children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = set(children)
        self._backward = lambda: None

    @staticmethod
    def _of(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, other):
        other = Value._of(other)
        out = Value(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = Value._of(other)
        out = Value(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = Value._of(other)
        out = Value(self.data - other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad -= out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = Value._of(other)
        out = Value(self.data / other.data, (self, other))

        def _backward():
            self.grad += out.grad / other.data
            other.grad -= out.grad * (out.data / other.data)
        out._backward = _backward
        return out

    def __pow__(self, other):
        other = Value._of(other)
        out = Value(self.data ** other.data, (self, other))

        def _backward():
            self.grad += out.grad * (other.data * self.data ** (other.data - 1.0))
            if self.data > 0:
                other.grad += out.grad * (out.data * math.log(self.data))
        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1.0

    def __radd__(self, other):
        return Value(other) + self

    def __rsub__(self, other):
        return Value(other) - self

    def __rmul__(self, other):
        return Value(other) * self

    def __rtruediv__(self, other):
        return Value(other) / self

    def __rpow__(self, other):
        return Value(other) ** self

    def _unary(self, data, local):
        out = Value(data, (self,))

        def _backward():
            self.grad += local * out.grad
        out._backward = _backward
        return out

    def relu(self):
        return self._unary(max(self.data, 0.0), 1.0 if self.data > 0 else 0.0)

    def tanh(self):
        t = math.tanh(self.data)
        return self._unary(t, (1.0 - t) * (1.0 + t))

    def exp(self):
        e = math.exp(self.data)
        return self._unary(e, e)

    def log(self):
        return self._unary(math.log(self.data), 1.0 / self.data)

    def sigmoid(self):
        s = 1.0 / (1.0 + math.exp(-self.data))
        return self._unary(s, s * (1.0 - s))

    def backward(self):
        topo, done = [], set()
        stack = [self]
        while stack:
            node = stack[-1]
            waiting = [child for child in node._prev if child not in done]
            if waiting:
                stack.extend(waiting)
            else:
                stack.pop()
                done.add(node)
                topo.append(node)   # the bug: a second copy on the stack is listed again
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()

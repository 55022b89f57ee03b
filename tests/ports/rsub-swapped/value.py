"""A test port with one classic bug: `2 - x` is written as x.__rsub__(2)
returning `self - other`, the operands the wrong way round, so it computes
x - 2 (and its gradient +1 instead of -1).  On the lecture level everything
else is right; with no fixture or probe of a number minus a Value it would
pass.  On the edges it keeps two faults of its own, each a diagnosis's test:
division gives the numerator g * (1/b), inf for a subnormal b, and a ** b
gives the exponent the gradient 0 for a negative base (python_ref: nan).
Python's own exceptions (ZeroDivisionError, OverflowError) are ERRORs there.
API: Value(x), v.data, v.grad, v.backward(), + - * / ** with a number on
either side, unary minus, and tanh.
"""
import math


class Value:
    def __init__(self, data, children=()):
        self.data = float(data)
        self.grad = 0.0
        self._prev = tuple(children)
        self._backward = lambda: None

    @staticmethod
    def _of(x):
        return x if isinstance(x, Value) else Value(x)

    def _node(self, data, children, *locals_):
        """A node over children whose local derivatives are locals_."""
        out = Value(data, children)

        def _backward():
            for child, local in zip(children, locals_):
                child.grad += local * out.grad
        out._backward = _backward
        return out

    def __add__(self, other):
        other = Value._of(other)
        return self._node(self.data + other.data, (self, other), 1.0, 1.0)

    def __sub__(self, other):
        other = Value._of(other)
        return self._node(self.data - other.data, (self, other), 1.0, -1.0)

    def __mul__(self, other):
        other = Value._of(other)
        return self._node(self.data * other.data, (self, other), other.data, self.data)

    def __truediv__(self, other):
        other = Value._of(other)
        q = self.data / other.data
        return self._node(q, (self, other), 1.0 / other.data, -(q / other.data))

    def __pow__(self, other):
        other = Value._of(other)
        p = self.data ** other.data
        d_base = other.data * self.data ** (other.data - 1.0)
        d_exponent = p * math.log(self.data) if self.data > 0 else 0.0
        return self._node(p, (self, other), d_base, d_exponent)

    def __neg__(self):
        return self._node(-self.data, (self,), -1.0)

    def __radd__(self, other):
        return self + other

    def __rsub__(self, other):   # the bug: other - self, written the wrong way round
        return self - other

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return Value(other) / self

    def __rpow__(self, other):
        return Value(other) ** self

    def tanh(self):
        t = math.tanh(self.data)
        return self._node(t, (self,), (1.0 - t) * (1.0 + t))

    def backward(self):
        topo, seen = [], {id(self)}
        stack = [(self, iter(self._prev))]
        while stack:   # depth first, without recursion: no depth limit
            v, children = stack[-1]
            child = next(children, None)
            if child is None:
                topo.append(v)
                stack.pop()
            elif id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(child._prev)))
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

"""A scalar autograd engine in the style of micrograd.

Read it side by side with lua_port/micrograd/engine.lua: same ops, same
order, same names.  Differences from the original micrograd, and why:

* data is always a float, and every op returns the IEEE-754 result (inf, nan)
  instead of raising (see ieee.py);
* each forward is the direct operation (a - b, a / b), not a composition
  (a + (-b), a * b**-1), so values match torch to the last bit;
* local gradients use torch's formulas (e.g. d(a/b)/db = -g * ((a/b)/b)) and
  torch's conventions at the edges (x**0 has gradient 0, relu passes the
  gradient only where its output is > 0);
* backward() walks the graph with an explicit stack, so a chain of a million
  nodes does not hit Python's recursion limit, and the order of that walk is
  fixed (children in argument order), so gradients accumulate in the same
  order in every engine.
"""
from . import ieee


def _no_backward():
    pass


class Value:
    """A scalar in a computation graph, with its gradient."""

    __slots__ = ("data", "grad", "_backward", "_prev", "_op", "label")

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = _no_backward
        self._prev = tuple(_children)  # argument order: backward depends on it
        self._op = _op
        self.label = label

    # -- binary ops -------------------------------------------------------

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        def _backward():
            self.grad += out.grad
            other.grad += -out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(ieee.div(self.data, other.data), (self, other), "/")

        def _backward():
            self.grad += ieee.div(out.grad, other.data)
            other.grad += -out.grad * ieee.div(out.data, other.data)
        out._backward = _backward
        return out

    def __pow__(self, other):
        if isinstance(other, Value):
            return self._pow_value(other)
        assert isinstance(other, (int, float)), "only int/float or Value exponents"
        n = float(other)
        # labelled as the lecture's graphs show x**2 and x**-1: the exponent's
        # repr without a trailing ".0", so 2 and 2.0 (one number in Lua) match
        out = Value(ieee.pow(self.data, n), (self,), "**" + repr(n).removesuffix(".0"))

        def _backward():
            # torch: the gradient of x**0 is 0 everywhere, even at x = 0.
            if n != 0.0:
                self.grad += out.grad * (n * ieee.pow(self.data, n - 1.0))
        out._backward = _backward
        return out

    def _pow_value(self, other):
        out = Value(ieee.pow(self.data, other.data), (self, other), "**")

        def _backward():
            if other.data != 0.0:
                self.grad += out.grad * (other.data * ieee.pow(self.data, other.data - 1.0))
            # torch: d(a**b)/db is 0 where a == 0 and b >= 0 (not 0 * -inf);
            # it still multiplies by the upstream gradient, so nan flows on.
            local = 0.0 if (self.data == 0.0 and other.data >= 0.0) else out.data * ieee.log(self.data)
            other.grad += out.grad * local
        out._backward = _backward
        return out

    # -- unary ops --------------------------------------------------------

    def __neg__(self):
        out = Value(-self.data, (self,), "neg")

        def _backward():
            self.grad += -out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(0.0 if self.data < 0.0 else self.data, (self,), "relu")

        def _backward():
            # torch: the gradient passes unless the output is <= 0 (0 at the kink).
            if not (out.data <= 0.0):
                self.grad += out.grad
        out._backward = _backward
        return out

    def tanh(self):
        t = ieee.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            # (1 - t)(1 + t) is 1 - t**2 without the cancellation near |t| = 1:
            # 1 - t*t loses up to 25 bits there (torch rounds it once, with an FMA).
            self.grad += out.grad * ((1.0 - t) * (1.0 + t))
        out._backward = _backward
        return out

    def exp(self):
        out = Value(ieee.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.grad * out.data
        out._backward = _backward
        return out

    def log(self):
        out = Value(ieee.log(self.data), (self,), "log")

        def _backward():
            self.grad += ieee.div(out.grad, self.data)
        out._backward = _backward
        return out

    def sigmoid(self):
        s = ieee.div(1.0, 1.0 + ieee.exp(-self.data))
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += out.grad * (1.0 - s) * s
        out._backward = _backward
        return out

    # -- fused n-ary ops (speed; same values as the chain of binary ops) ---

    @staticmethod
    def sum(values, start=0.0):
        """start + v0 + v1 + ..., added left to right like the chain of `+`."""
        start = start if isinstance(start, Value) else Value(start)
        total = start.data
        for v in values:
            total += v.data
        children = (start,) + tuple(values)
        out = Value(total, children, "sum")

        def _backward():
            for child in children:
                child.grad += out.grad
        out._backward = _backward
        return out

    @staticmethod
    def dot(ws, xs, start=0.0):
        """start + w0*x0 + w1*x1 + ..., rounded like the chain of `*` and `+`."""
        start = start if isinstance(start, Value) else Value(start)
        xs = [x if isinstance(x, Value) else Value(x) for x in xs]
        assert len(ws) == len(xs), "dot needs two lists of the same length"
        total = start.data
        for w, x in zip(ws, xs):
            total += w.data * x.data
        out = Value(total, (start, *ws, *xs), "dot")

        def _backward():
            g = out.grad
            start.grad += g
            for w, x in zip(ws, xs):
                w.grad += x.data * g
                x.grad += w.data * g
        out._backward = _backward
        return out

    # -- backward ----------------------------------------------------------

    def topological_order(self):
        """Every node below self, children before parents.

        One iterative depth-first walk: children are visited in argument
        order and a node is emitted once all its children are, exactly as the
        recursive walk of micrograd would, but without recursion.
        """
        topo = []
        visited = {self}
        nodes, next_child = [self], [0]
        while nodes:
            node = nodes[-1]
            i = next_child[-1]
            if i < len(node._prev):
                next_child[-1] = i + 1
                child = node._prev[i]
                if child not in visited:
                    visited.add(child)
                    nodes.append(child)
                    next_child.append(0)
            else:
                nodes.pop()
                next_child.pop()
                topo.append(node)
        return topo

    def backward(self):
        topo = self.topological_order()
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()

    # -- the other side of the operators -------------------------------------

    def __radd__(self, other):  # other + self
        return Value(other) + self

    def __rsub__(self, other):  # other - self
        return Value(other) - self

    def __rmul__(self, other):  # other * self
        return Value(other) * self

    def __rtruediv__(self, other):  # other / self
        return Value(other) / self

    def __rpow__(self, other):  # other ** self
        return Value(other)._pow_value(self)

    def __repr__(self):
        label = f"label={self.label!r}, " if self.label else ""
        return f"Value({label}data={self.data!r}, grad={self.grad!r})"

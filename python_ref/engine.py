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
  order in every engine;
* a node's _backward is its op's backward function, shared by every node of
  that op and called with the node (node._backward(node)), which finds its
  children in _prev; micrograd makes a closure per node instead.  A closure
  brings a function, a tuple and a cell per captured name, and a cycle (the
  node holds the closure, the closure the node): CPython's cyclic garbage
  collector scans all of them again and again while a graph grows, and only
  it can free such a graph.  Without them a graph holds two tracked objects
  per node (the node and its tuple of children) and reference counting frees
  it as soon as it is dropped.
"""
from . import ieee


def _no_backward(node):
    pass


class Value:
    """A scalar in a computation graph, with its gradient."""

    # _exponent: set only on a node of x ** number (its backward needs the number)
    __slots__ = ("data", "grad", "_backward", "_prev", "_op", "label", "_walk", "_exponent")

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = _no_backward
        self._prev = tuple(_children)  # argument order: backward depends on it
        self._op = _op
        self.label = label
        self._walk = None  # the last topological walk that reached this node

    # -- binary ops -------------------------------------------------------

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        out._backward = Value._add_backward
        return out

    def _add_backward(self):
        a, b = self._prev
        a.grad += self.grad
        b.grad += self.grad

    def __sub__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data - other.data, (self, other), "-")

        out._backward = Value._sub_backward
        return out

    def _sub_backward(self):
        a, b = self._prev
        a.grad += self.grad
        b.grad += -self.grad

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        out._backward = Value._mul_backward
        return out

    def _mul_backward(self):
        a, b = self._prev
        a.grad += b.data * self.grad
        b.grad += a.data * self.grad

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(ieee.div(self.data, other.data), (self, other), "/")

        out._backward = Value._div_backward
        return out

    def _div_backward(self):
        a, b = self._prev
        a.grad += ieee.div(self.grad, b.data)
        b.grad += -self.grad * ieee.div(self.data, b.data)

    def __pow__(self, other):
        if isinstance(other, Value):
            return self._pow_value(other)
        assert isinstance(other, (int, float)), "only int/float or Value exponents"
        n = float(other)
        # labelled as the lecture's graphs show x**2 and x**-1: the exponent's
        # repr without a trailing ".0", so 2 and 2.0 (one number in Lua) match
        out = Value(ieee.pow(self.data, n), (self,), "**" + repr(n).removesuffix(".0"))

        out._exponent = n
        out._backward = Value._pow_number_backward
        return out

    def _pow_number_backward(self):
        (a,), n = self._prev, self._exponent
        # torch: the gradient of x**0 is 0 everywhere, even at x = 0.
        if n != 0.0:
            a.grad += self.grad * (n * ieee.pow(a.data, n - 1.0))

    def _pow_value(self, other):
        out = Value(ieee.pow(self.data, other.data), (self, other), "**")

        out._backward = Value._pow_value_backward
        return out

    def _pow_value_backward(self):
        a, b = self._prev
        if b.data != 0.0:
            a.grad += self.grad * (b.data * ieee.pow(a.data, b.data - 1.0))
        # torch: d(a**b)/db is 0 where a == 0 and b >= 0 (not 0 * -inf);
        # it still multiplies by the upstream gradient, so nan flows on.
        local = 0.0 if (a.data == 0.0 and b.data >= 0.0) else self.data * ieee.log(a.data)
        b.grad += self.grad * local

    # -- unary ops --------------------------------------------------------

    def __neg__(self):
        out = Value(-self.data, (self,), "neg")

        out._backward = Value._neg_backward
        return out

    def _neg_backward(self):
        self._prev[0].grad += -self.grad

    def relu(self):
        out = Value(0.0 if self.data < 0.0 else self.data, (self,), "relu")

        out._backward = Value._relu_backward
        return out

    def _relu_backward(self):
        # torch: the gradient passes unless the output is <= 0 (0 at the kink).
        if not (self.data <= 0.0):
            self._prev[0].grad += self.grad

    def tanh(self):
        t = ieee.tanh(self.data)
        out = Value(t, (self,), "tanh")

        out._backward = Value._tanh_backward
        return out

    def _tanh_backward(self):
        t = self.data
        # (1 - t)(1 + t) is 1 - t**2 without the cancellation near |t| = 1:
        # 1 - t*t loses up to 25 bits there (torch rounds it once, with an FMA).
        self._prev[0].grad += self.grad * ((1.0 - t) * (1.0 + t))

    def exp(self):
        out = Value(ieee.exp(self.data), (self,), "exp")

        out._backward = Value._exp_backward
        return out

    def _exp_backward(self):
        self._prev[0].grad += self.grad * self.data

    def log(self):
        out = Value(ieee.log(self.data), (self,), "log")

        out._backward = Value._log_backward
        return out

    def _log_backward(self):
        a = self._prev[0]
        a.grad += ieee.div(self.grad, a.data)

    def sigmoid(self):
        s = ieee.div(1.0, 1.0 + ieee.exp(-self.data))
        out = Value(s, (self,), "sigmoid")

        out._backward = Value._sigmoid_backward
        return out

    def _sigmoid_backward(self):
        s = self.data
        self._prev[0].grad += self.grad * (1.0 - s) * s

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

        out._backward = Value._sum_backward
        return out

    def _sum_backward(self):
        for child in self._prev:
            child.grad += self.grad

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

        out._backward = Value._dot_backward
        return out

    def _dot_backward(self):
        start, n, g = self._prev[0], len(self._prev) // 2, self.grad
        start.grad += g
        for w, x in zip(self._prev[1:1 + n], self._prev[1 + n:]):
            w.grad += x.data * g
            x.grad += w.data * g

    # -- backward ----------------------------------------------------------

    def topological_order(self):
        """Every node below self, children before parents.

        One iterative depth-first walk: children are visited in argument
        order and a node is emitted once all its children are, exactly as the
        recursive walk of micrograd would, but without recursion.  A node is
        marked visited by writing the walk's token into its _walk, a field the
        walk reads anyway, as engine.lua does: there a table of visited nodes,
        read at random addresses, cost more than the walk on a million nodes
        (a set costs Python little, the mark keeps the engines alike).
        """
        walk = object()
        topo = []
        self._walk = walk
        nodes, next_child = [self], [0]
        while nodes:
            node = nodes[-1]
            i = next_child[-1]
            if i < len(node._prev):
                next_child[-1] = i + 1
                child = node._prev[i]
                if child._walk is not walk:
                    child._walk = walk
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
            node._backward(node)  # Lua: node:_backward()

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

"""The lecture's examples, each written once and traced into a Program, so
every engine computes exactly the same op list.  Labels are the lecture's.
"""
from .trace import trace

NEURON_BIAS = 6.8813735870195432  # chosen in the lecture so that o = tanh(n) = 0.7071
NUDGE_H = 0.0001  # the step the lecture nudges an input by to estimate a slope


def f(x):
    """The lecture's first function, f(x) = 3x**2 - 4x + 5."""
    return 3 * x ** 2 - 4 * x + 5


def f_program(x):
    return trace(lambda x: f(x).name("y"), x=x)


def slope_program(x, h):
    """(f(x + h) - f(x)) / h, the rise over the run, as one program."""
    def slope(x, h):
        return ((f(x + h) - f(x)) / h).name("slope")
    return trace(slope, x=x, h=h)


def abc_program(a=2.0, b=-3.0, c=10.0):
    return trace(lambda a, b, c: (a * b + c).name("d"), a=a, b=b, c=c)


def nudge_program(which, h=NUDGE_H, a=2.0, b=-3.0, c=10.0):
    """The lecture's sensitivity of d = a*b + c to one input: bump it by h."""
    def nudged(a, b, c, h):
        d1 = (a * b + c).name("d1")
        bumped = {"a": (a + h, b, c), "b": (a, b + h, c), "c": (a, b, c + h)}[which]
        d2 = (bumped[0] * bumped[1] + bumped[2]).name("d2")
        return ((d2 - d1) / h).name("slope")
    return trace(nudged, a=a, b=b, c=c, h=h)


def L_program(a=2.0, b=-3.0, c=10.0, f=-2.0):
    def L(a, b, c, f):
        e = (a * b).name("e")
        d = (e + c).name("d")
        return (d * f).name("L")
    return trace(L, a=a, b=b, c=c, f=f)


def L_nudge_program(h=0.001):
    """The lecture's check of dL/da by hand: (L(a + h) - L(a))/h."""
    def nudged(a, b, c, f, h):
        L1 = ((a * b + c) * f).name("L1")
        L2 = (((a + h) * b + c) * f).name("L2")
        return ((L2 - L1) / h).name("slope")
    return trace(nudged, a=2.0, b=-3.0, c=10.0, f=-2.0, h=h)


def neuron_program(exp_form=False, b=NEURON_BIAS):
    """o = tanh(x1*w1 + x2*w2 + b); exp_form spells tanh as (e**2n - 1)/(e**2n + 1)."""
    def neuron(x1, x2, w1, w2, b):
        x1w1 = (x1 * w1).name("x1w1")
        x2w2 = (x2 * w2).name("x2w2")
        s = (x1w1 + x2w2).name("x1w1x2w2")
        n = (s + b).name("n")
        if not exp_form:
            return n.tanh().name("o")
        e = (2 * n).exp().name("e")
        return ((e - 1) / (e + 1)).name("o")
    return trace(neuron, x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=b)


def div_as_pow_program():
    """a / b as the lecture first builds it, a * b**-1."""
    return trace(lambda a, b: (a * b ** -1).name("y"), a=2.0, b=4.0)


def reuse_program():
    """b = a + a: a is used twice, so its gradient is 2, not 1."""
    return trace(lambda a: (a + a).name("b"), a=3.0)


def reuse2_program():
    def g(a, b):
        d = (a * b).name("d")
        e = (a + b).name("e")
        return (d * e).name("f")
    return trace(g, a=-2.0, b=3.0)


def readme_program():
    """The example of micrograd's README, `x += y` spelled out."""
    def readme(a, b):
        c = a + b
        d = a * b + b ** 3
        c = c + (c + 1)
        c = c + (1 + c + (-a))
        d = d + (d * 2 + (b + a).relu())
        d = d + (3 * d + (b - a).relu())
        e = c - d
        f = e ** 2
        g = f / 2.0
        return (g + 10.0 / f).name("g")
    return trace(readme, a=-4.0, b=2.0)

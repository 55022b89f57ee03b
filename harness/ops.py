"""The op set: one entry per op, and everything that knows about ops reads it.

An entry (Op) holds all the harness knows about one op:
* how a program writes it (syntax), its arity and how its arguments are laid
  out (kind, layout, split);
* how engines run it: `apply` on Values of python_ref's API, `torch_apply`
  on float64 tensors, `fold` on number constants (the parser's IEEE folding);
* its local derivatives and the magnitude one rounding of it is relative to
  (for error bounds), and its value and derivatives in exact arithmetic
  (`reference`, for the fixtures' expected numbers and the tests);
* its domain, where it is smooth (`branch`, for finite differences) and the
  values a sampler should try (`ordinary`, `edges`);
* its docs row (docs_table(), the op table of docs/fixtures.md).

The parser, the interpreters, the torch backend, the error analysis, the
fuzzer, the fixture generator, the Lua spec's generated values and the
figures iterate over OPS; a Lua manifest's default expressions
(engines/manifest.py) and the schemas' op names (schema/ops.schema.json, written by
engines/schema_ops.py) are derived from it.  The Lua interpreters and the drivers reach an op by its
name (the method of that name), with a table only for the ops written as
operators, which tests/test_ops_table.py holds to OPS.
"""
import math
import operator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from micrograd_lab.python_ref import ieee

EDGE_VALUES = (0.0, -0.0, 1e-300, -1e-300, 5e-324, 1e300, -1e300,
               math.inf, -math.inf, math.nan, 1.0, -1.0)
REFERENCE_BITS = 200   # mpmath's working precision for the exact references


def _sign(x):
    return (x > 0.0) - (x < 0.0)


# -- how engines may differ -------------------------------------------------------
# An engine computes an op otherwise than python_ref for a reason of a known
# class: an Op's `deviations` says, per class, how many ulps its value and its
# local derivative may be off, and why; the engine registry
# (harness/engines/registry.py) says which classes each engine has, and
# harness/judge/tolerances.py carries the ulps through the graph.
LUA_TANH = "lua-tanh"    # lua_port's own tanh (Lua 5.3+ has no math.tanh)
LUAJIT20 = "luajit20"    # LuaJIT 2.0's own exp, log and pow
TORCH = "torch"          # torch's kernels
FDLIBM = "fdlibm"        # a runtime whose libm is not glibc's (V8 and most others)
PORT = "port"            # what any port may legitimately write its own way
LECTURE = "lecture"      # the lecture's own formulas (a port's budget on lecture-level fixtures)
LUA_SQUARE = "lua-square"  # Lua 5.4+'s ^ computes x^2 as x*x
DEVIATION_CLASSES = (LUA_TANH, LUAJIT20, LUA_SQUARE, TORCH, FDLIBM, PORT, LECTURE)


@dataclass(frozen=True)
class OpBudget:
    data: int      # ulps the op's value may be off, inputs identical
    grad: int      # ulps its local derivative may be off, inputs and output identical
    reason: str
    # What those ulps are ulps of, (args, out) -> a magnitude, where the error
    # of a formula does not scale with the value (None: the op's value, and
    # each local derivative); `of` says it in words.
    data_scale: Callable | None = field(default=None, compare=False, repr=False)
    grad_scale: Callable | None = field(default=None, compare=False, repr=False)
    of: str = ""
    parts: tuple = ()   # a merged budget of differently scaled entries: each entry
                        # (harness.judge.tolerances takes the largest error of them)


_JIT20 = ("LuaJIT 2.0 computes exp, log and pow itself, not through the C library: "
          "within 1 ulp of libm (its tanh is libm's: exact)")
# LuaJIT 2.0's ^ with an integer exponent multiplies repeatedly (13 ulp at
# x^20, up to 1e15 ulp at x^-18 where x^18 overflows on the way): lua_port's
# ieee.pow never lets an integer exponent reach it.
_JIT20_POW = ("LuaJIT 2.0's own pow: with a non-integer exponent within 1 ulp of C's (measured "
              "over 185,000 points across the double range: 3.5% differ, none by 2); an "
              "integer exponent 2 <= |k| < 2^31 goes to ieee.pow's double-double power, "
              "correctly rounded, and C's pow is within 0.52 ulp of the true value (glibc's "
              "bound), so the two are at most 1 ulp apart (measured: 67 of 157,500 differ, by "
              "1); the derivative calls pow or log once more: 1 ulp")
_LUA_SQUARE = ("Lua 5.4 and later compute x^2 as x*x (luai_numpow), correctly rounded, and C's "
               "pow is within 0.52 ulp of the true value (glibc's bound), so the two are at "
               "most 1 ulp apart (x = 1.1026946322817226: pow 0.5007 ulp off, x*x 0.4993); "
               "only where the exponent is 2")


def _where_squared(args, out):
    """pow's value where Lua 5.4+ squares it itself (an exponent of 2), else none."""
    return out if args[1] == 2.0 else None


_FDLIBM = ("its exp, log and pow are not glibc's (V8 and most runtimes port fdlibm): each "
           "within 1 ulp of the true value, so within 1 ulp of glibc's")
# The lecture's own formulas (micrograd 0.1.0's and the video's), allowed on
# the lecture level only (harness/levels.py): where values are ordinary, they
# are a few roundings from python_ref's; at the edges they overflow (b**-2,
# e^2x) or cancel (1 - t**2 as t nears 1), and only a sound formula passes.
_LECTURE_DIV = ("division as the lecture writes it, a * b**-1: b**-1 (C pow, within an ulp "
                "of 1/b) and the product round once each, so at most 1 ulp from a / b "
                "(measured: 26% of 2,000,000 random pairs differ, none by 2); its "
                "derivatives b**-1 * g and (-1 * b**-2) * (a * g) round two and three "
                "times, where python_ref's g / b and -g * (a/b)/b round once and three "
                "times: 2 ulp")
_LECTURE_TANH = ("tanh as the lecture writes it, (e^2x - 1)/(e^2x + 1): exp within an ulp "
                 "moves t by (1 - t**2)/2 of that, its three roundings by 3 ulp of t, and "
                 "libm's tanh is within another: at most 6 ulp of max(|t|, 1 - t**2), which "
                 "near 0 are ulps of 1, not of t (measured over 1,000,000 points: 2); its "
                 "derivative 1 - t**2 keeps the rounding of t**2, half an ulp of 1, where "
                 "python_ref's (1 - t)(1 + t) does not: 1 ulp of 1 (26 ulp of the "
                 "derivative at tanh(3); at tanh(7), an edge, 75,926)")


def _tanh_scale(args, out):
    """What tanh through exp is off relative to: |t|, or 1 - t**2 near 0."""
    return max(abs(out), 1.0 - out * out)


def _one(args, out):
    return 1.0


# -- argument layouts ----------------------------------------------------------
# A step's arguments are one flat list (harness.program); an n-ary op reads it
# as a start and its terms, or a start and two lists of the same length.
TERMS = "start, v1..vn"
PAIRS = "start, w1..wn, x1..xn"


def split_args(layout, args):
    """A step's flat argument list as its layout reads it: (start, [v1..vn])
    for TERMS, (start, [w1..wn], [x1..xn]) for PAIRS, else the arguments."""
    if layout == TERMS:
        return args[0], list(args[1:])
    if layout == PAIRS:
        n = (len(args) - 1) // 2
        return args[0], list(args[1:1 + n]), list(args[1 + n:])
    return tuple(args)


# -- exact references ------------------------------------------------------------

def _rational(fn):
    """fn(args as Fractions) -> (value, partials): exact rational arithmetic."""
    return lambda args: fn([Fraction(x) for x in args])


def _real(fn):
    """fn(mpmath, args as mpmath numbers) -> (value, partials), at REFERENCE_BITS
    bits.  mpmath is imported on first use: only the fixture generator and the
    tests ask for a reference, and every other import of the harness stays
    without it."""
    def reference(args):
        import mpmath
        with mpmath.workprec(REFERENCE_BITS):
            return fn(mpmath, [mpmath.mpf(x) for x in args])
    return reference


def _dot_reference(args):
    start, ws, xs = split_args(PAIRS, args)
    return start + sum(w * x for w, x in zip(ws, xs)), [1] + xs + ws


def _pow_reference(mp, args):
    a, b = args
    # the engines' conventions: d/da is 0 for b == 0, d/db is undefined for a <= 0
    return a ** b, [0 if b == 0 else b * a ** (b - 1),
                    a ** b * mp.log(a) if a > 0 else None]


# -- local derivatives -----------------------------------------------------------
# derivatives(args, out) gives, for each argument i, (d_i, sens_i): d_i = d out /
# d arg_i at these values, and sens_i = {j: |d d_i / d arg_j|, "out": |d d_i /
# d out|}, how much d_i moves when an argument (or the op's own output, which
# engines reuse in backward) moves.  Magnitudes only: they feed error bounds
# (harness.judge.tolerances), never an engine.

def _div_derivatives(a, out):
    inv = ieee.div(1.0, a[1])
    return [(inv, {1: inv * inv}),
            (-ieee.div(out, a[1]), {"out": abs(inv), 1: abs(out * inv * inv)})]


def _pow_derivatives(a, out):
    x, n = a
    d_base = 0.0 if n == 0.0 else n * ieee.pow(x, n - 1.0)
    d_base_dx = abs(n * (n - 1.0) * ieee.pow(x, n - 2.0)) if n not in (0.0, 1.0) else 0.0
    log_x = ieee.log(x) if x > 0.0 else 0.0   # the sensitivities: where log(x) is real
    cross = abs(ieee.pow(x, n - 1.0) * (1.0 + n * log_x)) if x > 0.0 else 0.0
    # python_ref's (and torch's): nan for x < 0, 0 where x is 0 and n >= 0
    d_exp = 0.0 if x == 0.0 and n >= 0.0 else out * ieee.log(x)
    return [(d_base, {0: d_base_dx, 1: cross}),
            (d_exp, {0: cross, 1: abs(out * log_x * log_x)})]


def _pow_contributions(g, a, out):
    """python_ref's: nothing to the base of x**0; the exponent's (a Value)
    g * d(a**b)/db."""
    (d_base, _), (d_exp, _) = _pow_derivatives(a, out)
    return [None if a[1] == 0.0 else g * d_base, g * d_exp]


def _log_derivatives(a, out):
    inv = ieee.div(1.0, a[0])
    return [(inv, {0: inv * inv})]


def _dot_derivatives(a, out):
    _, ws, xs = split_args(PAIRS, range(len(a)))   # the places of the w's and x's
    return ([(1.0, {})] + [(a[x], {x: 1.0}) for x in xs]
            + [(a[w], {w: 1.0}) for w in ws])


def _terms_scale(a, out):
    """Additions: partial sums can exceed the result, so the terms' magnitudes."""
    return sum(abs(x) for x in a)


def _dot_scale(a, out):
    start, ws, xs = split_args(PAIRS, a)
    return abs(start) + sum(abs(w * x) for w, x in zip(ws, xs))


def _output_scale(a, out):
    return abs(out)


# -- finite-difference branches --------------------------------------------------

def _pow_branch(base, exponent):
    if not (math.isfinite(base) and math.isfinite(exponent)):
        return None  # math.floor would raise on inf/nan; no derivative to check there
    if base > 0.0:
        return ("pos",)
    if exponent == math.floor(exponent) and base != 0.0:
        return ("int", _sign(base))
    if exponent == math.floor(exponent) and exponent >= 1.0:
        return ("int", 0)  # e.g. x**2 at 0 is smooth
    return None


def _smooth(*args):
    return ()


# -- torch: the fused nodes as the left-to-right chain of + and * ------------------

def _chain_sum(start, vs):
    total = start
    for v in vs:
        total = total + v
    return total


def _chain_dot(start, ws, xs):
    total = start
    for w, x in zip(ws, xs):
        total = total + w * x
    return total


@dataclass(frozen=True, kw_only=True)
class Op:
    """One op.  Callables that take `args` take a step's flat argument list;
    apply and torch_apply take it split by the layout (Op.split)."""
    # how a program writes it and how its arguments are laid out
    name: str               # the name in an op list
    kind: str               # "binary", "unary" or "nary"
    syntax: str             # how a fixture program writes it
    method: str             # the Value method that computes it: x.relu(), x.__add__(y)
    layout: str = ""        # an n-ary op's: TERMS or PAIRS
    # how it is computed
    apply: Callable         # on Values of python_ref's API
    torch_apply: Callable = None     # on float64 tensors (None: apply works on them)
    fold: Callable | None = None     # fold(*floats), on constants (None: refused)
    libm: bool = False      # its value comes from the C math library (not correctly rounded)
    # its derivatives, for error bounds and expected numbers
    derivatives: Callable   # derivatives(args, out) -> [(d_i, sens_i)], see above
    # python_ref's backward, where it does not add g times each local
    # derivative: contributions(g, args, out) -> [c_i, None where it adds nothing]
    contributions: Callable | None = None
    rounding_scale: Callable = _output_scale   # (args, out) -> the magnitude one
    #                                            rounding of it is relative to
    reference: Callable     # reference(args) -> (value, partials), exact; None: undefined
    # where it is defined and smooth, and what a sampler tries
    domain: str             # where the result is a finite real number
    branch: Callable = _smooth       # branch(*floats) -> hashable, None where not smooth
    ordinary: tuple = (-3.0, 3.0)    # where a sampler draws ordinary values
    edges: tuple = field(default=EDGE_VALUES)   # values a sampler must try
    # how engines of each deviation class may compute it otherwise: {class: OpBudget}
    deviations: dict = field(default_factory=dict, hash=False, compare=False, repr=False)
    # for people
    derivative_text: str    # its local derivatives (the docs row, the figures)
    curve: tuple | None = None       # the x range of its curve in the activations figure

    def __post_init__(self):
        if self.torch_apply is None:
            object.__setattr__(self, "torch_apply", self.apply)

    @property
    def arity(self):
        return {"binary": 2, "unary": 1}.get(self.kind)  # None: any number

    @property
    def is_method(self):
        """Written as a method call in a program: x.relu()."""
        return self.method == self.name

    def split(self, args):
        """The flat argument list of a step as apply reads it (split_args)."""
        return split_args(self.layout, args)

    def roundings(self, args):
        """How many roundings one evaluation makes: one per op, one per + and *
        of a fused node."""
        return len(args) - 1 if self.kind == "nary" else 1

    def write(self, *args):
        """The expression a program writes for this op on argument texts."""
        if self.kind == "binary":
            symbol = self.syntax.split()[1]
            return f"{args[0]} {symbol} {args[1]}"
        if self.kind == "unary":
            return f"{args[0]}.{self.name}()" if self.is_method else f"{self.syntax[:-1]}{args[0]}"
        if self.layout == PAIRS:
            start, ws, xs = self.split(args)
            return f"{self.name}({start}, [{', '.join(ws)}], [{', '.join(xs)}])"
        return f"{self.name}({', '.join(args)})"


def _operator(name, symbol, method, apply, **fields):
    """A binary op written as an operator: a + b."""
    return Op(name=name, kind="binary", syntax=f"a {symbol} b", method=method, apply=apply,
              **fields)


def _method(name, **fields):
    """A unary op written as a method call: x.name()."""
    return Op(name=name, kind="unary", syntax=f"x.{name}()", method=name,
              apply=operator.methodcaller(name), **fields)


OPS = {op.name: op for op in [
    _operator("add", "+", "__add__", operator.add, fold=operator.add,
              derivatives=lambda a, out: [(1.0, {}), (1.0, {})], rounding_scale=_terms_scale,
              reference=_rational(lambda a: (a[0] + a[1], [1, 1])),
              domain="all reals", derivative_text="1, 1"),
    _operator("sub", "-", "__sub__", operator.sub, fold=operator.sub,
              derivatives=lambda a, out: [(1.0, {}), (-1.0, {})], rounding_scale=_terms_scale,
              reference=_rational(lambda a: (a[0] - a[1], [1, -1])),
              domain="all reals", derivative_text="1, -1"),
    _operator("mul", "*", "__mul__", operator.mul, fold=operator.mul,
              derivatives=lambda a, out: [(a[1], {1: 1.0}), (a[0], {0: 1.0})],
              reference=_rational(lambda a: (a[0] * a[1], [a[1], a[0]])),
              domain="all reals", derivative_text="b, a"),
    _operator("div", "/", "__truediv__", operator.truediv, fold=ieee.div,
              derivatives=_div_derivatives,
              contributions=lambda g, a, out: [ieee.div(g, a[1]), -g * ieee.div(out, a[1])],
              reference=_rational(lambda a: (a[0] / a[1], [1 / a[1], -a[0] / (a[1] * a[1])])),
              domain="b != 0", branch=lambda a, b: (_sign(b),) if b != 0.0 else None,
              deviations={PORT: OpBudget(0, 2, "the derivatives g/y or g*(1/y), and -g*(x/y)/y "
                                               "or -g*x/(y*y): the same numbers rounded two or "
                                               "three times, where 1/y and y*y neither overflow "
                                               "nor underflow (where they do, the edges "
                                               "div-edge-1e200-1e200, div-edge-1em200-1em200 "
                                               "and div-grad-subnormal-divisor fail them)"),
                          LECTURE: OpBudget(1, 2, _LECTURE_DIV)},
              derivative_text="1/b, -(a/b)/b"),
    _operator("pow", "**", "__pow__", operator.pow, fold=ieee.pow,
              derivatives=_pow_derivatives, contributions=_pow_contributions,
              reference=_real(_pow_reference), libm=True,
              domain="a > 0, or an integer b (and a != 0 for b < 0)", branch=_pow_branch,
              ordinary=(0.1, 3.0),
              deviations={
                  LUAJIT20: OpBudget(1, 1, _JIT20_POW),
                  LUA_SQUARE: OpBudget(1, 0, _LUA_SQUARE, data_scale=_where_squared,
                                       of="the value where the exponent is 2, else none"),
                  TORCH: OpBudget(1, 2, "torch rewrites pow with constant exponents (x**2 -> "
                                        "x*x, x**3 -> x*x*x, x**0.5 -> sqrt, x**-0.5 -> rsqrt, "
                                        "x**-2 -> 1/(x*x)), each a different rounding from C "
                                        "pow: measured 1 ulp, 2 in the derivative "
                                        "n * x**(n-1)"),
                  FDLIBM: OpBudget(1, 1, _FDLIBM)},
              derivative_text="b * a**(b-1) (0 where b = 0), a**b * log(a) (0 where a = 0 "
                              "and b >= 0)"),
    Op(name="neg", kind="unary", syntax="-x", method="__neg__", apply=operator.neg,
       fold=operator.neg, derivatives=lambda a, out: [(-1.0, {})],
       reference=_real(lambda mp, a: (-a[0], [-1])), domain="all reals", derivative_text="-1"),
    _method("relu", derivatives=lambda a, out: [(0.0 if out <= 0.0 else 1.0, {})],  # 1 at nan
            contributions=lambda g, a, out: [None if out <= 0.0 else g],
            reference=_real(lambda mp, a: (max(a[0], 0), [1 if a[0] > 0 else 0])),
            domain="all reals (kink at 0)", branch=lambda x: (_sign(x),) if x != 0.0 else None,
            derivative_text="1, or 0 where x <= 0", curve=(-4.0, 4.0)),
    _method("tanh", derivatives=lambda a, out: [((1.0 - out) * (1.0 + out), {"out": 2.0 * abs(out)})],
            reference=_real(lambda mp, a: (mp.tanh(a[0]), [1 / mp.cosh(a[0]) ** 2])),
            libm=True, domain="all reals", derivative_text="1 - tanh²(x)",
            deviations={
                LUA_TANH: OpBudget(2, 0, "Lua 5.3+ has no math.tanh; the port's own tanh is "
                                         "within 2 ulp of libm's (the port's measured bound)"),
                TORCH: OpBudget(2, 1, "torch's own tanh (vectorised, not libm): measured 2 ulp; "
                                      "its backward 1 - t*t, where python_ref's is "
                                      "(1-t)(1+t), is rounded once (fused) on AVX2 and "
                                      "AVX512 kernels, but keeps the rounding of t*t under "
                                      "ATEN_CPU_CAPABILITY=default: 1 ulp of 1 (measured: "
                                      "75,926 ulp of the derivative at tanh(7))",
                                grad_scale=_one, of="the derivative's: 1"),
                PORT: OpBudget(2, 1, "a port brings its own tanh (Lua 5.3+ has none, and a port "
                                     "that runs everywhere carries one): held to 2 ulp, what "
                                     "plain Lua reaches (lua_port's tanh, measured over 3 "
                                     "million points); its derivative from its own t within 1 "
                                     "ulp of (1 - t)(1 + t) at that t, so 1 - t*t, which "
                                     "cancels near |t| = 1 (26 ulp at tanh(3), 75,926 at "
                                     "tanh(7)), passes only where t itself is off as much"),
                LECTURE: OpBudget(6, 1, _LECTURE_TANH, data_scale=_tanh_scale, grad_scale=_one,
                                  of="max(|t|, 1 - t**2); the derivative's: 1")},
            curve=(-4.0, 4.0)),
    _method("exp", derivatives=lambda a, out: [(out, {"out": 1.0})],
            reference=_real(lambda mp, a: (mp.exp(a[0]), [mp.exp(a[0])])), libm=True,
            deviations={LUAJIT20: OpBudget(1, 0, _JIT20),
                        TORCH: OpBudget(1, 0, "torch's exp kernel, not libm: measured 1 ulp"),
                        FDLIBM: OpBudget(1, 0, _FDLIBM)},
            domain="x < 709.78 (overflows to inf above)", derivative_text="exp(x)",
            curve=(-4.0, 2.0)),
    _method("log", derivatives=_log_derivatives,
            contributions=lambda g, a, out: [ieee.div(g, a[0])],
            reference=_real(lambda mp, a: (mp.log(a[0]), [1 / a[0]])), libm=True,
            domain="x > 0 (log(0) = -inf, log(x < 0) = nan)",
            branch=lambda x: ("pos",) if x > 0.0 else None, ordinary=(0.05, 5.0),
            deviations={LUAJIT20: OpBudget(1, 0, _JIT20),
                        TORCH: OpBudget(1, 0, "torch's log kernel, not libm: measured 1 ulp"),
                        PORT: OpBudget(0, 1, "the derivative g/x or g*(1/x): one more "
                                             "rounding, where 1/x does not overflow "
                                             "(log-grad-subnormal)"),
                        FDLIBM: OpBudget(1, 0, _FDLIBM)},
            derivative_text="1/x", curve=(0.05, 4.0)),
    _method("sigmoid",
            derivatives=lambda a, out: [((1.0 - out) * out, {"out": abs(1.0 - 2.0 * out)})],
            reference=_real(lambda mp, a: (1 / (1 + mp.exp(-a[0])),
                                           [mp.exp(-a[0]) / (1 + mp.exp(-a[0])) ** 2])),
            libm=True, domain="all reals", derivative_text="σ(x)(1 - σ(x))",
            deviations={
                LUAJIT20: OpBudget(2, 0, _JIT20 + " (through exp: 1/(1+e) keeps exp's 1 ulp, "
                                                  "plus a rounding)"),
                PORT: OpBudget(2, 1, "1/(1 + e^-x) or e^x/(1 + e^x), and s(1 - s) multiplied "
                                     "in either order: the same function, a few roundings "
                                     "apart")},
            curve=(-6.0, 6.0)),
    # Fused n-ary nodes (python_ref's Value.sum / Value.dot), the chain of + and *.
    Op(name="sum", kind="nary", syntax="sum(start, v1, v2, ...)", method="sum", layout=TERMS,
       apply=lambda start, vs: type(vs[0]).sum(vs, start), torch_apply=_chain_sum,
       derivatives=lambda a, out: [(1.0, {}) for _ in a], rounding_scale=_terms_scale,
       reference=_rational(lambda a: (sum(a), [1] * len(a))),
       domain="all reals", derivative_text="1 for each"),
    Op(name="dot", kind="nary", syntax="dot(start, [w1, w2, ...], [x1, x2, ...])",
       method="dot", layout=PAIRS,
       apply=lambda start, ws, xs: type(ws[0]).dot(ws, xs, start), torch_apply=_chain_dot,
       derivatives=_dot_derivatives, rounding_scale=_dot_scale,
       reference=_rational(_dot_reference),
       domain="all reals", derivative_text="1 for start, x_i for w_i, w_i for x_i"),
]}

BINARY_SYMBOLS = {op.syntax.split()[1]: name for name, op in OPS.items() if op.kind == "binary"}
METHODS = tuple(name for name, op in OPS.items() if op.kind == "unary" and op.is_method)


def docs_table():
    """The op set as a Markdown table (docs/fixtures.md's op table is this text)."""
    rows = ["| op | written | domain | local derivatives |", "|---|---|---|---|"]
    rows += [f"| `{op.name}` | `{op.syntax}` | {op.domain} | {op.derivative_text} |"
             for op in OPS.values()]
    return "\n".join(rows)


if __name__ == "__main__":   # docs/fixtures.md's op table: python -m micrograd_lab.harness.ops
    print(docs_table())

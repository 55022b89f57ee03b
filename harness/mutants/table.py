"""The planted bugs: one classic port mistake each, as exact text edits.

An edit replaces text that must occur exactly once in the file (a test
checks every edit still applies, so the table cannot drift from the engines
unnoticed).  `equivalent` gives the reason a mutant cannot change any
result the checks see; such a mutant is expected to survive.
"""
from dataclasses import dataclass

PY_ENGINE, PY_NN = "python_ref/engine.py", "python_ref/nn.py"
LUA_ENGINE, LUA_NN = "lua_port/micrograd/engine.lua", "lua_port/micrograd/nn.lua"


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str          # the file the edits apply to, relative to the repo
    bug: str           # the classic mistake, as a port author would make it
    edits: tuple       # of (old text, new text)
    equivalent: str = ""   # why no check can see it ("" for a real bug)
    equivalent_on: tuple = ()   # the runtimes where that holds (empty: all of them)

    @property
    def language(self):
        return "python" if self.file.endswith(".py") else "lua"

    def equivalent_here(self, runtime):
        """Is this mutant expected to survive on runtime?"""
        return bool(self.equivalent) and (not self.equivalent_on or runtime in self.equivalent_on)


def _both(name, bug, py_edits, lua_edits, equivalent_py="", equivalent_lua="", lua_on=()):
    """The same mistake in both engines (or both nn libraries); lua_on: the Lua
    runtimes where equivalent_lua holds (default: all)."""
    py_file, lua_file = (PY_NN, LUA_NN) if name.startswith("nn-") else (PY_ENGINE, LUA_ENGINE)
    out = []
    if py_edits:
        out.append(Mutant(name, py_file, bug, tuple(py_edits), equivalent_py))
    if lua_edits:
        out.append(Mutant(name, lua_file, bug, tuple(lua_edits), equivalent_lua, tuple(lua_on)))
    return out


_NO_INTEGERS = ("lua51", "lua52", "luajit20", "luajit21")
_NO_INTEGERS_WHY = "Lua before 5.3 and LuaJIT have no integer subtype: every number is a double"


MUTANTS = tuple(m for group in [
    # -- local derivatives wrong in a plausible way --------------------------
    _both("add-grad-assigned", "a gradient assigned instead of accumulated (add)",
          [("        a.grad += self.grad\n        b.grad += self.grad\n",
            "        a.grad = self.grad\n        b.grad = self.grad\n")],
          [("  a.grad = a.grad + self.grad\n  b.grad = b.grad + self.grad\n",
            "  a.grad = self.grad\n  b.grad = self.grad\n")]),
    _both("sub-sign-lost", "a lost sign: d(a-b)/db = +1",
          [("        b.grad += -self.grad\n", "        b.grad += self.grad\n")],
          [("  b.grad = b.grad + -self.grad\n", "  b.grad = b.grad + self.grad\n")]),
    _both("mul-grad-own-data", "d(a*b)/da taken as a instead of b",
          [("        a.grad += b.data * self.grad", "        a.grad += a.data * self.grad")],
          [("  a.grad = a.grad + b.data * self.grad", "  a.grad = a.grad + a.data * self.grad")]),
    _both("div-grad-sign-lost", "a lost sign in d(a/b)/db",
          [("        b.grad += -self.grad * ieee.div(self.data, b.data)",
            "        b.grad += self.grad * ieee.div(self.data, b.data)")],
          [("  b.grad = b.grad + -self.grad * ieee.div(self.data, b.data)",
            "  b.grad = b.grad + self.grad * ieee.div(self.data, b.data)")]),
    _both("div-grad-over-square", "d(a/b)/db as -a/b**2 (b*b over- or underflows)",
          [("        b.grad += -self.grad * ieee.div(self.data, b.data)",
            "        b.grad += -self.grad * ieee.div(a.data, b.data * b.data)")],
          [("  b.grad = b.grad + -self.grad * ieee.div(self.data, b.data)",
            "  b.grad = b.grad + -self.grad * ieee.div(a.data, b.data * b.data)")]),
    _both("div-as-pow", "division as a * b**-1 (micrograd's own way: two roundings)",
          [("        out = Value(ieee.div(self.data, other.data), (self, other), \"/\")",
            "        out = Value(self.data * ieee.pow(other.data, -1.0), (self, other), \"/\")")],
          [("  local out = new(ieee.div(self.data, other.data), {self, other}, \"/\")",
            "  local out = new(self.data * ieee.pow(other.data, -1.0), {self, other}, \"/\")")]),
    _both("pow-grad-exponent", "d(x**n)/dx = n * x**n (the exponent not lowered)",
          [("(n * ieee.pow(a.data, n - 1.0))", "(n * ieee.pow(a.data, n))")],
          [("(n * ieee.pow(a.data, n - 1.0))", "(n * ieee.pow(a.data, n))")]),
    _both("pow-zero-exponent", "no special case for x**0: 0 * x**-1 is nan at x = 0",
          [("        if n != 0.0:\n", "        if True:\n")],
          [("  if n ~= 0.0 then\n", "  if true then\n")]),
    _both("pow-value-base-grad", "d(a**b)/da = b * a**b (Value exponent)",
          [("(b.data * ieee.pow(a.data, b.data - 1.0))", "(b.data * ieee.pow(a.data, b.data))")],
          [("(b.data * ieee.pow(a.data, b.data - 1.0))", "(b.data * ieee.pow(a.data, b.data))")]),
    _both("pow-masked-zero-missing", "no masked zero: d(0**b)/db = 0 * log(0) = nan",
          [("        local = 0.0 if (a.data == 0.0 and b.data >= 0.0) else self.data * ieee.log(a.data)",
            "        local = self.data * ieee.log(a.data)")],
          [("  if a.data == 0.0 and b.data >= 0.0 then dlocal = 0.0 end\n", "")]),
    _both("neg-sign-lost", "a lost sign: d(-x)/dx = +1",
          [("        self._prev[0].grad += -self.grad", "        self._prev[0].grad += self.grad")],
          [("  a.grad = a.grad + -self.grad", "  a.grad = a.grad + self.grad")]),
    _both("relu-other-kink", "the other kink convention: relu'(0) = 1",
          [("        if not (self.data <= 0.0):", "        if self._prev[0].data >= 0.0:")],
          [("  if not (self.data <= 0.0) then", "  if self._prev[1].data >= 0.0 then")]),
    # differs only at -0.0: relu(-0.0) = +0.0, which shows downstream as 1/x = +inf
    _both("relu-forward-le", "relu(x) = 0 for x <= 0 (the other sign of zero at -0.0)",
          [("0.0 if self.data < 0.0 else self.data", "0.0 if self.data <= 0.0 else self.data")],
          [("self.data < 0.0 and 0.0 or self.data", "self.data <= 0.0 and 0.0 or self.data")]),
    # Once equivalent on Lua 5.3+, when the 2 ulp their own tanh is allowed
    # reached the derivative; now only t's measured error does, and their t
    # is C's at tanh(3), tanh(7) and tanh(10).
    _both("tanh-grad-cancelling", "tanh' as 1 - t*t (cancels near |t| = 1)",
          [("((1.0 - t) * (1.0 + t))", "(1.0 - t * t)")],
          [("((1.0 - t) * (1.0 + t))", "(1.0 - t * t)")]),
    _both("tanh-through-exp", "tanh as (e^2x - 1)/(e^2x + 1): nan from x = 355",
          [("        t = ieee.tanh(self.data)",
            "        e2 = ieee.exp(2.0 * self.data)\n        t = ieee.div(e2 - 1.0, e2 + 1.0)")],
          [("  local t = ieee.tanh(self.data)",
            "  local e2 = ieee.exp(2.0 * self.data)\n  local t = ieee.div(e2 - 1.0, e2 + 1.0)")]),
    _both("exp-grad-input", "d(e^x)/dx taken as x",
          [("        self._prev[0].grad += self.grad * self.data",
            "        self._prev[0].grad += self.grad * self._prev[0].data")],
          [("  a.grad = a.grad + self.grad * self.data", "  a.grad = a.grad + self.grad * a.data")]),
    _both("log-grad-output", "d(log x)/dx = 1 / log x",
          [("        a.grad += ieee.div(self.grad, a.data)", "        a.grad += ieee.div(self.grad, self.data)")],
          [("  a.grad = a.grad + ieee.div(self.grad, a.data)", "  a.grad = a.grad + ieee.div(self.grad, self.data)")]),
    _both("sigmoid-grad-half", "sigmoid' as 1 - s (a factor dropped)",
          [("self.grad * (1.0 - s) * s", "self.grad * (1.0 - s)")],
          [("self.grad * (1.0 - s) * s", "self.grad * (1.0 - s)")]),
    _both("sum-grad-assigned", "a gradient assigned instead of accumulated (fused sum)",
          [("            child.grad += self.grad", "            child.grad = self.grad")],
          [("    child.grad = child.grad + self.grad", "    child.grad = self.grad")]),
    _both("dot-grad-own-data", "d(w.x)/dw taken as w",
          [("            w.grad += x.data * g", "            w.grad += w.data * g")],
          [("    w.grad = w.grad + x.data * g", "    w.grad = w.grad + w.data * g")]),
    _both("dot-start-grad-lost", "the start (bias) of a dot gets no gradient",
          [("        start.grad += g\n", "")],
          [("  start.grad = start.grad + g\n", "")]),
    # -- the backward walk ----------------------------------------------------
    _both("no-visited-set", "a topological sort without a visited set",
          [("                if child._walk is not walk:", "                if True:")],
          [("      if child._walk ~= walk then", "      if true then")]),
    _both("reversed-order", "the topological order walked forwards",
          [("        for node in reversed(topo):", "        for node in topo:")],
          [("  for i = #topo, 1, -1 do", "  for i = 1, #topo do")]),
    # -- numbers ---------------------------------------------------------------
    _both("integer-data", "data kept as given (Lua 5.3+ integers wrap at 2^63)",
          [("        self.data = float(data)", "        self.data = data")],
          [("    data = data * 1.0,", "    data = data,")],
          equivalent_py="Python integers never wrap, and every op's result is a float as "
                        "soon as a float meets it",
          equivalent_lua=_NO_INTEGERS_WHY, lua_on=_NO_INTEGERS),
    _both("integer-gradients", "gradients kept as integers: grad = 0 and a seed of 1",
          [("        self.grad = 0.0\n", "        self.grad = 0\n"),
           ("        self.grad = 1.0\n", "        self.grad = 1\n")],
          [("    grad = 0.0,", "    grad = 0,"), ("  self.grad = 1.0\n", "  self.grad = 1\n")],
          equivalent_py="Python integers never wrap: an integer gradient is exact where a "
                        "float one is",
          equivalent_lua=_NO_INTEGERS_WHY, lua_on=_NO_INTEGERS),
    _both("rsub-swapped", "number - Value computed as Value - number",
          [("        return Value(other) - self", "        return self - Value(other)")],
          [("Value.__sub = function(a, b) return Value.sub(lift(a), b) end",
            "Value.__sub = function(a, b) if type(a) == \"number\" then return Value.sub(b, a) end return Value.sub(a, b) end")]),
    _both("rdiv-swapped", "number / Value computed as Value / number",
          [("        return Value(other) / self", "        return self / Value(other)")],
          [("Value.__div = function(a, b) return Value.div(lift(a), b) end",
            "Value.__div = function(a, b) if type(a) == \"number\" then return Value.div(b, a) end return Value.div(a, b) end")]),
    _both("sub-as-add-neg", "a - b as a + (-b)",
          [("        out = Value(self.data - other.data, (self, other), \"-\")",
            "        out = Value(self.data + (-other.data), (self, other), \"-\")")],
          [("  local out = new(self.data - other.data, {self, other}, \"-\")",
            "  local out = new(self.data + (-other.data), {self, other}, \"-\")")],
          equivalent_py="IEEE-754 defines a - b as a + (-b): the same double for every input",
          equivalent_lua="IEEE-754 defines a - b as a + (-b): the same double for every input"),
    # -- the nn library ---------------------------------------------------------
    _both("nn-zero-grad-missing", "zero_grad that does not reset",
          [("            p.grad = 0.0", "            pass")],
          [("    params[i].grad = 0.0", "    local _ = params[i]")]),
    _both("nn-bias-dropped", "the neuron's bias left out of its sum",
          [("            act = Value.dot(self.w, x, self.b)", "            act = Value.dot(self.w, x)")],
          [("    act = Value.dot(self.w, x, self.b)", "    act = Value.dot(self.w, x)")]),
    _both("nn-bias-not-a-parameter", "the bias missing from parameters()",
          [("        return self.w + [self.b]", "        return list(self.w)")],
          [("  params[#params + 1] = self.b\n", "")]),
    _both("nn-last-layer-nonlinear", "the last layer keeps the hidden nonlinearity",
          [("nonlin=nonlin if i != len(nouts) - 1 else last_nonlin", "nonlin=nonlin")],
          [("      nonlin = opts.last_nonlin or \"linear\"\n", "")]),
    _both("nn-weights-positive", "weights drawn from uniform(0, 1)",
          [("        self.w = [Value(rng.uniform(-1.0, 1.0)) for _ in range(nin)]",
            "        self.w = [Value(rng.uniform(0.0, 1.0)) for _ in range(nin)]")],
          [("    self.w[i] = Value(rng:uniform(-1.0, 1.0))", "    self.w[i] = Value(rng:uniform(0.0, 1.0))")]),
] for m in group)


def by_name(names):
    """The mutants whose names are in names (all when names is empty)."""
    wanted = set(names)
    unknown = wanted - {m.name for m in MUTANTS}
    if unknown:
        raise KeyError(f"unknown mutant {', '.join(sorted(unknown))}; "
                       f"known: {', '.join(sorted({m.name for m in MUTANTS}))}")
    return [m for m in MUTANTS if not wanted or m.name in wanted]

"""The conventions where a port may legitimately differ from python_ref, and
which values each one covers (harness.judge.verdict decides CONVENTION from them).

Each convention is a fixture tag (harness/fixture.py TAGS); a FAIL on a
fixture with that tag reads CONVENTION when every value that differs is one
the convention covers:
  * a gradient convention (relu at 0 or nan, x**0 and 0**b) covers the
    gradient of the op's argument and of everything that argument depends on
    (the gradient flows on from there);
  * the sign of a zero covers the values python_ref itself gives otherwise
    when the zeros the port has of the other sign are flipped; it needs that
    evidence (a zero of the other sign in the port's own values).
The sign of a nan needs no verdict: the comparison treats every nan as equal.

pinned_conventions(program, reference) finds which conventions a program
pins, from python_ref's values: the fixture corpus test keeps the tags and
the programs in step, and fixture writers call it to tag what they write.
"""
import math
from dataclasses import dataclass
from typing import Callable

from .compare import differences, ulp_distance
from ..ops import OPS


# -- the graph, as the conventions need it ------------------------------------

def _value(arg, reference):
    return reference[arg.value][0] if arg.kind == "node" else arg.value


def _backward_reaches(program):
    return program.upstream([program.output])


def _is_zero(x):
    return x == 0.0


# -- gradient conventions: the arguments whose gradient is a convention ---------

def _relu_sites(test):
    def sites(program, reference):
        reached = _backward_reaches(program)
        return [step.args[0].value for step in program.steps
                if step.op == "relu" and step.out in reached and step.args[0].kind == "node"
                and test(_value(step.args[0], reference))]
    return sites


def _pow_sites(program, reference):
    """x**0 at x = 0 or nan (python_ref: slope 0; n*x**(n-1) gives 0*inf or
    0*nan = nan), and the exponent's slope of 0**b for b >= 0 (python_ref: 0;
    a**b*log(a) gives 0*-inf = nan, or 1*-inf)."""
    reached = _backward_reaches(program)
    out = []
    for step in program.steps:
        if step.op != "pow" or step.out not in reached:
            continue
        base, exponent = step.args
        b, e = _value(base, reference), _value(exponent, reference)
        if base.kind == "node" and e == 0.0 and (b == 0.0 or b != b):
            out.append(base.value)
        if exponent.kind == "node" and b == 0.0 and e >= 0.0:
            out.append(exponent.value)
    return out


# -- the sign of a zero ------------------------------------------------------------

def _flipped_evaluation(program, flips):
    """python_ref's evaluation with the zeros at the nodes `flips` of the
    other sign (the rest of the graph computed from them)."""
    from micrograd_lab.python_ref.engine import Value
    nodes = {}
    for name, value in program.inputs:
        nodes[name] = Value(-value if name in flips else value)
    for step in program.steps:
        args = step.resolve(nodes.__getitem__)
        if step.op == "sum":
            node = Value.sum(args[1:], args[0])
        elif step.op == "dot":
            n = (len(args) - 1) // 2
            node = Value.dot(args[1:1 + n], args[1 + n:], args[0])
        else:
            node = OPS[step.op].apply(*args)
        if step.out in flips:
            node.data = -node.data
        nodes[step.out] = node
    nodes[program.output].backward()
    return {name: (nodes[name].data, nodes[name].grad) for name in program.node_ids()}


# Flipping a zero costs one evaluation per zero node: only small programs are
# searched (every fixture that pins a sign is a few nodes).
ZERO_SIGN_MAX_NODES = 200


def _zero_sign_sites(program, reference):
    """The zero-valued nodes whose sign changes some other value."""
    if len(program.node_ids()) > ZERO_SIGN_MAX_NODES:
        return []
    out = []
    for node in program.node_ids():
        data = reference[node][0]
        if data is None or not _is_zero(data):
            continue
        if differences(reference, _flipped_evaluation(program, {node}), program)[1]:
            out.append(node)
    return out


def _sign_flipped(x, y):
    return _is_zero(x) and _is_zero(y) and math.copysign(1.0, x) != math.copysign(1.0, y)


# -- the conventions -----------------------------------------------------------

@dataclass(frozen=True)
class Convention:
    tag: str                  # the fixture tag, and the name a CONVENTION cell gives
    what: str                 # what differs, and what python_ref does
    sites: Callable           # sites(program, reference) -> [node id]
    kind: str = "grad"        # "grad": the gradient of each site and its upstream;
                              # "sign": see covered()


CONVENTIONS = {c.tag: c for c in [
    Convention("relu-grad-at-zero", "relu's gradient at 0: python_ref and torch pass none "
               "(0); ports also use 1 (x >= 0) or 0.5", _relu_sites(_is_zero)),
    Convention("relu-grad-at-nan", "relu's gradient at nan: python_ref passes it (nan <= 0 "
               "is false, as in torch); ports testing x > 0 pass none", _relu_sites(
                   lambda x: x != x)),
    Convention("pow-grad-at-zero", "the gradient of x**0 at x = 0 or nan, and of 0**b in b: "
               "python_ref and torch give 0; the formulas n*x**(n-1) and a**b*log(a) give "
               "0*inf = nan or -inf", _pow_sites),
    Convention("zero-sign", "the sign of a zero (-x as 0 - x, relu(-0.0) as +0.0, -0.0 read "
               "as +0.0): seen only downstream, through 1/x and x**-n",
               _zero_sign_sites, kind="sign"),
]}


def pinned_conventions(program, reference):
    """The tags of the conventions this program pins (python_ref's values)."""
    return [tag for tag, c in CONVENTIONS.items() if c.sites(program, reference)]


def covered(convention, program, reference, evaluation):
    """{(node, field index)} the convention covers in this evaluation, or
    None when the evaluation shows no sign of it."""
    sites = convention.sites(program, reference)
    if not sites:
        return None
    if convention.kind == "grad":
        return {(node, 1) for node in program.upstream(sites)}
    flipped = [n for n in sites if n in evaluation and evaluation[n][0] is not None
               and _sign_flipped(reference[n][0], evaluation[n][0])]
    if not flipped:
        return None
    # exactly the values python_ref itself gives otherwise with those zeros flipped
    other = _flipped_evaluation(program, set(flipped))
    return {(node, i) for node in program.node_ids() for i in (0, 1)
            if ulp_distance(reference[node][i], other[node][i]) != 0}

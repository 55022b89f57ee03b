"""Diagnosis: the classic bug a pattern of failures points to, with the
fixture (or probe) and the node that show it.

Each cell that fails is examined once, while its values are at hand
(examine: a list of Evidence); the probes add theirs; diagnose() gathers
them into one Diagnosis per bug.  Every signature is a fact about the
values, not a guess from a fixture's name:

  assigned        at the first node (backward order) whose gradient is
                  wrong while everything it feeds is right, the gradient is
                  one of its contributions, not their sum (`grad = ...`
                  instead of `grad = grad + ...`)
  no-visited      there, it is the sum of its contributions, each counted as
                  many times as there are paths from the output to the
                  node it comes from (the topological sort lists a node once
                  per path: its backward runs that often)
  wrong-order     there, a node used once has a gradient other than its one
                  contribution (0: its consumer ran backward before its own
                  gradient was complete)
  integer-wrap    a value is what 64-bit integer arithmetic makes of
                  python_ref's (2^63 wraps to -2^63, 2^64 to 0), or the
                  numbers probe's integral inputs wrap
  recursion       the depth probes fail with a stack overflow (the size, per
                  runtime), or a fixture ERRORs with one
  tanh-exp        a tanh node holds what (e^2x - 1)/(e^2x + 1) or a kin of it
                  gives: nan from overflow (x >= 355), or digits lost near 0
  div-pow         a division holds x * y^-1 (or x * (1/y)), one rounding more
                  than x / y
  child-order     the determinism probe saw two runs differ
  number-left     the numbers probe: 2 * x fails where x * 2 works
"""
import math
import re
from dataclasses import dataclass, field

from ..compare import ERROR, FAIL, ulp_distance
from ..derivatives import local_derivatives
from .verdicts import CONVENTION


@dataclass(frozen=True)
class Bug:
    key: str
    title: str
    meaning: str          # what the port does, and how to fix it


BUGS = {b.key: b for b in [
    Bug("assigned", "gradients assigned instead of accumulated",
        "a node used more than once keeps only its last contribution: each backward step "
        "must add to the gradient (grad = grad + ...), never set it"),
    Bug("no-visited", "a topological order without a visited set",
        "the sort lists a node once per path from the output, so its backward runs that many "
        "times and everything below it is counted again (and a graph with much reuse takes "
        "exponential time): mark nodes visited and list each once"),
    Bug("wrong-order", "nodes walked in the wrong order",
        "a node ran its backward before every node that uses it had added to its gradient: "
        "walk the topological order from the output back to the inputs (reversed)"),
    Bug("integer-wrap", "integer gradients that wrap (Lua 5.3+)",
        "a value that started as a Lua integer (grad = 0, backward's seed 1, or an integral "
        "input) stays one, and 64-bit integers wrap at 2^63: start from floats (0.0, 1.0) "
        "and turn inputs into floats (x + 0.0)"),
    Bug("recursion", "a recursion limit",
        "the topological sort (or backward) recurses once per level of the graph, and the "
        "runtime's stack ends at a depth of its own: walk the graph with an explicit stack"),
    Bug("tanh-exp", "tanh through exp",
        "tanh computed from exp overflows for |x| >= 355 (inf/inf = nan) and loses digits "
        "near 0 (e^2x - 1 cancels): use math.tanh where the runtime has it, or a formula "
        "that is exact at both ends"),
    Bug("div-pow", "division as b**-1",
        "x / y computed as x * y**-1 rounds twice, so it is often 1 ulp from x / y: divide"),
    Bug("child-order", "non-deterministic child order",
        "the children of a node are walked in an order that changes from run to run (pairs() "
        "over a set), so gradients summed from several paths round differently each run: "
        "keep children in an array, in argument order"),
    Bug("number-left", "numbers on the left unsupported",
        "2 * x fails where x * 2 works: the metamethods assume a Value on the left; turn "
        "either operand into a Value"),
]}


@dataclass(frozen=True)
class Evidence:
    bug: str
    runtime: str
    where: str            # a fixture name, or a probe ("probe numbers")
    node: str             # "" when no node
    detail: str           # one line

    def to_json(self):
        return {"bug": self.bug, "runtime": self.runtime, "where": self.where,
                "node": self.node, "detail": self.detail}


@dataclass
class Diagnosis:
    bug: Bug
    evidence: list = field(default_factory=list)   # of Evidence, the first few per runtime
    count: int = 0                                  # how much evidence in all

    @property
    def runtimes(self):
        return list(dict.fromkeys(e.runtime for e in self.evidence))

    def headline(self):
        first = self.evidence[0]
        at = f"{first.where}" + (f", node {first.node}" if first.node else "")
        return f"{self.bug.title} ({', '.join(self.runtimes)}): {at}: {first.detail}"

    def to_json(self):
        return {"bug": self.bug.key, "title": self.bug.title, "meaning": self.bug.meaning,
                "runtimes": self.runtimes, "count": self.count,
                "evidence": [e.to_json() for e in self.evidence]}


# -- one failing cell --------------------------------------------------------------

RECURSION = re.compile(r"stack overflow|recursion|call stack size|too many C levels",
                       re.IGNORECASE)
REL = 1e-9   # structural faults change a gradient by far more than rounding


def _close(a, b):
    if a is None or b is None:
        return a is b
    if a != a or b != b:
        return a != a and b != b
    if a == b:
        return True
    if math.isinf(a) or math.isinf(b):
        return False
    return abs(a - b) <= REL * max(abs(a), abs(b))


def examine(fixture, reference, evaluation, cell, runtime):
    """The Evidence one cell gives (FAIL, CONVENTION or ERROR)."""
    if cell.status == ERROR:
        if RECURSION.search(cell.message):
            return [Evidence("recursion", runtime, fixture.name, "", cell.message[:200])]
        return []
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    program = fixture.program
    found = []
    found += _integer_wrap(program, reference, evaluation, runtime, fixture.name)
    found += _tanh_exp(program, reference, evaluation, runtime, fixture.name)
    found += _div_pow(program, reference, evaluation, runtime, fixture.name)
    if not found and cell.status == FAIL:
        found += _gradient_origin(program, reference, evaluation, runtime, fixture.name)
    return found


def _wrap64(x):
    """What 64-bit two's complement integer arithmetic makes of integral x."""
    n = (int(x) + 2**63) % 2**64 - 2**63
    return float(n)


def _integer_wrap(program, reference, evaluation, runtime, where):
    best = None
    for node in program.node_ids():
        for index, name in enumerate(("data", "grad")):
            ref, got = reference[node][index], evaluation.get(node, (None, None))[index]
            if ref is None or got is None or not math.isfinite(ref) or abs(ref) < 2.0**63:
                continue
            if ref.is_integer() and got != ref and got == _wrap64(ref):
                if best is None or abs(ref) < abs(best[2]):
                    best = (node, name, ref, got)
    if best is None:
        return []
    node, name, ref, got = best
    return [Evidence("integer-wrap", runtime, where, node,
                     f"{name} is {got!r} where python_ref has {ref!r} = 2^{math.log2(abs(ref)):g}: "
                     "a 64-bit integer wrapped")]


def _exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _tanh_through_exp(x):
    """The values tanh(x) takes when computed from exp, in the usual ways."""
    e2, ep, em = _exp(2 * x), _exp(x), _exp(-x)
    out = []
    for f in (lambda: (e2 - 1) / (e2 + 1), lambda: (ep - em) / (ep + em),
              lambda: 1 - 2 / (e2 + 1), lambda: (1 - _exp(-2 * x)) / (1 + _exp(-2 * x))):
        try:
            out.append(f())
        except ZeroDivisionError:
            continue
    return out


def _tanh_exp(program, reference, evaluation, runtime, where):
    for step in program.steps:
        if step.op != "tanh" or step.args[0].kind != "node":
            continue
        x = reference[step.args[0].value][0]
        ref, got = reference[step.out][0], evaluation[step.out][0]
        if got is None or ulp_distance(ref, got) == 0 or x is None or not math.isfinite(x):
            continue
        if any(ulp_distance(v, got) == 0 for v in _tanh_through_exp(x)):
            why = ("e^2x overflows and inf/inf is nan" if got != got else
                   f"relative error {abs(got - ref) / abs(ref):.1e}" if ref else "")
            return [Evidence("tanh-exp", runtime, where, step.out,
                             f"tanh({x!r}) is {got!r}, python_ref {ref!r}: {why}")]
    return []


def _reciprocal_products(x, y):
    inverse = [1.0 / y if y else math.copysign(math.inf, y)]
    if y:
        try:
            inverse.append(y ** -1.0)
        except (ZeroDivisionError, OverflowError):
            pass
    return [x * r for r in inverse]


def _div_pow(program, reference, evaluation, runtime, where):
    for step in program.steps:
        if step.op != "div":
            continue
        x, y = (reference[a.value][0] if a.kind == "node" else a.value for a in step.args)
        ref, got = reference[step.out][0], evaluation[step.out][0]
        if got is None or ulp_distance(ref, got) == 0:
            continue
        if any(ulp_distance(v, got) == 0 for v in _reciprocal_products(x, y)):
            return [Evidence("div-pow", runtime, where, step.out,
                             f"{x!r} / {y!r} is {got!r}, python_ref {ref!r} "
                             f"({ulp_distance(ref, got):g} ulp): x * y^-1")]
    return []


def _paths_from_output(program):
    """{node: how many paths lead from the output down to it}."""
    paths = {program.output: 1}
    for step in reversed(program.steps):
        p = paths.get(step.out, 0)
        if not p:
            continue
        for arg in step.args:
            if arg.kind == "node":
                paths[arg.value] = paths.get(arg.value, 0) + p
    return paths


def _contributions(program, reference, node):
    """[(contribution, the consumer's id)]: what each use of node adds to its
    gradient, from python_ref's values."""
    out = []
    for step in program.steps:
        uses = [i for i, a in enumerate(step.args) if a.kind == "node" and a.value == node]
        if not uses:
            continue
        values = [reference[a.value][0] if a.kind == "node" else a.value for a in step.args]
        partials = local_derivatives(step.op, values, reference[step.out][0])
        g = reference[step.out][1]
        out += [(g * partials[i][0], step.out) for i in uses]
    return out


def _subset_sums(values, limit=12):
    """Sums of every proper subset (the empty one included) of a short list."""
    n = len(values)
    if n > limit:
        return []
    return [sum(v for i, v in enumerate(values) if mask >> i & 1)
            for mask in range(2**n - 1)]


def _gradient_origin(program, reference, evaluation, runtime, where):
    """The first wrong gradient in backward order, read for the structural bugs."""
    for node in program.node_ids():
        if ulp_distance(reference[node][0], evaluation[node][0]) != 0:
            return []   # the forward is off: the gradients say nothing of backward
    paths = _paths_from_output(program)
    for node in reversed(program.node_ids()):
        ref, got = reference[node][1], evaluation[node][1]
        if node not in paths or _close(ref, got):
            continue
        contributions = _contributions(program, reference, node)
        values = [c for c, _ in contributions]
        if not values or not all(math.isfinite(v) for v in values):
            return []
        detail = (f"gradient {got!r}, python_ref {ref!r} = the sum of "
                  f"{len(values)} contribution{'s' * (len(values) > 1)}")
        if len(values) >= 2 and any(_close(got, v) for v in values):
            return [Evidence("assigned", runtime, where, node,
                             detail + f" {', '.join(repr(v) for v in values)}: it kept one")]
        weighted = sum(paths.get(consumer, 0) * c for c, consumer in contributions)
        if any(paths.get(c, 0) > 1 for _, c in contributions) and _close(got, weighted):
            return [Evidence("no-visited", runtime, where, node,
                             detail + ", each counted once per path to it")]
        if any(_close(got, s) for s in _subset_sums(values)):
            return [Evidence("wrong-order", runtime, where, node,
                             detail + ": some were never added (their node ran backward "
                                      "too early)")]
        return []
    return []


# -- the whole check -----------------------------------------------------------------

KEEP_PER_RUNTIME = 3


def _probe_evidence(run):
    found = []
    for kind in ("depth-chain", "depth-wide"):
        probe = run.probes.get(kind)
        if probe and probe.details.get("error") and RECURSION.search(probe.details["error"]):
            d = probe.details
            found.append(Evidence("recursion", run.name, f"probe {kind}", "",
                                  f"longest {d['longest']:,} nodes, fails at "
                                  f"{d['first_failure']:,}: {d['error'][:160]}"))
    probe = run.probes.get("determinism")
    if probe and probe.details.get("identical") is False:
        d = probe.details
        found.append(Evidence("child-order", run.name, f"probe determinism: {d['program']}",
                              d["node"], f"{d['field']} is {d['values'][0]} in one run and "
                                         f"{d['values'][1]} in another"))
    probe = run.probes.get("numbers")
    if probe:
        found += _numbers_evidence(run.name, probe.details.get("cases", []))
    return found


def _numbers_evidence(runtime, cases):
    found = []
    by_key = {(c["op"], c["side"], c["integers"]): c for c in cases}
    for c in cases:
        if c["side"] != "left" or c["op"] == "pow" or not c["problem"]:
            continue
        right = by_key.get((c["op"], "right", c["integers"]))
        if right is not None and not right["problem"] and not c["problem"].startswith(
                "node "):   # an error, not a value
            found.append(Evidence("number-left", runtime, "probe numbers", "",
                                  f"{c['case']}: {c['problem'][:160]} (x {c['case'][2]} 2 "
                                  "works)"))
            break
    for c in cases:
        values = c.get("values") or {}
        if c["side"] == "none" and c["problem"] and 0.0 in values.values():
            shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
            found.append(Evidence("integer-wrap", runtime, "probe numbers", "",
                                  f"{c['case']} from the integer 1: {shown} (2^64 wrapped to 0)"))
    return found


def diagnose(result):
    """[Diagnosis] for a runner.CheckResult, in the order of BUGS."""
    gathered = {key: Diagnosis(bug) for key, bug in BUGS.items()}
    for run in result.runs:
        evidence = run.evidence + _probe_evidence(run)
        # a walk in the wrong order can also leave one contribution of a node
        # used twice, which reads as an assignment: it explains those too
        if any(e.bug == "wrong-order" for e in evidence):
            evidence = [e for e in evidence if e.bug != "assigned"]
        kept = {}
        for e in evidence:
            d = gathered[e.bug]
            d.count += 1
            kept[e.bug] = kept.get(e.bug, 0) + 1
            if kept[e.bug] <= KEEP_PER_RUNTIME:
                d.evidence.append(e)
    return [d for d in gathered.values() if d.count]

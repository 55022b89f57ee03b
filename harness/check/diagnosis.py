"""Diagnosis: the classic bug a pattern of failures points to, with the
fixture (or probe) and the node that show it.

Each cell that fails is examined once, while its values are at hand
(examine: a list of Evidence); the probes add theirs; diagnose() gathers
them into one Diagnosis per bug.  Every signature is a fact about the
values, not a guess from a fixture's name:

  assigned        every gradient of the fixture is what backward gives when
                  each step sets a gradient (grad = ...) instead of adding to
                  it: a node used twice keeps one contribution
  no-visited      ... when the topological sort has no visited set: a node
                  is listed once per path from the output, and its backward
                  runs that often
  wrong-order     ... when the sorted nodes are walked from the inputs to the
                  output instead of back from it
                  (simulated on the fixture with python_ref's local
                  derivatives: harness/ops.py)
  integer-wrap    a value is what 64-bit integer arithmetic makes of
                  python_ref's, and not 0 (2^63 wraps to -2^63), or the
                  numbers probe's 2^63 from the integer 1 wrapped
  recursion       the depth probes fail with a stack overflow (the size, per
                  runtime), or a fixture ERRORs with one
  tanh-exp        a tanh node holds, beyond the tanh budget, what
                  (e^2x - 1)/(e^2x + 1) or a kin of it gives: nan from
                  overflow (x >= 355), or digits lost near 0
  div-pow         a division holds x * y^-1 (or x * (1/y)), one rounding more
                  than x / y
  child-order     the determinism probe saw two runs differ
  number-left     the numbers probe: 2 * x fails where x * 2 works
"""
import math
import re
from dataclasses import dataclass, field

from ..judge.compare import ulp_distance
from ..ops import OPS
from ..judge.tolerances import PORT_OWN
from ..judge.verdict import CONVENTION, ERROR, FAIL


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
        "the children of a node are walked in an order that changes from run to run (a set "
        "of children: a Python set, pairs() over a Lua table keyed by node), so gradients "
        "summed from several paths round differently each run: keep children in a list or "
        "array, in argument order"),
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


def examine(fixture, evaluated, reference, evaluation, cell, runtime):
    """The Evidence one cell gives (FAIL, CONVENTION or ERROR).  evaluated:
    the program the port ran (the fixture's, or it with sum and dot
    lowered); reference: python_ref's values of the fixture's program."""
    if cell.status == ERROR:
        if RECURSION.search(cell.message):
            return [Evidence("recursion", runtime, fixture.name, "", cell.message[:200])]
        return _number_on_the_left(evaluated, cell, runtime, fixture.name)
    if cell.status not in (FAIL, CONVENTION) or evaluation is None:
        return []
    program = fixture.program
    found = []
    found += _integer_wrap(program, reference, evaluation, runtime, fixture.name)
    found += _tanh_exp(program, reference, evaluation, runtime, fixture.name)
    found += _div_pow(program, reference, evaluation, runtime, fixture.name)
    if not found and cell.status == FAIL:
        found += _structural(*_as_evaluated(evaluated, program, reference), evaluation,
                             runtime, fixture.name)
    return found


def _as_evaluated(evaluated, program, reference):
    """The program the port ran (sum and dot lowered, maybe) and python_ref's
    values for it."""
    if evaluated is program or len(evaluated.node_ids()) > SIMULATED_MAX_NODES:
        return program, reference
    from ..interpret import interpret   # python_ref, without the backend's shared cache
    return evaluated, interpret(evaluated)


FAILED_STEP = re.compile(r"^error: step (\S+) \((\w+)\): ")


def _number_on_the_left(program, cell, runtime, where):
    """An ERROR at a step with a number left of its operator (kept only where
    the numbers probe shows the same: see diagnose)."""
    m = FAILED_STEP.match(cell.message)
    step = program.step_by_id().get(m[1]) if m else None
    if step is None or len(step.args) != 2 or step.args[0].kind != "num" or \
            step.args[1].kind != "node":
        return []
    return [Evidence("number-left", runtime, where, step.out,
                     f"{step.text or step.op}: {cell.message[len(m[0]):][:160]}")]


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
            wrapped = _wrap64(ref) if ref.is_integer() else None
            if wrapped and got == wrapped:   # 0 would also be a gradient never added
                if best is None or abs(ref) < abs(best[2]):
                    best = (node, name, ref, got)
    if best is None:
        return []
    node, name, ref, got = best
    return [Evidence("integer-wrap", runtime, where, node,
                     f"{name} is {got!r} where python_ref has {ref!r} = 2^{math.log2(abs(ref)):g}: "
                     "a 64-bit integer wrapped")]


TANH_ULPS = PORT_OWN["tanh"].data


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
        if got is None or ulp_distance(ref, got) <= TANH_ULPS or x is None or \
                not math.isfinite(x):
            continue   # within what any port's own tanh may be off
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
        x, y = step.resolve(lambda node_id: reference[node_id][0])
        ref, got = reference[step.out][0], evaluation[step.out][0]
        if got is None or ulp_distance(ref, got) == 0:
            continue
        if any(ulp_distance(v, got) == 0 for v in _reciprocal_products(x, y)):
            return [Evidence("div-pow", runtime, where, step.out,
                             f"{x!r} / {y!r} is {got!r}, python_ref {ref!r} "
                             f"({ulp_distance(ref, got):g} ulp): x * y^-1")]
    return []


# The structural bugs, simulated: the gradients backward gives when it walks
# the nodes in another way, or assigns instead of adding.  A cell whose every
# gradient is one of these (and not python_ref's) shows that bug exactly.
WALKS = {"reversed": None, "no-visited": "no-visited", "forward": "wrong-order"}
SIMULATED_MAX_NODES = 5000
SIMULATED_MAX_WALK = 200_000   # a walk without a visited set can be exponential


def _post_order(program, visited_set):
    """Depth-first post-order from the output, children in argument order;
    without a visited set a node comes once per path (None past the cap)."""
    steps = program.step_by_id()
    order, seen = [], {program.output}
    stack = [(program.output, 0)]
    while stack:
        node, i = stack[-1]
        step = steps.get(node)
        args = [a.value for a in step.args if a.kind == "node"] if step else []
        if i < len(args):
            stack[-1] = (node, i + 1)
            child = args[i]
            if not visited_set or child not in seen:
                seen.add(child)
                stack.append((child, 0))
        else:
            stack.pop()
            order.append(node)
            if len(order) > SIMULATED_MAX_WALK:
                return None
    return order


def simulate(program, reference, walk, assign):
    """({node: gradient}, {node: sum of |contributions|}) of a backward that
    walks the nodes `walk` ("reversed": python_ref's; "no-visited": the same
    sort without a visited set; "forward": python_ref's sort, inputs first)
    and assigns (assign=True) or adds each contribution; None past the cap."""
    order = _post_order(program, visited_set=walk != "no-visited")
    if order is None:
        return None
    if walk != "forward":
        order.reverse()
    steps = program.step_by_id()
    grads = {node: 0.0 for node in program.node_ids()}
    scale = dict(grads)
    grads[program.output] = scale[program.output] = 1.0
    for node in order:
        step = steps.get(node)
        if step is None:
            continue
        values = step.resolve(lambda node_id: reference[node_id][0])
        partials = OPS[step.op].derivatives(values, reference[node][0])
        g = grads[node]
        for arg, (d, _) in zip(step.args, partials):
            if arg.kind != "node":
                continue
            c = g * d
            grads[arg.value] = c if assign else grads[arg.value] + c
            scale[arg.value] += abs(c)
    return grads, scale


def _near(got, want, scale):
    if got is None or want is None:
        return got is want
    if got != got or want != want:
        return got != got and want != want
    if got == want:
        return True
    if math.isinf(got) or math.isinf(want):
        return False
    return abs(got - want) <= REL * max(abs(got), abs(want), scale)


def _structural(program, reference, evaluation, runtime, where):
    """The structural bug whose simulation gives every gradient of the cell."""
    if len(program.node_ids()) > SIMULATED_MAX_NODES:
        return []
    for node in program.node_ids():
        if ulp_distance(reference[node][0], evaluation[node][0]) != 0:
            return []   # the forward is off: the gradients say nothing of backward
    matches = []
    for walk in WALKS:
        for assign in (False, True):
            if walk == "reversed" and not assign:
                continue   # python_ref's own backward
            simulated = simulate(program, reference, walk, assign)
            if simulated is None:
                continue
            grads, scale = simulated
            if all(_near(evaluation[n][1], grads[n], scale[n]) for n in program.node_ids()):
                bugs = [b for b in (WALKS[walk], "assigned" if assign else None) if b]
                matches.append(bugs)
    if not matches:
        return []
    fewest = min(len(m) for m in matches)
    simplest = [m for m in matches if len(m) == fewest]
    if len(simplest) > 1:
        return []   # two explanations fit this fixture: it shows neither
    shown = _first_wrong_gradient(program, reference, evaluation)
    if shown is None:
        return []
    node, got, want = shown
    detail = (f"gradient {got!r}, python_ref {want!r}; every gradient of the fixture is what "
              f"that backward gives")
    return [Evidence(bug, runtime, where, node, detail) for bug in simplest[0]]


def _first_wrong_gradient(program, reference, evaluation):
    """(node, port's gradient, python_ref's) of the first wrong gradient in
    backward order: the place the fault first shows."""
    for node in reversed(program.node_ids()):
        want, got = reference[node][1], evaluation[node][1]
        if not _near(got, want, 0.0):
            return node, got, want
    return None


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
        if c["side"] == "none" and c["problem"] and -2.0**63 in values.values():
            shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
            found.append(Evidence("integer-wrap", runtime, "probe numbers", "",
                                  f"{c['case']} from the integer 1: {shown} (2^63 wrapped to "
                                  "-2^63)"))
    return found


def diagnose(result):
    """[Diagnosis] for a runner.CheckResult, in the order of BUGS."""
    gathered = {key: Diagnosis(bug) for key, bug in BUGS.items()}
    for run in result.runs:
        probed = _probe_evidence(run)
        evidence = run.evidence + probed
        if not any(e.bug == "number-left" for e in probed):
            # an error at `2 * x` may have another cause: only the probe, which
            # tries x * 2 beside it, says it is the number on the left
            evidence = [e for e in evidence if e.bug != "number-left"]
        kept = {}
        for e in evidence:
            d = gathered[e.bug]
            d.count += 1
            kept[e.bug] = kept.get(e.bug, 0) + 1
            if kept[e.bug] <= KEEP_PER_RUNTIME:
                d.evidence.append(e)
    return [d for d in gathered.values() if d.count]

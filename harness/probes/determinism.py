"""determinism: two fresh engines (restart()) give bit-identical values on a
program whose gradients depend on the order children are walked, and on the
corpus's fixtures with fan-in; and those fixtures run again in the same
engine right after their judged run (run_again)."""
from dataclasses import replace

from ..engines.base import EngineFailure, NotApplicable, Unsupported
from ..judge.compare import first_bit_difference
from ..interpret import interpret
from ..judge.verdict import judge, runs_differ, runs_differ_by_failure
from ..levels import LECTURE, SCALE, level_of
from ..lower import lower
from .common import FAULT, OK, SKIPPED, Entry, Probe, failure_text, node, num, program

CHILD_ORDER_GROUPS = 40
TINY = 2.0 ** -53   # 1 + TINY + TINY is 1 or 1 + 2^-52, by the order they are added in


def child_order_program(groups=CHILD_ORDER_GROUPS):
    """x_i's gradient sums 1, TINY and TINY: 1 + 2^-52 when the two TINY come
    first, 1 otherwise.  Which comes first is the order backward walks the
    children of s_i = m_i + n_i: fixed in a port that walks them in argument
    order, a coin toss per group in one that walks a hash set (pairs())."""
    inputs, steps, total = [], [], None
    for i in range(1, groups + 1):
        x = f"x{i}"
        inputs.append((x, 1.0))
        steps += [(f"m{i}", "mul", (node(x), num(1.0))),
                  (f"p{i}", "mul", (node(x), num(TINY))),
                  (f"q{i}", "mul", (node(x), num(TINY))),
                  (f"n{i}", "add", (node(f"p{i}"), node(f"q{i}"))),
                  (f"s{i}", "add", (node(f"m{i}"), node(f"n{i}")))]
        if total is None:
            total = f"s{i}"
        else:
            steps.append((f"t{i}", "add", (node(total), node(f"s{i}"))))
            total = f"t{i}"
    return program(inputs, steps, total)


DETERMINISM_MAX_NODES = 5000   # the largest fixture the probe runs again after a restart


def has_fan_in(program):
    """Is a node used more than once (by one step or by several)?  Its
    gradient then sums contributions from several paths, in an order a port
    may take from a hash set, and a sort that walks a set may list it twice.
    Without one the graph is a tree, which any walk visits once per node."""
    used = set()
    for step in program.steps:
        for arg in step.args:
            if arg.kind == "node":
                if arg.value in used:
                    return True
                used.add(arg.value)
    return False


def kept_for_determinism(fixture):
    """Is this fixture's evaluation compared again after a restart (the probe)?"""
    return has_fan_in(fixture.program) and \
        len(fixture.program.node_ids()) <= DETERMINISM_MAX_NODES


# -- the fixtures with fan-in, run again in the same engine -----------------------------
#
# A port whose answer depends on the order of a hash set (a Python set of
# Values, hashed by address; pairs() over a table keyed by node, which LuaJIT
# hashes by address; a Go map, whose order is random on purpose) gives one
# answer or another by where its nodes happen to sit in memory, which changes
# with everything the process did before.  Judged once, such a port passes
# or fails by luck.  So every fixture with fan-in runs again right after its
# judged run, in the same engine, every other time with its inputs made in
# reverse order (which moves them in memory and changes nothing for a port
# that is deterministic: a leaf's place among the other leaves decides no
# sum), and any bit that differs is a FAIL "non-deterministic" on that
# fixture's cell.  The determinism probe adds two runs in fresh engines.
#
# What is left to chance: where one ordering comes with probability p in each
# run, n runs all agree with probability p^n + (1-p)^n.  A small fixture gets
# n = 17 runs here (the judged one and REPEATS more) and 2 more in the probe:
# an even split (what tests/ports/set-order shows on fd-cancelling-paths-1e16)
# goes unseen about once in 260,000 checks; an ordering that comes one run in
# ten, one check in seven; one in a hundred, most of the time.  A large
# fixture gets fewer runs (REPEAT_NODES), but in a large graph nearly every
# run differs.  A check has dozens of such fixtures, so its exit code is
# steadier than any one of them.
REPEATS = 16
REPEAT_NODES = 20_000   # nodes one fixture's runs again may cost an engine (one run at least)


def repeats(program):
    """How many times a fixture with fan-in runs again."""
    return max(1, min(REPEATS, REPEAT_NODES // max(1, len(program.node_ids()))))


def inputs_reversed(program):
    """The same program with its inputs made in the reverse order."""
    return replace(program, inputs=tuple(reversed(program.inputs)))


def lecture_allows(budget, fixture, other, reference=None, cache=None):
    """May a run of fixture differ from the judged one: on the lecture level,
    a port's run (its budget has the lecture's classes) that is itself
    within that budget.  The lecture keeps a node's children in a set
    (micrograd's _prev = set(_children)), whose order changes from process
    to process, and so the order gradient contributions are added in: any
    valid order passes there.  A run that is wrong in some order (a node
    sorted twice) still fails; the probe's child-order program (scale)
    still sees the set."""
    if not getattr(budget, "lecture", ()) or level_of(fixture.tags) != LECTURE:
        return False
    program = fixture.program
    reference = interpret(program) if reference is None else reference
    return judge(budget.on_lecture_level(), program, reference, other, cache,
                 fixture.tags).passed


def run_again(engine, program, first, allowed=None):
    """Run program (as the engine runs it: sum and dot lowered, maybe) on
    engine repeats(program) more times, every other time with its inputs
    reversed: a FAIL "non-deterministic" for the first run that differs in
    any bit from `first` (the judged run's evaluation) and that allowed
    (a function of that run's evaluation, lecture_allows) does not allow,
    else None.  A run past the time or memory limit, or one the engine
    cannot give, ends the runs without a verdict (a loaded machine, not the
    port)."""
    forms = (program, inputs_reversed(program))
    for n in range(repeats(program)):
        how = (f"in run {n + 2}" + (", with the inputs made in reverse order" if n % 2 else "")
               + " (the same process)")
        try:
            other = engine.evaluate(forms[n % 2])
        except EngineFailure as exc:
            if exc.kind in ("timeout", "memory"):
                return None
            return runs_differ_by_failure(program, how, failure_text(exc))
        except (NotApplicable, Unsupported):
            return None
        cell = runs_differ(program, first, other, how)
        if cell is not None and not (allowed and allowed(other)):
            return cell
    return None


# -- the probe: fresh engines ---------------------------------------------------------------

first_difference = first_bit_difference   # the name the tests know it by


def probe_determinism(runtime, lower_ops, kept, fixtures):
    """Restart twice, evaluate the child-order program and the kept fixtures
    after each, and compare bit by bit (with the corpus run's values too).
    A kept fixture that differs also gets its own cell: a FAIL
    "non-deterministic" (Probe.cells)."""
    programs = [("child-order", child_order_program())]
    programs += [(f.name, f.program) for f in fixtures if f.name in kept]
    by_name = {f.name: f for f in fixtures if f.name in kept}
    runs = []
    for _ in range(2):
        try:
            runtime.restart()
            runs.append({name: runtime.evaluate(lower(program, lower_ops))
                         for name, program in programs})
        except Exception as exc:
            return Probe("determinism", SKIPPED, f"not measured: {failure_text(exc)}")
    found, cells = None, {}
    for name, program in programs:
        if name in kept:   # the judged run against each fresh one
            for n, run in enumerate(runs):
                cell = runs_differ(program, kept[name], run[name],
                                   f"in a fresh process ({'first' if n == 0 else 'second'} "
                                   "restart)")
                if cell is not None and not lecture_allows(runtime.budget, by_name[name],
                                                           run[name]):
                    cells[name] = cell
                    break
        candidates = [r[name] for r in runs] + ([kept[name]] if name in kept else [])
        for other in candidates[1:]:
            difference = first_difference(program, candidates[0], other)
            if difference and found is None:
                found = (name, *difference)
    if found:
        name, node_id, which, a, b = found
        more = f" ({len(cells)} fixtures differ)" if len(cells) > 1 else ""
        return Probe("determinism", FAULT,
                     f"results differ between runs: {name}, {node_id}.{which} is {a!r} in one "
                     f"run and {b!r} in another{more}",
                     {"identical": False, "program": name, "node": node_id, "field": which,
                      "values": [repr(a), repr(b)], "programs": len(programs),
                      "fixtures": sorted(cells)}, cells=cells)
    if all(grad == 0 for run in runs for values in run.values() for _, grad in values.values()):
        # nothing that depends on an order was computed: a port whose backward
        # gives no gradient earned scale points here
        return Probe("determinism", SKIPPED, "not measured: every gradient of every program is 0, "
                     "so no order of the children shows")
    return Probe("determinism", OK, f"bit-identical in two fresh runtimes on {len(programs)} "
                 "programs whose gradients depend on the order children are walked",
                 {"identical": True, "programs": len(programs)})


def _run(context):
    return probe_determinism(context.engine, context.lower_ops, context.kept, context.fixtures)


PROBES = [Entry("determinism", 3, _run, test_port="modules", level=SCALE)]

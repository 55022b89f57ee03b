"""One runner for every command: corpus x engines -> one RunResult.

The parity matrix is the registry's engines, plus the column of the
fixtures' own numbers (expected) and every cell against torch too; the check
is the engines a manifest opens, plus the op probe before the corpus, the
probes after it and the diagnoses.  Both judge every cell alike
(harness.judge.verdict with the engine's budget), every run an engine has of
a program included (Lua 5.3+: as floats and as integers, whoever wrote the
port).

One scheduler: a pool of worker processes, each opening the engines it is
given once (harness.engines.registry.open_engine) and keeping them across
tasks.  A task is one fixture on a group of engines: the worker evaluates
python_ref (the reference), torch when every cell is also judged against
it, then each engine's runs, and judges them.  Big fixtures go first, one
per worker, split among the workers when they do not divide evenly; forked
workers find the fixtures in memory, so no program is pickled to them.
The op probe and the probes are tasks of the same pool, one per engine.
What a run gives is in run_result.py; the pool and the order of the tasks
in schedule.py.
"""
import gc
import time
from collections import Counter
from dataclasses import dataclass, field, replace

from . import diagnoses, probes
from .engines.base import EngineFailure, NotApplicable, Unsupported
from .engines.printed import merge as merge_printed
from .engines.registry import ENGINES, REFERENCE, TORCH, close_engines, open_engine
from .judge import verdict
from .judge.compare import kept_pairs
from .judge.tolerances import BudgetCache
from .judge.verdict import ERROR, Cell, unsupported
from .levels import LECTURE, LEVELS, level_of
from .lower import LOWERABLE, lower
from .nn import cell as nn_cell
from .ops import OPS
from .program import FLOATS, INTEGERS
from .run_control import (IN_FLIGHT, INTERRUPTED, Control, Interrupted, Limits, NotRun,
                          ignore_further_interrupts)
from .run_result import (CATEGORY, COUNTED, EXPECTED, CheckSettings, DoesNotStart,  # noqa: F401
                         FixtureResult, LevelLine, Port, RunResult)  # (the runner's API)
from .schedule import Scheduler, default_jobs, fixture_tasks, merge_parts

NOT_PROBED = "not probed: the run stopped this runtime first (NOT RUN below says why)"


# -- one engine on one program ------------------------------------------------------

def run_engine(engine, program, variant=FLOATS):
    """(evaluation or None, Cell or None): the Cell is ERROR, N/A or
    UNSUPPORTED when the engine had no evaluation to give."""
    return attempt(lambda: engine.evaluate(program, integers=variant == INTEGERS))


def attempt(ask):
    """(what ask() gives or None, Cell or None): an engine's answer, or the
    cell of why it gave none (ERROR, N/A, UNSUPPORTED)."""
    try:
        return ask(), None
    except NotApplicable as exc:
        return None, Cell.not_applicable(str(exc))
    except NotRun as exc:
        return None, Cell.not_run(str(exc))
    except Unsupported as exc:
        return None, unsupported({exc.op})
    except EngineFailure as exc:
        if exc.kind == "stopped":   # the run's budget, not the port (an nn case read ERROR)
            return None, Cell.not_run(exc.message)
        return None, Cell(ERROR, message=" ".join(f"{exc.kind}: {exc.message}".split())[:500])
    except Exception as exc:  # the engine's own failure is the verdict
        return None, Cell.error(exc)


def judge_runs(engine, program, reference, cache, evaluated=None, torch=None, tags=()):
    """Every run engine has of program (evaluated: the program it runs, sum
    and dot lowered, maybe), each judged against reference and, with torch =
    (its evaluation, its ERROR cell or None, its budget), against torch;
    tags: the fixture's (its conventions).
    (the cell against reference, against torch or None, [(variant,
    evaluation or None, cell)]): each cell the worse of the runs, marked with
    the run it comes from when that is not floats."""
    evaluated = evaluated or program
    budget = budget_at_level(engine.budget, tags)
    cells, vs_torch, runs = [], [], []
    for variant in engine.variants(evaluated):
        evaluation, cell = run_engine(engine, evaluated, variant)
        if cell is None:
            cell = verdict.judge(budget, program, reference, evaluation, cache, tags)
            if torch is not None:
                torch_eval, torch_cell, torch_budget = torch
                vs_torch.append(replace(verdict.judge_vs_torch(
                    budget, program, reference, evaluation, torch_eval, torch_cell,
                    cache, torch_budget), variant=variant))
        cell = replace(cell, variant=variant)
        cells.append(cell)
        runs.append((variant, evaluation, cell))
    return verdict.worse(cells), (verdict.worse(vs_torch) if vs_torch else None), runs


def budget_at_level(budget, tags):
    """An engine's budget on a fixture (or nn case) with these tags: a
    port's gains the lecture's own formulas on the lecture level
    (harness.levels, harness.ops.LECTURE); the lab's engines have none."""
    if getattr(budget, "lecture", ()) and level_of(tags) == LECTURE:
        return budget.on_lecture_level()
    return budget


def evaluate_and_judge(engine, program, reference):
    """Run engine on program (every run of it) and judge it against reference."""
    return judge_runs(engine, program, reference, BudgetCache(program, reference))[0]


# -- the work of one task --------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """What every task needs to know of the run (inherited by forked workers;
    what the op probe finds travels in the tasks, which come later)."""
    fixtures: tuple
    specs: tuple                 # engines to open: registry entries or PortSpecs
    expected: bool
    vs_torch: bool
    check: CheckSettings = None
    control: Control = None      # the budget, fail-fast (run_control.py)


_PLAN = None   # the current run's Plan, inherited by forked workers


def _lowering(ops):
    """(ops whose fixtures are UNSUPPORTED, ops to lower) from an op probe."""
    if not ops:
        return frozenset(), frozenset()
    missing = {op for op, s in ops.items() if s.state == probes.UNSUPPORTED_OP}
    return frozenset(missing), frozenset(op for op in LOWERABLE
                                         if ops[op].state == probes.LOWERED)


_LOWERED = {}   # (fixture index, lowered ops) -> program: this run's, in this process


def _lowered(index, program, ops):
    if not ops:
        return program
    key = (index, ops)
    if key not in _LOWERED:
        _LOWERED[key] = lower(program, ops)
    return _LOWERED[key]


@dataclass
class TaskResult:
    part: FixtureResult
    versions: dict
    evidence: list               # of diagnoses.Evidence
    kept: dict                   # engine -> evaluation kept for the determinism probe
    printed: dict = field(default_factory=dict)   # engine -> what the port printed meanwhile


def _run_fixture(plan, index, group, with_expected, ops):
    """One fixture on the engines of group (indices into plan.specs); ops:
    the op probe's findings for each of them (None: every op)."""
    fixture = plan.fixtures[index]
    program = fixture.program
    part = FixtureResult(fixture.name, tuple(fixture.tags), fixture.path, fixture.source,
                         len(program.node_ids()), {}, {})
    out = TaskResult(part, {}, [], {})
    columns = ((EXPECTED,) if with_expected else ()) + tuple(plan.specs[i].name for i in group)
    stopped = {i: plan.control.why_not(i) for i in group}
    if all(stopped.values()) and not with_expected:   # nothing to run: not even python_ref
        part.cells = {plan.specs[i].name: Cell.not_run(stopped[i]) for i in group}
        return out
    start = time.perf_counter()
    reference, ref_error = run_engine(open_engine(ENGINES[REFERENCE]), program)
    part.seconds[REFERENCE] = time.perf_counter() - start
    if reference is None:
        part.cells = dict.fromkeys(columns, verdict.reference_failed(ref_error))
        return out
    cache = BudgetCache(program, reference)
    torch = None
    if plan.vs_torch:
        start = time.perf_counter()
        torch_engine = open_engine(ENGINES[TORCH])
        torch_eval, torch_cell = run_engine(torch_engine, program)
        part.seconds[TORCH] = time.perf_counter() - start
        torch = (torch_eval, torch_cell, torch_engine.budget)
    if with_expected:
        part.cells[EXPECTED], vs_torch = verdict.judge_expected(
            fixture, reference, torch[0] if torch else None, cache, ENGINES[TORCH].budget)
        if vs_torch is not None:
            part.vs_torch[EXPECTED] = vs_torch
    for i, found in zip(group, ops):
        spec = plan.specs[i]
        engine = plan.control.guard(open_engine(spec), i)
        out.versions[spec.name] = str(engine.version or spec.name)
        start = time.perf_counter()
        missing, lower_ops = _lowering(found)
        lacking = {step.op for step in program.steps} & missing
        if lacking:
            part.cells[spec.name] = unsupported(lacking)
            continue
        if spec.name == TORCH and torch is not None:   # already evaluated: judge it
            cell = torch[1] or verdict.judge(engine.budget, program, reference, torch[0], cache)
            part.cells[spec.name] = cell
            continue
        evaluated = _lowered(index, program, lower_ops)
        cell, vs_torch, runs = judge_runs(engine, program, reference, cache, evaluated, torch,
                                          fixture.tags)
        part.cells[spec.name] = cell
        part.seconds[spec.name] = time.perf_counter() - start
        if vs_torch is not None:
            part.vs_torch[spec.name] = vs_torch
        if plan.check is not None:
            for variant, evaluation, run_cell in runs:
                out.evidence += diagnoses.examine(fixture, evaluated, reference, evaluation,
                                                  run_cell, spec.name)
            floats = runs[0][1]
            # a cell that fails already names its wrong value: runs that differ
            # (a set's order over an assigning backward) would hide it
            if floats is not None and probes.has_fan_in(program) and _passed(cell):
                # the same engine again: a port whose bits change from run to run FAILs
                try:
                    again = probes.run_again(engine, evaluated, floats, lambda other: (
                        probes.lecture_allows(engine.budget, fixture, other, reference, cache)))
                except NotRun:   # the budget ended it: the judged run's cell stands
                    again = None   # (it escaped, and a budget made a correct port a harness error)
                if again is not None:
                    part.cells[spec.name] = again
            if floats is not None and probes.kept_for_determinism(fixture):
                out.kept.setdefault(spec.name, {})[fixture.name] = floats
    if plan.check is not None:
        for i in group:
            out.printed[plan.specs[i].name] = open_engine(plan.specs[i]).printed()
    return out


def _work(task):
    """A task in a worker (or in this process): (kind, arguments)."""
    kind, *args = task
    plan = _PLAN
    plan.control.begin()
    if kind == "fixture":
        with _no_gc(), kept_pairs():
            return _run_fixture(plan, *args)
    spec = plan.specs[args[0]]
    engine = plan.control.guard(open_engine(spec), args[0])
    if kind == "nn":
        case = plan.check.nn[args[1]]
        with _no_gc():
            cell, answer = _nn_case(engine, case.request, case.tags)
        return cell, diagnoses.examine_nn(case, answer, cell, spec.name)
    if kind == "ops":
        failure = engine.start_failure()
        if failure is not None and failure.kind == "stopped":   # the budget, not the port
            return spec.name, None, {op: probes.OpStatus(probes.BROKEN, NOT_PROBED)
                                     for op in OPS}, engine.language, None, engine.budget
        if failure is not None:
            return str(engine.version or spec.name), failure, None, engine.language, \
                engine.printed(), engine.budget
        try:
            found = probes.probe_ops(engine)
        except Exception as exc:   # declared_ops() itself failed: the fixtures say the rest
            found = {op: probes.OpStatus(probes.BROKEN, f"{type(exc).__name__}: {exc}")
                     for op in OPS}
        # an op the run stopped before it was probed: the NOT RUN cells name why, once;
        # the op whose program the budget stopped says so (the port may loop)
        found = {op: probes.OpStatus(s.state, s.message.removeprefix("NotRun: ")
                                     if IN_FLIGHT in s.message else NOT_PROBED)
                 if s.message.startswith("NotRun: ") else s for op, s in found.items()}
        return (str(engine.version or spec.name), None, found, engine.language,
                engine.printed(), engine.budget)
    name, ops, kept = args[1:]
    why = plan.control.why_not(args[0])
    if why is not None:
        return probes.Probe(name, probes.SKIPPED, why, stopped=True), None
    context = probes.Context(engine, spec, ops, _lowering(ops)[1], kept, plan.fixtures,
                             plan.check.depth_max)
    return probes.run_probe(name, context), engine.printed()


def nn_case_cell(engine, request, tags=()):
    """One nn case (a harness.nn.request.MlpRequest, its row's tags) on one
    engine: its Cell."""
    return _nn_case(engine, request, tags)[0]


def _nn_case(engine, request, tags):
    """(its Cell, the port's MlpAnswer or None)."""
    cell = nn_cell.kind_cell(engine, request)
    if cell is not None:
        return cell, None
    answer, cell = attempt(lambda: engine.mlp(request))
    if cell is not None:
        return cell, None
    return nn_cell.judge_answer(budget_at_level(engine.budget, tags), request, answer), answer


def _nn_rows(scheduler, plan):
    """(a FixtureResult per nn case: its cell on each engine, the evidence
    for the diagnoses its answers give)."""
    cases = plan.check.nn
    tasks = [("nn", i, n) for n in range(len(cases)) for i in range(len(plan.specs))]
    cells, evidence = {}, []
    for task, (cell, found) in scheduler.map(tasks):
        cells[(task[2], task[1])] = cell
        evidence += found
    return [FixtureResult(case.name, case.tags, case.path, case.description, case.nodes,
                          {plan.specs[i].name: cells[(n, i)] for i in range(len(plan.specs))},
                          {}) for n, case in enumerate(cases)], evidence


class _no_gc:
    """Graphs are full of reference cycles: collecting while one is built
    makes a 100,000-node fixture several times slower."""

    def __enter__(self):
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was:
            gc.enable()


# -- the whole run -----------------------------------------------------------------------

def run(fixtures, specs, *, malformed=(), expected=False, vs_torch=False, check=None,
        port=None, jobs=None, progress=None, limits=None):
    """Every fixture on every engine of specs (registry entries, or the
    PortSpecs of a manifest): a RunResult.  expected, vs_torch: the matrix's
    extra column and second comparison; check (CheckSettings): the op probe
    first, then the probes and the diagnoses.  progress(done, total, name) is
    called after each fixture.  limits (run_control.Limits): the time budget
    and fail-fast; the cells they stop read NOT RUN.  Raises DoesNotStart
    for an engine that cannot run any program (before any fixture runs), and
    Interrupted (a KeyboardInterrupt) with the partial result on Ctrl-C."""
    global _PLAN
    start = time.perf_counter()
    fixtures, specs = tuple(fixtures), tuple(specs)
    jobs = jobs or default_jobs()
    control = Control(limits or Limits(), [s.name for s in specs],
                      [getattr(getattr(s, "manifest", None), "timeout", None) for s in specs])
    plan = Plan(fixtures, specs, expected, vs_torch, check, control)
    columns = ((EXPECTED,) if expected else ()) + tuple(s.name for s in specs)
    result = RunResult(columns, [], [str(m) for m in malformed], {},
                       {s.name: s.budget for s in specs}, port,
                       levels=check.levels if check is not None else LEVELS)
    if vs_torch or TORCH in result.columns:
        import torch  # noqa: F401  (imported once here, inherited by every worker)
    _PLAN = plan
    _LOWERED.clear()   # keyed by fixture index: an earlier run's are another corpus's
    parts = {i: [] for i in range(len(fixtures))}
    try:
        with Scheduler(jobs, _work) as scheduler:
            printed = []   # (order, engine, what it printed): put in order at the end
            ops = (_op_probe(scheduler, specs, result, printed) if check is not None
                   else (None,) * len(specs))
            tasks = fixture_tasks(plan, jobs, ops)
            pending = Counter(task[1] for task in tasks)
            evidence, kept = [], {}
            for task, out in scheduler.map(tasks):
                index, with_expected = task[1], task[3]
                parts[index].insert(0 if with_expected else len(parts[index]), out.part)
                result.versions.update(out.versions)
                evidence += out.evidence
                for name, evaluations in out.kept.items():
                    kept.setdefault(name, {}).update(evaluations)
                printed += [((1, index), name, p) for name, p in out.printed.items() if p]
                pending[index] -= 1
                if pending[index] == 0 and progress:
                    progress(len(fixtures) - sum(1 for n in pending.values() if n),
                             len(fixtures), fixtures[index].name)
            result.fixtures = [merge_parts(parts[i], columns) for i in range(len(fixtures))]
            if check is not None and check.nn:
                rows, found = _nn_rows(scheduler, plan)
                result.fixtures += rows
                evidence += found
            if check is not None:
                _probes(scheduler, plan, result, ops, kept, printed)
                result.diagnoses = diagnoses.diagnose(result, evidence)
                result.printed = _printed_by_engine(result.engines, printed)
    except KeyboardInterrupt:
        ignore_further_interrupts()
        close_engines([s for s in specs if s.key not in ENGINES])
        result.fixtures = [_unfinished(fixtures[i], parts[i], columns)
                           for i in range(len(fixtures))]
        result.interrupted = True
        _finish(result, start)
        raise Interrupted(result) from None
    finally:
        _PLAN = None
        _LOWERED.clear()
        close_engines([s for s in specs if s.key not in ENGINES])
        control.end()
    return _finish(result, start)


def _finish(result, start):
    result.versions = {REFERENCE: REFERENCE, **{name: result.versions.get(name, name)
                                                 for name in result.engines}}
    result.seconds = time.perf_counter() - start
    return result


def _unfinished(fixture, parts, columns):
    """A fixture's result after Ctrl-C: the cells its finished tasks gave,
    NOT RUN for the rest."""
    if parts:
        merged = merge_parts(parts, columns)
    else:
        merged = FixtureResult(fixture.name, tuple(fixture.tags), fixture.path, fixture.source,
                               len(fixture.program.node_ids()), {}, {})
    merged.cells = {c: merged.cells.get(c) or Cell.not_run(INTERRUPTED) for c in columns}
    return merged


def _op_probe(scheduler, specs, result, printed):
    """Which ops each engine has (the op probe), per spec; raises
    DoesNotStart for the first engine that cannot run any program."""
    found = {}
    for task, (version, failure, ops, language, said, budget) in scheduler.map(
            [("ops", i) for i in range(len(specs))]):
        found[task[1]] = (version, failure, ops, language)
        # a command port's budget follows its hello's language: known once it has said it
        if result.budgets.get(specs[task[1]].name) is None:
            result.budgets[specs[task[1]].name] = budget
        if said:
            printed.append(((0, task[1]), specs[task[1]].name, said))
    for i, spec in enumerate(specs):
        version, failure, ops, language = found[i]
        failure = failure or _fails_every_op(ops)
        if failure is not None:
            raise DoesNotStart(spec, failure)
        result.versions[spec.name] = version
        result.ops[spec.name] = ops
        result.languages[spec.name] = language
    return tuple(found[i][2] for i in range(len(specs)))


def _fails_every_op(ops):
    """An EngineFailure when every op the op probe tried raised an error (a
    broken accessor: `data = "v.dtaa"`): the port runs no program."""
    tried = [s for s in ops.values() if s.state in (probes.SUPPORTED, probes.BROKEN)]
    if tried and all(s.state == probes.BROKEN and s.message.startswith("error: ")
                     for s in tried):
        return EngineFailure("error", "every op fails: " + tried[0].message.removeprefix("error: "))
    return None


def _probes(scheduler, plan, result, ops, kept, printed):
    chosen = [name for name in probes.PROBES if name in plan.check.probes]
    tasks = [("probe", i, name, ops[i], kept.get(spec.name, {}) if name == "determinism"
              else {}) for i, spec in enumerate(plan.specs) for name in chosen]
    found = {}
    for task, (probe, said) in scheduler.map(tasks):
        found[(task[1], task[2])] = probe
        if said:
            printed.append(((2, chosen.index(task[2])), plan.specs[task[1]].name, said))
    by_name = {f.name: f for f in result.fixtures}
    for i, spec in enumerate(plan.specs):
        result.probes[spec.name] = {"ops": probes.ops_probe(result.ops[spec.name]),
                                    **{name: found[(i, name)] for name in chosen}}
        for name in chosen:   # a probe's verdict on a fixture's cell (runs that differ)
            for fixture, cell in found[(i, name)].cells.items():
                if _passed(by_name[fixture].cells.get(spec.name)):
                    by_name[fixture].cells[spec.name] = cell


def _passed(cell):
    return cell is not None and verdict.STATUS[cell.status].counted == verdict.PASSED


def _printed_by_engine(engines, printed):
    """{engine: what it printed in the whole run}, in the run's order (the op
    probe, the fixtures in corpus order, the probes), whatever order the
    tasks finished in."""
    out = {}
    for engine in engines:
        said = [p for order, name, p in sorted(printed, key=lambda t: t[0]) if name == engine]
        merged = merge_printed(said)
        if merged:
            out[engine] = merged
    return out


__all__ = ["run", "RunResult", "FixtureResult", "Port", "CheckSettings", "DoesNotStart",
           "EXPECTED", "CATEGORY", "COUNTED", "LevelLine", "run_engine", "attempt",
           "judge_runs", "evaluate_and_judge", "nn_case_cell", "default_jobs"]

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
"""
import gc
import multiprocessing
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace

from . import diagnoses, probes
from .engines.base import EngineFailure, NotApplicable, Unsupported
from .engines.printed import merge as merge_printed
from .engines.registry import ENGINES, REFERENCE, TORCH, close_engines, open_engine
from .judge import verdict
from .judge.compare import kept_pairs
from .judge.tolerances import BudgetCache
from .judge.verdict import (CONVENTION, ERROR, NOT_RUN, STATUS, STATUSES, UNSUPPORTED, Cell,
                            unsupported)
from .levels import LECTURE, LEVELS, level_of
from .lower import LOWERABLE, lower
from .nn import cell as nn_cell
from .ops import OPS
from .probes import DEPTH_MAX, PROBES
from .program import FLOATS, INTEGERS
from .run_control import (INTERRUPTED, Control, Interrupted, Limits, NotRun, no_second_interrupt,
                          stop_workers, worker_init)

NOT_PROBED = "not probed: the run stopped this runtime first (NOT RUN below says why)"
EXPECTED = "expected"   # the column checking the fixtures' own numbers against python_ref
# How every status counts on the final line: the verdict's count, with
# UNSUPPORTED and CONVENTION counted apart.
CATEGORY = {**{s: STATUS[s].counted for s in STATUSES},
            UNSUPPORTED: "unsupported", CONVENTION: "convention", NOT_RUN: "not run"}
COUNTED = ("passed", "failed", "skipped", "unsupported", "convention", "not run")


@dataclass
class FixtureResult:
    name: str
    tags: tuple
    path: str
    source: str
    nodes: int
    cells: dict                  # column -> Cell against python_ref
    vs_torch: dict               # column -> Cell against torch (the second comparison)
    seconds: dict = field(default_factory=dict)   # column -> wall time (timings file only)


@dataclass(frozen=True)
class Port:
    """The port a check is of, as its manifest names it."""
    name: str
    language: str
    manifest: str                # the manifest file as messages show it


@dataclass
class RunResult:
    columns: tuple               # in order: "expected" (the matrix), then each engine
    fixtures: list               # of FixtureResult, in corpus order
    malformed: list              # one line each
    versions: dict               # engine -> what it says of itself
    budgets: dict                # engine -> the budget it was judged by
    port: Port = None            # the check's port (None: the matrix)
    ops: dict = field(default_factory=dict)      # engine -> {op: probes.OpStatus}
    languages: dict = field(default_factory=dict)   # engine -> its language, as it says
    probes: dict = field(default_factory=dict)   # engine -> {probe name: probes.Probe}
    diagnoses: list = field(default_factory=list)   # of diagnoses.Diagnosis
    printed: dict = field(default_factory=dict)     # engine -> what the port printed
                                                    # (engines/printed.py's summary)
    seconds: float = 0.0
    interrupted: bool = False    # Ctrl-C stopped it: the cells not run read NOT RUN
    levels: tuple = LEVELS       # the levels (harness.levels) whose cells count toward the
                                 # final line and ok(); the others' are shown, not counted

    @property
    def engines(self):
        return tuple(c for c in self.columns if c != EXPECTED)

    def cells_of(self, column):
        """{fixture name: Cell} of one column."""
        return {f.name: f.cells[column] for f in self.fixtures if column in f.cells}

    def probe_cells(self):
        """[(engine, Probe)]: each probe on each engine is one cell of the
        final line (the op probe is not: its findings are the fixtures'
        UNSUPPORTED cells)."""
        return [(engine, probe) for engine, found in self.probes.items()
                for name, probe in found.items() if name in probes.REGISTRY]

    def level_counts(self):
        """{level: {category: cells}} over every cell, counted level or not
        (a fixture's level: harness.levels.level_of its tags; a probe's: its
        entry's), a probe on an engine included (probes.Probe.counted)."""
        counts = {level: Counter({c: 0 for c in COUNTED}) for level in LEVELS}
        for result in self.fixtures:
            level = counts[level_of(result.tags)]
            for cell in result.cells.values():
                level[CATEGORY[cell.status]] += 1
        for _, probe in self.probe_cells():
            counts[probes.REGISTRY[probe.name].level][probe.counted] += 1
        return counts

    def counts(self):
        """{category: cells} over the cells of the counted levels; a malformed
        fixture (of no known level) is one failed cell."""
        counts = Counter({c: 0 for c in COUNTED})
        for level, found in self.level_counts().items():
            if level in self.levels:
                counts.update(found)
        counts["failed"] += len(self.malformed)
        return counts

    def final_line(self):
        """`N passed, M failed`, then the other counts that are not zero, and
        the levels counted when they are not all."""
        line = _counts_text(self.counts())
        if set(self.levels) != set(LEVELS):
            line += f" (counted: level {', '.join(self.levels)})"
        return line

    def is_counted(self, fixture):
        """Do the cells of this FixtureResult count (is its level chosen)?"""
        return level_of(fixture.tags) in self.levels

    def level_lines(self):
        """A LevelLine for every level that has a cell, in LEVELS' order."""
        return [LevelLine(level, dict(counts), level in self.levels)
                for level, counts in self.level_counts().items() if sum(counts.values())]

    def ok(self):
        counts = self.counts()
        return counts["failed"] == 0 and counts["not run"] == 0


@dataclass(frozen=True)
class LevelLine:
    """One level's line of a report's summary."""
    level: str
    counts: dict                 # {category of COUNTED: cells}
    counted: bool                # does it count toward the final line and the exit code?

    @property
    def text(self):
        """`N passed, M failed, ...` of its cells."""
        return _counts_text(self.counts)

    @property
    def ok(self):
        """Nothing failed or not run at this level."""
        return self.counts["failed"] == 0 and self.counts["not run"] == 0


def _counts_text(counts):
    """`N passed, M failed`, then the other counts of COUNTED that are not zero."""
    return ", ".join(f"{counts[c]} {c}" for c in COUNTED if c in ("passed", "failed") or counts[c])


@dataclass(frozen=True)
class CheckSettings:
    """What a check adds to the corpus: probes (names, harness.probes), the
    depth probes' largest size, the nn cases (harness.nn.cases.MlpCase: a
    row each, after the fixtures), and the levels whose cells count (its
    RunResult's levels)."""
    probes: tuple = PROBES
    depth_max: int = DEPTH_MAX
    nn: tuple = ()
    levels: tuple = LEVELS


class DoesNotStart(Exception):
    """An engine that cannot run any program (its setup raises, its command
    does not run or says no hello)."""

    def __init__(self, spec, failure):
        super().__init__(f"{spec.name} ({failure.kind}): {failure.message}")
        self.spec, self.failure = spec, failure


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
            if floats is not None and probes.has_fan_in(program):
                # the same engine again: a port whose bits change from run to run FAILs
                again = probes.run_again(engine, evaluated, floats, lambda other: (
                    probes.lecture_allows(engine.budget, fixture, other, reference, cache)))
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
            return nn_case_cell(engine, case.request, case.tags)
    if kind == "ops":
        failure = engine.start_failure()
        if failure is not None and failure.kind == "stopped":   # the budget, not the port
            return spec.name, None, {op: probes.OpStatus(probes.BROKEN, NOT_PROBED)
                                     for op in OPS}, engine.language, None
        if failure is not None:
            return str(engine.version or spec.name), failure, None, engine.language, \
                engine.printed()
        try:
            found = probes.probe_ops(engine)
        except Exception as exc:   # declared_ops() itself failed: the fixtures say the rest
            found = {op: probes.OpStatus(probes.BROKEN, f"{type(exc).__name__}: {exc}")
                     for op in OPS}
        # an op the run stopped before it was probed: the NOT RUN cells name why, once
        found = {op: probes.OpStatus(s.state, NOT_PROBED) if s.message.startswith("NotRun: ")
                 else s for op, s in found.items()}
        return str(engine.version or spec.name), None, found, engine.language, engine.printed()
    name, ops, kept = args[1:]
    why = plan.control.why_not(args[0])
    if why is not None:
        return probes.Probe(name, probes.SKIPPED, why), None
    context = probes.Context(engine, spec, ops, _lowering(ops)[1], kept, plan.fixtures,
                             plan.check.depth_max)
    return probes.run_probe(name, context), engine.printed()


def nn_case_cell(engine, request, tags=()):
    """One nn case (a harness.nn.request.MlpRequest, its row's tags) on one
    engine: its Cell."""
    cell = nn_cell.kind_cell(engine, request)
    if cell is not None:
        return cell
    answer, cell = attempt(lambda: engine.mlp(request))
    return cell or nn_cell.judge_answer(budget_at_level(engine.budget, tags), request, answer)


def _nn_rows(scheduler, plan):
    """A FixtureResult per nn case: its cell on each engine."""
    cases = plan.check.nn
    tasks = [("nn", i, n) for n in range(len(cases)) for i in range(len(plan.specs))]
    cells = {(task[2], task[1]): cell for task, cell in scheduler.map(tasks)}
    return [FixtureResult(case.name, case.tags, case.path, case.description, case.nodes,
                          {plan.specs[i].name: cells[(n, i)] for i in range(len(plan.specs))},
                          {}) for n, case in enumerate(cases)]


class _no_gc:
    """Graphs are full of reference cycles: collecting while one is built
    makes a 100,000-node fixture several times slower."""

    def __enter__(self):
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc):
        if self.was:
            gc.enable()


# -- scheduling -----------------------------------------------------------------------

# Big fixtures (SPLIT_STEPS steps or more) dominate the run.  They go first,
# one per worker; when their count does not divide among the workers, the
# smallest of them (the ones that would run last, beside an idle core) are
# split: one task per worker, each with a share of the engines (each task
# evaluates python_ref and torch again, which costs less than the idle core).
# An engine's weight (its registry entry's) is its cost on a deep chain
# relative to one Lua run; python_ref and torch are paid by every task.
SPLIT_STEPS = 20_000


def _split(specs, group, parts):
    """group (spec indices) shared out among parts groups of similar weight,
    each in the order given."""
    groups = [[] for _ in range(parts)]
    load = [0.0] * parts
    for i in sorted(group, key=lambda i: -specs[i].weight):
        lightest = load.index(min(load))
        groups[lightest].append(i)
        load[lightest] += specs[i].weight
    return [tuple(i for i in group if i in g) for g in groups if g]


def _size(program):
    """Work per engine grows with nodes and arguments."""
    return len(program.inputs) + len(program.steps) + sum(len(s.args) for s in program.steps)


def _fixture_tasks(plan, jobs, ops):
    """Every fixture's tasks, the first to run first; ops: the op probe's
    findings per spec (None: every op)."""
    fixtures, group = plan.fixtures, tuple(range(len(plan.specs)))
    shared = 1.0 + 2.0 * plan.vs_torch
    sizes = [_size(f.program) for f in fixtures]
    big = sorted((i for i, f in enumerate(fixtures) if len(f.program.steps) >= SPLIT_STEPS),
                 key=lambda i: -sizes[i])
    last_round = len(big) % jobs if jobs > 1 and group else 0
    split = set(big[len(big) - last_round:])
    tasks = []
    for index in range(len(fixtures)):
        groups = _split(plan.specs, group, jobs) if index in split else [group]
        for n, part in enumerate(groups):
            cost = sizes[index] * (shared + sum(plan.specs[i].weight for i in part))
            # whole big fixtures first, then a split one's tasks together, then
            # the rest; the costliest first in each tier
            tier = 1 if index in split else 0 if index in big else 2
            task = ("fixture", index, part, n == 0 and plan.expected,
                    tuple(ops[i] for i in part))
            tasks.append((task, (tier, -cost)))
    return [task for task, _ in sorted(tasks, key=lambda t: t[1])]


def _merge(parts, columns):
    """One FixtureResult from the results of a split fixture's tasks."""
    first = parts[0]
    cells, vs_torch = {}, {}
    for part in parts:
        cells.update(part.cells)
        vs_torch.update(part.vs_torch)
        for name, seconds in part.seconds.items():
            first.seconds.setdefault(name, seconds)
    first.cells = {c: cells[c] for c in columns if c in cells}
    first.vs_torch = {c: vs_torch[c] for c in columns if c in vs_torch}
    return first


def default_jobs():
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


class _Scheduler:
    """The pool (or this process, for jobs=1): map tasks, results as they come."""

    def __init__(self, jobs):
        self.jobs = jobs
        self.pool = None

    def __enter__(self):
        if self.jobs > 1:
            fork = "fork" in multiprocessing.get_all_start_methods()
            if fork:
                gc.freeze()   # the corpus (a million objects) is never walked in a worker
            self.pool = ProcessPoolExecutor(
                max_workers=self.jobs, initializer=worker_init,
                mp_context=multiprocessing.get_context("fork") if fork else None)
        return self

    def __exit__(self, kind, *exc):
        if self.pool is not None:
            if kind is not None and issubclass(kind, KeyboardInterrupt):
                # Ctrl-C: end the workers and their ports now, waiting for no task
                stop_workers(list((self.pool._processes or {}).values()))
                self.pool.shutdown(wait=False, cancel_futures=True)
            else:
                self.pool.shutdown(cancel_futures=True)
            gc.unfreeze()

    def map(self, tasks):
        """(task, result) for every task, in the order they finish."""
        if self.pool is None:
            for task in tasks:
                yield task, _work(task)
            return
        from concurrent.futures import as_completed
        futures = {self.pool.submit(_work, task): task for task in tasks}
        for future in as_completed(futures):
            yield futures[future], future.result()


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
        with _Scheduler(jobs) as scheduler:
            printed = []   # (order, engine, what it printed): put in order at the end
            ops = (_op_probe(scheduler, specs, result, printed) if check is not None
                   else (None,) * len(specs))
            tasks = _fixture_tasks(plan, jobs, ops)
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
            result.fixtures = [_merge(parts[i], columns) for i in range(len(fixtures))]
            if check is not None and check.nn:
                result.fixtures += _nn_rows(scheduler, plan)
            if check is not None:
                _probes(scheduler, plan, result, ops, kept, printed)
                result.diagnoses = diagnoses.diagnose(result, evidence)
                result.printed = _printed_by_engine(result.engines, printed)
    except KeyboardInterrupt:
        with no_second_interrupt():
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
        merged = _merge(parts, columns)
    else:
        merged = FixtureResult(fixture.name, tuple(fixture.tags), fixture.path, fixture.source,
                               len(fixture.program.node_ids()), {}, {})
    merged.cells = {c: merged.cells.get(c) or Cell.not_run(INTERRUPTED) for c in columns}
    return merged


def _op_probe(scheduler, specs, result, printed):
    """Which ops each engine has (the op probe), per spec; raises
    DoesNotStart for the first engine that cannot run any program."""
    found = {}
    for task, (version, failure, ops, language, said) in scheduler.map(
            [("ops", i) for i in range(len(specs))]):
        found[task[1]] = (version, failure, ops, language)
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
                by_name[fixture].cells[spec.name] = cell


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
           "EXPECTED", "COUNTED", "run_engine", "attempt", "judge_runs", "evaluate_and_judge",
           "nn_case_cell", "default_jobs"]

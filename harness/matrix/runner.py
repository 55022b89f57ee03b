"""Run fixtures on backends and collect the cells.

One task per fixture (a big one is split: one task per worker, each with a
share of the backends): the worker evaluates python_ref (the reference) and
torch (the second opinion) once, then each of its backends (every run a
backend has of the program: on Lua 5.3+ also with integers), and has
harness.verdict judge each against both: this module only schedules.
Workers keep their backends (per process: a Lua worker process per runtime,
a Lua state per -interp column, see harness.backends.get_backend) across
tasks; forked workers find the fixtures in memory, so no program is pickled
to them (a Lua worker gets each program once, flat and pickled).
"""
import gc
import multiprocessing
import os
import time
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from lua_port.runtimes import INTEGER_RUNTIMES

from ..judge import compare, verdict
from ..backends import BACKEND_NAMES, REFERENCE, get_backend
from ..judge.tolerances import Budgets
from ..judge.verdict import PASSED, SKIPPED, TORCH, run_backend

EXPECTED = "expected"   # the column checking the fixture's own numbers against python_ref
DEFAULT_BACKENDS = tuple(b for b in BACKEND_NAMES if b != REFERENCE)


@dataclass
class FixtureResult:
    name: str
    tags: tuple
    path: str
    source: str
    nodes: int
    cells: dict                  # column -> Cell against python_ref
    vs_torch: dict               # column -> Cell against torch (the second comparison)
    seconds: dict = field(default_factory=dict)   # backend -> wall time (timings file only)


@dataclass
class MatrixResult:
    columns: tuple
    fixtures: list               # of FixtureResult, in corpus order
    malformed: list              # one line each
    versions: dict               # backend -> version string

    def counts(self):
        """(passed, failed, skipped) over cells, as harness.verdict counts each
        status; a malformed fixture is one failed cell."""
        passed = failed = skipped = 0
        for result in self.fixtures:
            for cell in result.cells.values():
                if cell.counted == PASSED:
                    passed += 1
                elif cell.counted == SKIPPED:
                    skipped += 1
                else:
                    failed += 1
        return passed, failed + len(self.malformed), skipped

    def final_line(self):
        passed, failed, skipped = self.counts()
        return f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")

    def ok(self):
        return self.counts()[1] == 0


@contextmanager
def _no_gc():
    """Graphs are full of reference cycles (closures): collecting while one is
    built makes a 100,000-node fixture several times slower."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_fixture(fixture, backends, expected=True):
    """Every requested backend on one fixture: a FixtureResult.  expected=False
    leaves out the column of the fixture's own numbers (another task of a
    split fixture has it)."""
    with _no_gc(), compare.kept_pairs():
        return _run_fixture(fixture, backends, expected)


def _run_fixture(fixture, backends, expected=True):
    program = fixture.program
    result = FixtureResult(fixture.name, tuple(fixture.tags), fixture.path, fixture.source,
                           len(program.node_ids()), {}, {})
    start = time.perf_counter()
    reference, ref_error = run_backend(get_backend(REFERENCE), program)
    result.seconds[REFERENCE] = time.perf_counter() - start
    if reference is None:
        cell = verdict.reference_failed(ref_error)
        result.cells = {name: cell for name in (EXPECTED,) * expected + tuple(backends)}
        return result
    start = time.perf_counter()
    torch_eval, torch_cell = run_backend(get_backend(TORCH), program)
    result.seconds[TORCH] = time.perf_counter() - start
    budgets = Budgets(program, reference)
    if expected:
        result.cells[EXPECTED], vs_torch = verdict.judge_expected(fixture, reference,
                                                                  torch_eval, budgets)
        if vs_torch is not None:
            result.vs_torch[EXPECTED] = vs_torch
    for name in backends:
        backend = get_backend(name)
        if name == TORCH:
            cell = torch_cell or verdict.judge(backend, program, reference, torch_eval, budgets)
        else:
            # every run the backend has of this program (Lua 5.3+: floats and
            # integers), each judged; the worse is the cell
            start = time.perf_counter()
            cell, vs_torch = verdict.judge_variants(backend, program, reference, budgets,
                                                    torch_eval, torch_cell)
            result.seconds[name] = time.perf_counter() - start
            if vs_torch is not None:
                result.vs_torch[name] = vs_torch
        result.cells[name] = cell
    return result


def _versions(backends):
    out = {}
    for name in (REFERENCE,) + tuple(backends):
        backend = get_backend(name)
        out[name] = str(getattr(backend, "version", None) or getattr(backend, "reason", "")
                        or name)
    return out


# Big fixtures (SPLIT_STEPS steps or more) dominate the run.  They go first,
# one per worker; when their count does not divide among the workers, the
# smallest of them (the ones that would run last, beside an idle core) are
# split: one task per worker, each with a share of the backends (each task
# evaluates python_ref and torch again, which costs less than the idle core).
# WEIGHT is a backend's cost on a deep chain relative to a Lua runtime.
SPLIT_STEPS = 20_000
# Lua 5.3+ run a program with integral numbers twice (floats, then integers),
# as every big fixture has.
WEIGHT = {"fd": 3.0, TORCH: 0.0, **{runtime: 2.0 for runtime in INTEGER_RUNTIMES}}
SHARED_COST = 3.0   # python_ref and torch, paid by every task

# Fixtures of the current run_matrix, inherited by forked workers (no pickling
# of 100,000-step programs); under another start method tasks carry them.
_FIXTURES = ()


def _split(backends, parts):
    """backends shared out among parts groups of similar weight, each in
    the order given."""
    groups = [[] for _ in range(parts)]
    load = [0.0] * parts
    for name in sorted(backends, key=lambda b: -WEIGHT.get(b, 1.0)):
        lightest = load.index(min(load))
        groups[lightest].append(name)
        load[lightest] += WEIGHT.get(name, 1.0)
    return [tuple(b for b in backends if b in group) for group in groups if group]


def _size(program):
    """Work per backend grows with nodes and arguments."""
    return len(program.inputs) + len(program.steps) + sum(len(s.args) for s in program.steps)


def _tasks(fixtures, backends, jobs):
    """(fixture index, backends, with the expected column, place in the queue)
    for every task."""
    sizes = [_size(f.program) for f in fixtures]
    big = sorted((i for i, f in enumerate(fixtures) if len(f.program.steps) >= SPLIT_STEPS),
                 key=lambda i: -sizes[i])
    last_round = len(big) % jobs if jobs > 1 and backends else 0
    split = set(big[len(big) - last_round:])
    tasks = []
    for index in range(len(fixtures)):
        groups = _split(backends, jobs) if index in split else [tuple(backends)]
        for i, group in enumerate(groups):
            cost = sizes[index] * (SHARED_COST + sum(WEIGHT.get(b, 1.0) for b in group))
            # whole big fixtures first, then a split one's tasks together, then
            # the rest; the costliest first in each tier
            tier = 1 if index in split else 0 if index in big else 2
            tasks.append((index, group, i == 0, (tier, -cost)))
    return tasks


def _work(task):
    """One task in a worker: (its FixtureResult, the versions of its backends)."""
    fixture, backends, expected = task
    if isinstance(fixture, int):
        fixture = _FIXTURES[fixture]
    return run_fixture(fixture, backends, expected), _versions(backends)


def _merge(parts, backends):
    """One FixtureResult from the results of a split fixture's tasks."""
    first = parts[0]
    if len(parts) == 1:
        return first
    cells, vs_torch = {}, {}
    for part in parts:
        cells.update(part.cells)
        vs_torch.update(part.vs_torch)
        for name, seconds in part.seconds.items():
            first.seconds.setdefault(name, seconds)
    order = (EXPECTED,) + tuple(backends)
    first.cells = {c: cells[c] for c in order if c in cells}
    first.vs_torch = {c: vs_torch[c] for c in order if c in vs_torch}
    return first


def default_jobs():
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
               else (os.cpu_count() or 1))


def run_matrix(fixtures, backends=DEFAULT_BACKENDS, malformed=(), jobs=None, progress=None):
    """All fixtures on all backends.  progress(done, total, name) is called
    after each fixture.  jobs=1 runs in this process (tests, debugging)."""
    global _FIXTURES
    backends = tuple(b for b in backends if b != REFERENCE)
    fixtures = list(fixtures)
    jobs = jobs or default_jobs()
    results = []
    if jobs == 1 or len(fixtures) <= 1:
        for i, fixture in enumerate(fixtures):
            results.append(run_fixture(fixture, backends))
            if progress:
                progress(i + 1, len(fixtures), fixture.name)
    else:
        tasks = _tasks(fixtures, backends, jobs)
        parts = {i: [] for i in range(len(fixtures))}
        pending = {i: 0 for i in range(len(fixtures))}
        for index, *_ in tasks:
            pending[index] += 1
        fork = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork") if fork else None
        _FIXTURES = fixtures
        versions = {}
        done = 0
        if fork:
            # Built once here, inherited by every worker: torch's import
            # (1.5 s) and the reference.  gc.freeze() keeps the collector
            # from walking the corpus (a million objects) in every worker.
            for name in (REFERENCE, TORCH):
                get_backend(name)
            gc.freeze()
        try:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                # the costliest first, so the last tasks to finish are small ones
                futures = {}
                for index, group, expected, _ in sorted(tasks, key=lambda t: t[3]):
                    fixture = index if fork else fixtures[index]
                    futures[pool.submit(_work, (fixture, group, expected))] = (index, expected)
                for future in as_completed(futures):
                    index, expected = futures[future]
                    part, part_versions = future.result()
                    versions.update(part_versions)
                    # the part with the expected column goes first
                    parts[index].insert(0 if expected else len(parts[index]), part)
                    pending[index] -= 1
                    if pending[index] == 0:
                        done += 1
                        if progress:
                            progress(done, len(fixtures), fixtures[index].name)
        finally:
            _FIXTURES = ()
            if fork:
                gc.unfreeze()
        results = [_merge(parts[i], backends) for i in range(len(fixtures))]
        # the workers' versions; the main process only builds a backend no task ran
        missing = [b for b in backends if b not in versions]
        versions.update(_versions(missing) if missing or REFERENCE not in versions else {})
        return MatrixResult(("expected",) + backends, results, [str(e) for e in malformed],
                            {name: versions[name] for name in (REFERENCE,) + backends})
    return MatrixResult(("expected",) + backends, results, [str(e) for e in malformed],
                        _versions(backends))


__all__ = ["run_fixture", "run_matrix", "MatrixResult", "FixtureResult", "EXPECTED",
           "DEFAULT_BACKENDS"]

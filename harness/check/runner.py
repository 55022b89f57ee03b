"""Check a port: every fixture on every runtime of the port, judged by the
matrix's own rules, then the probes and the diagnosis.

Each runtime is its own process (a lupa worker, or a command port's
child), so one thread drives each runtime and they run side by side.  Per
runtime: the op probe first (which ops the port lacks: their fixtures are
UNSUPPORTED; a port without sum or dot gets them lowered to + and *), then
the corpus, then the other probes.  python_ref evaluates each fixture once,
for all runtimes (the first thread to need it computes it).  A cell is
judged as the matrix judges a column (harness/verdict.py judge, with the
budgets of harness/tolerances.py PORT_BUDGETS), then read again for the
fixture's tagged conventions (verdicts.py).
"""
import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .. import tolerances
from ..backends import REFERENCE, get_backend
from ..ops import OPS
from ..verdict import (CONVENTION, ERROR, EXACT, STATUS, STATUSES, UNSUPPORTED, Cell, compare,
                       judge_port, unsupported)
from . import diagnosis, probes
from .lower import LOWERABLE, lower
from .port import PortFailure, PortUnsupported

# How every status counts on the final line.
# The verdict module's counts, with UNSUPPORTED and CONVENTION counted apart.
CATEGORY = {**{s: STATUS[s].counted for s in STATUSES},
            UNSUPPORTED: "unsupported", CONVENTION: "convention"}
COUNTED = ("passed", "failed", "skipped", "unsupported", "convention")


@dataclass(frozen=True)
class FixtureInfo:
    name: str
    tags: tuple
    path: str
    source: str
    nodes: int


@dataclass
class RuntimeRun:
    """One runtime of the port: its cells, probes and the evidence its cells
    gave for the diagnosis."""
    name: str
    version: str
    budget: str                   # the tolerances.PORT_BUDGETS table it is judged by
    ops: dict = field(default_factory=dict)       # op -> probes.OpStatus
    cells: dict = field(default_factory=dict)     # fixture name -> Cell
    seconds: dict = field(default_factory=dict)   # fixture name -> wall time
    probes: dict = field(default_factory=dict)    # probe name -> probes.Probe
    evidence: list = field(default_factory=list)  # of diagnosis.Evidence


@dataclass
class CheckResult:
    port: str
    language: str
    manifest: str                 # the manifest file as messages show it
    fixtures: list                # of FixtureInfo, in corpus order
    runs: list                    # of RuntimeRun, in the manifest's order
    malformed: list               # one line each
    diagnoses: list = field(default_factory=list)   # of diagnosis.Diagnosis
    seconds: float = 0.0

    def counts(self):
        """{category: cells} over every cell; a malformed fixture is one failed cell."""
        counts = Counter({c: 0 for c in COUNTED})
        for run in self.runs:
            for cell in run.cells.values():
                counts[CATEGORY[cell.status]] += 1
        counts["failed"] += len(self.malformed)
        return counts

    def final_line(self):
        counts = self.counts()
        return ", ".join(f"{counts[c]} {c}" for c in COUNTED)

    def ok(self):
        return self.counts()["failed"] == 0


@dataclass(frozen=True)
class Settings:
    jobs: int | None = None                # runtimes driven at once (None: all)
    depth_max: int = probes.DEPTH_MAX      # the depth probes double up to this many nodes
    probes: tuple = probes.PROBES          # which probes run (the op probe always does)
    # judge as the lab's own engine (the matrix's budgets for the runtime: exact
    # but for its libm), not as a user's port (which may bring its own tanh)
    lab_budgets: bool = False


def budget_name(language, runtime):
    """The tolerances.PORT_BUDGETS table a runtime is judged by: a Lua port's
    runtime, or a command port's language as its hello names it (a Lua one
    by its version: "Lua 5.4" is lua54's libm, "LuaJIT 2.0.5" luajit20's)."""
    if language == "lua":
        return f"port-{runtime.name}"
    hello = getattr(runtime, "hello", None) or {}
    spoken = str(hello.get("language", "")).lower()
    if spoken == "lua":
        m = re.match(r"(lua|luajit) (\d)\.(\d)", str(hello.get("version", "")).lower())
        spoken = "".join(m.groups()) if m else spoken
    name = f"port-{spoken}"
    return name if name in tolerances.PORT_BUDGETS else "port-command"


class References:
    """python_ref's evaluation of each fixture, computed once for all
    runtimes by a thread of its own running ahead of them in corpus order (the
    Lua workers need not wait while python_ref works on a big fixture), and
    dropped when every runtime is done with it."""

    def __init__(self, fixtures, consumers):
        self.fixtures = fixtures
        self._ready = [threading.Event() for _ in fixtures]
        self._results = {}      # index -> (evaluation, None) or (None, why it failed)
        self._left = [consumers] * len(fixtures)
        self._lock = threading.Lock()
        self._stop = False
        threading.Thread(target=self._compute, daemon=True).start()

    def _compute(self):
        backend = get_backend(REFERENCE)   # only this thread uses it (it keeps its last)
        for index, fixture in enumerate(self.fixtures):
            if self._stop:
                return
            try:
                result = (backend.evaluate(fixture.program), None)
            except Exception as exc:   # a fixture the reference cannot run
                result = (None, f"{type(exc).__name__}: {exc}")
            with self._lock:
                if self._left[index] > 0:
                    self._results[index] = result
            self._ready[index].set()

    def get(self, index):
        """(evaluation, None) or (None, why python_ref failed)."""
        self._ready[index].wait()
        with self._lock:
            return self._results[index]

    def budget(self, index, name, reference, evaluation):
        """The node budgets of one runtime's evaluation (measured from its
        own values: each runtime gets its own)."""
        return tolerances.node_budgets(self.fixtures[index].program, reference, name,
                                       evaluation)

    def done(self, index):
        with self._lock:
            self._left[index] -= 1
            if self._left[index] == 0:
                self._results.pop(index, None)

    def stop(self):
        self._stop = True


class Lowered:
    """Each fixture's program with sum/dot lowered, made once per set of
    lowered ops (the runtimes of one port share it, so the Lua adapter, which
    keeps what it flattened while the program lives, flattens it once)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._programs = {}

    def get(self, index, program, ops):
        if not ops:
            return program
        key = (index, ops)
        with self._lock:
            if key not in self._programs:
                self._programs[key] = lower(program, ops)
            return self._programs[key]


def run_cell(runtime, program, evaluated, reference, tags, budget):
    """One fixture on one runtime: (Cell, evaluation or None).  evaluated is
    the program the port runs (lowered or not); budget(evaluation) gives the
    node budgets when the values are not bit-identical."""
    try:
        evaluation = runtime.evaluate(evaluated)
    except PortUnsupported as exc:
        return unsupported({exc.op}), None
    except PortFailure as exc:
        return Cell(ERROR, message=" ".join(f"{exc.kind}: {exc.message}".split())[:500]), None
    except Exception as exc:   # an adapter's own fault still ends as one cell
        return Cell.error(exc), None
    cell = compare(reference, evaluation, program)
    if cell.status != EXACT:
        bound = budget(evaluation)
        cell = judge_port(program, reference, evaluation, bound, tags)
    return cell, evaluation


def _run_one(runtime, language, fixtures, references, lowered, settings, twice_opener,
             progress):
    name = runtime.name if settings.lab_budgets else budget_name(language, runtime)
    run = RuntimeRun(runtime.name, "", name)
    try:
        run.ops = probes.probe_ops(runtime)
    except Exception as exc:   # declared_ops() itself failed: the fixtures say the rest
        run.ops = {op: probes.OpStatus(probes.BROKEN, f"{type(exc).__name__}: {exc}")
                   for op in OPS}
    run.version = str(getattr(runtime, "version", "") or "")
    missing = {op for op, status in run.ops.items() if status.state == probes.UNSUPPORTED_OP}
    lower_ops = frozenset(op for op in LOWERABLE if run.ops[op].state == probes.LOWERED)
    kept = {}   # evaluations the determinism probe compares with
    for index, fixture in enumerate(fixtures):
        start = time.perf_counter()
        reference, failed = references.get(index)
        try:
            lacking = {step.op for step in fixture.program.steps} & missing
            if failed is not None:
                cell, evaluation = Cell.error(f"the reference python_ref failed: {failed}"), None
            elif lacking:
                cell, evaluation = unsupported(lacking), None
            else:
                evaluated = lowered.get(index, fixture.program, lower_ops)
                cell, evaluation = run_cell(
                    runtime, fixture.program, evaluated, reference, fixture.tags,
                    lambda evaluation: references.budget(index, name, reference, evaluation))
                run.evidence += diagnosis.examine(fixture, evaluated, reference, evaluation,
                                                  cell, runtime.name)
                if evaluation is not None and probes.kept_for_determinism(fixture):
                    kept[fixture.name] = evaluation
        finally:
            references.done(index)
        run.cells[fixture.name] = cell
        run.seconds[fixture.name] = time.perf_counter() - start
        if progress:
            progress(runtime.name, fixture.name)
    run.probes = probes.run_probes(runtime, run.ops, lower_ops, settings, kept,
                                   twice_opener, fixtures)
    return run


def run_check(port, language, manifest_shown, fixtures, runtimes, malformed=(),
              settings=Settings(), twice_opener=None, progress=None):
    """The whole check of a port: a CheckResult.  runtimes: open PortRuntime
    objects (the caller closes them); twice_opener(runtime name) opens a
    runtime whose backward runs twice (or returns None)."""
    start = time.perf_counter()
    fixtures = list(fixtures)
    references = References(fixtures, len(runtimes))
    lowered = Lowered()
    workers = settings.jobs or max(1, len(runtimes))
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_run_one, runtime, language, fixtures, references,
                                   lowered, settings, twice_opener, progress)
                       for runtime in runtimes]
            runs = [future.result() for future in futures]
    finally:
        references.stop()
    infos = [FixtureInfo(f.name, tuple(f.tags), f.path, f.source, len(f.program.node_ids()))
             for f in fixtures]
    result = CheckResult(port, language, manifest_shown, infos, runs,
                         [str(m) for m in malformed])
    result.diagnoses = diagnosis.diagnose(result)
    result.seconds = time.perf_counter() - start
    return result

"""Benchmark 3: the parity matrix over the whole fixture corpus.

Fixtures per second for each backend (its start-up, e.g. a Lua state, timed
apart), and the wall time of `mglab parity` in a subprocess:
what `make parity` runs, without make's own second.
"""
import importlib.util
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import isolated

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class BackendRow:
    backend: str
    fixtures: int = 0
    startup_s: float = None
    seconds: float = None         # median over the repetitions, the whole corpus
    errors: int = 0               # fixtures the backend raised on (NotApplicable included)
    first_raised: str = ""        # the first of those, for the note
    error: str = ""

    @property
    def fixtures_per_s(self):
        if not self.seconds or self.errors == self.fixtures:
            return None
        return self.fixtures / self.seconds


@dataclass
class ParityRun:
    seconds: float = None
    exit_code: int = None
    summary: str = ""             # the matrix's last line, "N passed, M failed"
    skipped: str = ""


def _corpus(skip_tags=()):
    from micrograd_lab.harness.fixture import load_corpus
    fixtures, _errors = load_corpus()
    return [f for f in fixtures if not set(f.tags) & set(skip_tags)]


def time_backend(name, fixtures, repeat):
    from micrograd_lab.harness.engines.registry import get_engine

    row = BackendRow(name, fixtures=len(fixtures))
    start = time.perf_counter()
    try:
        backend = get_engine(name)
    except Exception as exc:  # an unavailable backend is a row, not a crash
        row.error = f"{type(exc).__name__}: {exc}"
        return row
    row.startup_s = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        errors = 0
        start = time.perf_counter()
        for fixture in fixtures:
            try:
                backend.evaluate(fixture.program)
            except Exception as exc:  # counted: the matrix shows them as cells
                errors += 1
                row.first_raised = row.first_raised or f"{fixture.name}: {type(exc).__name__}: {exc}"
        times.append(time.perf_counter() - start)
    row.seconds, row.errors = statistics.median(times), errors
    if fixtures and errors == len(fixtures):
        row.error = f"raised on every fixture ({row.first_raised[:120]})"
    return row


def run_parity(timeout=600):
    """Wall time of `mglab parity` (skipped until the matrix exists)."""
    if importlib.util.find_spec("micrograd_lab.harness.parity.cli") is None:
        return ParityRun(skipped="harness/matrix/cli.py does not exist yet: `make parity` not timed")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "micrograd_lab.harness", "parity"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return ParityRun(seconds=seconds, exit_code=done.returncode, summary=lines[-1] if lines else "")


def backend_names():
    try:
        from micrograd_lab.harness.engines.registry import ENGINE_NAMES
    except ImportError:
        return ()
    return ENGINE_NAMES


def backend_series(backend, repeat, skip_tags=()):
    """The one row of a backend, as a generator of dicts for isolated.call."""
    row = time_backend(backend, _corpus(skip_tags), repeat)
    d = asdict(row)
    yield d


def run(repeat=3, parity=True, backends=None, skip_tags=()):
    """(rows per backend, each timed in a child process, the parity run).
    skip_tags: leave out fixtures with these tags (--quick leaves out `deep`)."""
    names = backend_names() if backends is None else backends
    if not names:
        return [], ParityRun(skipped="harness/engines does not exist yet")
    rows = []
    for name in names:
        items, failure = isolated.call("matrix.backend_series", dict(backend=name, repeat=repeat,
                                                                        skip_tags=list(skip_tags)))
        row = BackendRow(**items[0]) if items else BackendRow(name)
        row.error = row.error or failure
        rows.append(row)
    return rows, run_parity() if parity else ParityRun(skipped="not asked for (--quick)")

"""Class mode: `check` given several ports checks each in its own worker and
writes the class summary (class_reports.py, docs/class-mode.md).

Each port's check runs in one process (run.py with jobs=1: the port's
runtimes one after another, its Lua workers and command port beside it),
within its time budget, and writes its own report folder
(<report-dir>/ports/<name from its manifest's path>/).  The ports share a
pool of --jobs worker processes, or, with --scheduler, the workers of a
Dask cluster (dask.distributed: its workers must see the same files, the
ports and the report folder).  --shard K/N checks every N-th port from the
K-th (by report folder name), so that shards on N machines cover the class
once; `mglab merge` joins their class.json files.

A port whose manifest is refused (or missing from a folder a glob matched),
or that does not start, is a row of the summary with score 0 and the one
line that says why; the class goes on.
The instructor's own bad input (a missing port folder, an unwritable report
folder, a filter that matches no fixture) stops it before any port runs.
"""
import multiprocessing
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import probes
from ..levels import LECTURE, LEVELS, level_of
from ..nn import cases as nn_cases
from ..reports.files import UnwritableFolder, write_reports, writable_folder
from ..run import CheckSettings, default_jobs
from ..run_control import (INTERRUPTED_EXIT, Interrupted, Limits, ignore_further_interrupts,
                           stop_workers, worker_init)
from . import outcome as outcomes
from .class_reports import print_summary, summary_json, write_summary
from .one_port import DoesNotStartError, UsageError, check_port, load_filtered
from .targets import BadInput, targets

DEFAULT_CLASS_DIR = Path("report") / "class"
USAGE_ERROR = 2


@dataclass(frozen=True)
class ClassJob:
    """What every port's check gets (crosses to the workers)."""
    folder: str                  # the class's report folder
    names: tuple = ()
    tags: tuple = ()
    runtimes: tuple = ()
    settings: CheckSettings = CheckSettings()
    fixtures_dir: str = None
    limits: Limits = Limits()
    timeout: float = None


@lru_cache(maxsize=2)
def _corpus(fixtures_dir, names, tags):
    """The class's corpus, loaded once per process (a pool's workers inherit
    it from the parent, a Dask worker loads it at its first port)."""
    return load_filtered(fixtures_dir, names, tags)


def _run_levels(job):
    """The levels the run has cells in (its fixtures', nn rows', probes'): a
    port not checked scored 0 of 100 beside ports scored of 60 (--tags lecture)."""
    fixtures, _ = _corpus(job.fixtures_dir, job.names, job.tags)
    found = {level_of(f.tags) for f in fixtures}
    found |= {probes.REGISTRY[name].level for name in job.settings.probes
              if name in probes.REGISTRY}
    if nn_cases.select(job.names, job.tags):
        found.add(LECTURE)
    return [level for level in LEVELS if level in found]


_ONE_AT_A_TIME = threading.Lock()   # run.py's plan is per process: one check at a time


def check_one(target, job):
    """Check one port here and write its report folder: its PortOutcome."""
    folder = Path(job.folder) / "ports" / target.slug
    folder.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()

    def could_not(state, message):
        done = outcomes.failed(target.manifest, target.slug, state, message,
                               seconds=time.monotonic() - start, run_levels=_run_levels(job),
                               counted_levels=job.settings.levels)
        done.report = str(folder)
        (folder / "check.txt").write_text(f"{state}: {done.message}\n")
        return done
    with _ONE_AT_A_TIME:
        try:
            result, _ = check_port(target.manifest, job.names, job.tags, job.runtimes,
                                   job.settings, job.fixtures_dir, None, 1, job.limits,
                                   job.timeout, corpus=_corpus(job.fixtures_dir, job.names,
                                                               job.tags))
        except DoesNotStartError as exc:
            return could_not(outcomes.DOES_NOT_START, str(exc))
        except UsageError as exc:
            return could_not(outcomes.BAD_MANIFEST, str(exc))
        except Interrupted as stop:
            result = stop.result
        except Exception as exc:   # the harness's own fault on this port: the class goes on
            return could_not(outcomes.HARNESS_ERROR, f"{type(exc).__name__}: {exc}")
    write_reports(result, folder, "check")
    return outcomes.from_result(result, target.slug, folder, time.monotonic() - start)


# -- where the ports run --------------------------------------------------------------

def _run_local(chosen, job, jobs, done):
    """Every target in a pool of jobs processes; done(outcome) as each ends.
    On Ctrl-C: the workers and their ports killed, ClassInterrupted raised
    with the ports still running or waiting."""
    if jobs == 1:
        for n, target in enumerate(chosen):
            try:
                outcome = check_one(target, job)
            except KeyboardInterrupt:
                ignore_further_interrupts()
                raise ClassInterrupted({target}) from None
            done(outcome)
            if outcome.state == outcomes.INTERRUPTED:
                raise ClassInterrupted(set())
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=worker_init,
                               mp_context=multiprocessing.get_context("fork"))
    futures = {pool.submit(check_one, target, job): target for target in chosen}
    try:
        for future in as_completed(futures):
            done(future.result())
    except KeyboardInterrupt:
        ignore_further_interrupts()
        running = {t for f, t in futures.items() if f.running()}
        stop_workers(list((pool._processes or {}).values()))
        pool.shutdown(wait=False, cancel_futures=True)
        raise ClassInterrupted(running) from None
    pool.shutdown()


def _run_dask(chosen, job, address, done):
    """Every target as a task of the Dask scheduler at address."""
    try:
        from dask.distributed import Client, as_completed as dask_completed
    except ImportError:
        raise BadInput("--scheduler needs dask.distributed: pip install "
                       "'micrograd-parity-lab[class]' (or '.[class]' in the repo)") from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise BadInput(f"--scheduler {address}: cannot reach it: {exc}") from None
    futures = {}
    try:
        futures = {client.submit(check_one, target, job, key=f"check-{target.slug}",
                                 pure=False): target for target in chosen}
        for future in dask_completed(futures):
            done(future.result())
    except KeyboardInterrupt:
        ignore_further_interrupts()
        running = {t for f, t in futures.items() if f.status == "processing"}
        client.cancel(list(futures))
        raise ClassInterrupted(running) from None
    finally:
        client.close()


class ClassInterrupted(Exception):
    """Ctrl-C during a class: `running` holds the targets whose check it stopped."""

    def __init__(self, running):
        super().__init__("interrupted")
        self.running = running


# -- the command ------------------------------------------------------------------------

def _known_runtimes(asked):
    """--runtimes names Lua runtimes lupa knows (each port is then asked for
    those it names)."""
    from micrograd_lab.lua_port import RUNTIMES
    unknown = [r for r in asked if r not in RUNTIMES]
    if unknown:
        raise BadInput(f"--runtimes: unknown runtime {', '.join(unknown)} "
                       f"(known: {', '.join(RUNTIMES)})")


def class_main(args, manifests, settings, limits):
    """check with several ports: exit 0 when every port passed, 1 when one
    did not, 2 on bad input (before any port runs), 130 on Ctrl-C."""
    start = time.perf_counter()
    try:
        folder = writable_folder(args.report_dir or DEFAULT_CLASS_DIR)
        _known_runtimes(args.runtimes)
        fixtures_dir = str(args.fixtures_dir) if args.fixtures_dir else None
        _corpus(fixtures_dir, tuple(args.fixtures), tuple(args.tags))   # once, before forking
    except (BadInput, UsageError, UnwritableFolder) as exc:
        print(exc, file=sys.stderr)
        return USAGE_ERROR
    everyone = targets(manifests)
    chosen = args.shard.take(everyone) if args.shard else everyone
    job = ClassJob(str(folder), tuple(args.fixtures), tuple(args.tags), tuple(args.runtimes),
                   settings, fixtures_dir, limits, args.timeout)
    finished = []

    def done(outcome):
        finished.append(outcome)
        print(f"[{len(finished)}/{len(chosen)}] {outcome.slug}: {outcome.final_line()}",
              file=sys.stderr, flush=True)
    try:
        if args.scheduler:
            _run_dask(chosen, job, args.scheduler, done)
        else:
            _run_local(chosen, job, args.jobs or default_jobs(), done)
    except BadInput as exc:
        print(exc, file=sys.stderr)
        return USAGE_ERROR
    except ClassInterrupted as stop:
        seen = {o.slug for o in finished}
        finished += [outcomes.failed(t.manifest, t.slug, outcomes.INTERRUPTED if t in stop.running
                                     else outcomes.NOT_CHECKED, "Ctrl-C stopped the class",
                                     run_levels=_run_levels(job),
                                     counted_levels=job.settings.levels)
                     for t in chosen if t.slug not in seen]
        write_summary(finished, folder, args.shard)
        print(f"interrupted: {sum(o.state == outcomes.CHECKED for o in finished)} of "
              f"{len(chosen)} ports checked; the partial summary is in {folder}/class.json",
              file=sys.stderr)
        return INTERRUPTED_EXIT
    write_summary(finished, folder, args.shard)
    print_summary(finished)
    print(f"class summary: {folder}/class.{{json,csv}}, {folder}/junit.xml; each port's report "
          f"and results.json in {folder}/ports/ ({time.perf_counter() - start:.1f} s)")
    return closing_line(finished)


def closing_line(finished):
    """The closing line (ports that passed, ports that did not) and the exit code."""
    passed = sum(o.ok() for o in finished)
    print(f"ports: {passed} passed, {len(finished) - passed} failed")
    return 0 if passed == len(finished) else 1


def write_shard(result, folder, shard, seconds):
    """A corpus shard of one port: its class.json (merge joins the shards)."""
    [target] = targets([result.port.manifest])
    outcome = outcomes.from_result(result, target.slug, folder, seconds)
    outcome.shards = [str(shard)]
    (Path(folder) / "class.json").write_text(summary_json([outcome], shard))

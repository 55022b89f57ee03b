"""The runner's one scheduler: a pool of worker processes (forked, so they
find the corpus in memory), the order tasks go in, and big fixtures split
among the workers."""
import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed

from .run_control import stop_workers, worker_init


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


def fixture_tasks(plan, jobs, ops):
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


def merge_parts(parts, columns):
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


class Scheduler:
    """The pool (or this process, for jobs=1): map tasks, results as they
    come; work(task) does one task, in a worker."""

    def __init__(self, jobs, work):
        self.jobs, self.work = jobs, work
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
                yield task, self.work(task)
            return
        futures = {self.pool.submit(self.work, task): task for task in tasks}
        for future in as_completed(futures):
            yield futures[future], future.result()

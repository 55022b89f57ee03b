"""What a run gives: every fixture's cells, the engines' versions, budgets,
probes and diagnoses (RunResult), how each status counts on the final line
and per level, and what a check adds to the corpus (CheckSettings)."""
from collections import Counter
from dataclasses import dataclass, field

from . import probes
from .judge.verdict import CONVENTION, NOT_RUN, NOT_RUN_COUNT, STATUS, STATUSES, UNSUPPORTED
from .levels import LEVELS, level_of
from .probes import DEPTH_MAX, PROBES

EXPECTED = "expected"   # the column checking the fixtures' own numbers against python_ref
# How every status counts on the final line: the verdict's count, with
# UNSUPPORTED and CONVENTION counted apart.
CATEGORY = {**{s: STATUS[s].counted for s in STATUSES},
            UNSUPPORTED: "unsupported", CONVENTION: "convention", NOT_RUN: NOT_RUN_COUNT}
COUNTED = ("passed", "failed", "skipped", "unsupported", "convention", NOT_RUN_COUNT)


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

    def row_levels(self):
        """{row: level}: each fixture's (and nn case's) by its tags, each
        probe's (as evidence names it: "probe numbers") by its entry."""
        rows = {f.name: level_of(f.tags) for f in self.fixtures}
        rows.update({f"probe {name}": entry.level for name, entry in probes.REGISTRY.items()})
        return rows

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

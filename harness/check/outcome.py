"""What one port's check gives the class summary: a PortOutcome, the same
whether the port ran in this process, in a pool worker, on a Dask worker or
in another shard (it crosses as JSON: class.json holds a list of them).

Its cells (fixture, tags, runtime, verdict, one line of detail) are what
the summary's files are written from: the counts, the score per level
(score.py), JUnit's testcases.  A port that could not be checked (a bad
manifest, a port that does not start) has a state saying so, a one-line
message and no cell.
"""
from dataclasses import asdict, dataclass, field, replace

from .. import probes
from ..diagnoses import BUGS
from ..diagnoses.common import level_aside
from ..judge.verdict import EXACT, NA, NOT_RUN, NOT_RUN_COUNT, PASSED, SKIPPED
from ..levels import LEVEL_TAG, LEVELS, level_of
from ..reports.summary import not_run_causes
from ..run import CATEGORY, COUNTED
from . import score

CHECKED = "checked"                  # the check ran (its cells may fail)
BAD_MANIFEST = "bad manifest"        # the manifest (or its build) is refused
DOES_NOT_START = "does not start"    # its setup or command fails before any program
HARNESS_ERROR = "harness error"      # the check itself raised on this port
INTERRUPTED = "interrupted"          # Ctrl-C while it ran
NOT_CHECKED = "not checked"          # Ctrl-C before it started
STATES = (CHECKED, BAD_MANIFEST, DOES_NOT_START, HARNESS_ERROR, INTERRUPTED, NOT_CHECKED)


@dataclass
class PortOutcome:
    manifest: str                    # the manifest as messages show it
    slug: str                        # its report folder's name in the class
    state: str = CHECKED
    name: str = ""                   # the port's name (its manifest's), "" if unread
    language: str = ""
    message: str = ""                # one line: why it was not checked, or the final line
    report: str = ""                 # its report folder ("" when none was written)
    runtimes: list = field(default_factory=list)     # its columns, in order
    cells: list = field(default_factory=list)        # [fixture, tags, runtime, status, detail]
    malformed: list = field(default_factory=list)    # malformed fixtures' lines
    diagnoses: list = field(default_factory=list)    # {bug, title, meaning, runtimes, levels, counted}
    not_run: list = field(default_factory=list)      # each cause of NOT RUN cells, once
    shards: list = field(default_factory=list)       # the corpus shards merged ("K/N")
    seconds: float = 0.0
    counted_levels: list = field(default_factory=lambda: list(LEVELS))   # check's --level
    # the levels the class's run has cells in: what a port not checked scores 0 of
    run_levels: list = field(default_factory=lambda: list(LEVELS))

    # -- what follows from the cells ---------------------------------------------------

    def counts(self):
        """The counts of the cells of the counted levels (all their levels
        stay in levels(), the score)."""
        counts = {c: 0 for c in COUNTED}
        for _, tags, _, status, _ in self.cells:
            if level_of(tags) in self.counted_levels:
                counts[CATEGORY[status]] += 1
        counts["failed"] += len(self.malformed)
        return counts

    def levels(self):
        if self.state != CHECKED:
            return score.zero_scores(self.run_levels)
        return score.level_scores(score.level_counts((tags, status)
                                                     for _, tags, _, status, _ in self.cells))

    def score(self):
        """(score, max_score) of the levels --level counts: an instructor who
        grades the lecture level grades out of its points alone."""
        return score.total({level: entry for level, entry in self.levels().items()
                            if level in self.counted_levels})

    def ok(self):
        counts = self.counts()
        return self.state == CHECKED and counts["failed"] == 0 and counts["not run"] == 0

    def final_line(self):
        if self.state != CHECKED:
            return f"{self.state}: {self.message}"
        counts = self.counts()
        line = ", ".join(f"{counts[c]} {c}" for c in COUNTED
                         if c in ("passed", "failed") or counts[c])
        if set(self.counted_levels) != set(LEVELS):
            line += f" (counted: level {', '.join(self.counted_levels)})"
        return line

    # -- crossing ------------------------------------------------------------------------

    def to_json(self):
        body = asdict(self)
        total, most = self.score()
        body.update(counts=self.counts(), levels=self.levels(), score=total,
                    max_score=most, ok=self.ok(), line=self.final_line())
        return body

    @classmethod
    def from_json(cls, body):
        known = {f for f in cls.__dataclass_fields__}
        outcome = cls(**{k: v for k, v in body.items() if k in known})
        outcome.cells = [[f, list(tags), r, s, d] for f, tags, r, s, d in outcome.cells]
        return outcome


# A probe as a cell: its verdict where it is a fault (FAIL, ERROR), else a
# status of its count (probes.Probe.counted: passed or skipped, a fault having a verdict)
PROBE_STATUS = {PASSED: EXACT, SKIPPED: NA, NOT_RUN_COUNT: NOT_RUN}


def from_result(result, slug, report="", seconds=0.0):
    """The outcome of a run.RunResult of a check."""
    cells = [[f.name, list(f.tags), column, cell.status,
              cell.detail() if cell.status != EXACT else ""]
             for f in result.fixtures for column, cell in f.cells.items()]
    # each probe is a cell of the port's final line and of its level: of the class's too
    # (a student's report read 171 passed where the class summary read 167)
    cells += [[f"probe {p.name}", [LEVEL_TAG[probes.REGISTRY[p.name].level]], engine,
               p.verdict or PROBE_STATUS[p.counted], p.summary]
              for engine, p in result.probe_cells()]
    cells = _in_order(cells, result.engines)
    diagnoses = [{"bug": d.bug.key, "title": d.bug.title, "meaning": d.meaning,   # in its family's words
                  "runtimes": d.runtimes, "levels": list(d.levels), "counted": d.counted}
                 for d in result.diagnoses]
    state = INTERRUPTED if result.interrupted else CHECKED
    outcome = PortOutcome(result.port.manifest, slug, state, result.port.name,
                          result.port.language, report=str(report),
                          runtimes=list(result.engines), cells=cells,
                          malformed=list(result.malformed), diagnoses=diagnoses,
                          not_run=[cause for cause, _ in not_run_causes(result)],
                          seconds=round(seconds, 3), counted_levels=list(result.levels))
    if state == INTERRUPTED:
        # an interrupted port is scored as checked so far: its cells not run fail
        outcome.message = "Ctrl-C stopped its check"
    return outcome


def failed(manifest, slug, state, message, name="", language="", seconds=0.0,
           run_levels=LEVELS, counted_levels=LEVELS):
    """The outcome of a port that could not be checked: 0 of run_levels."""
    assert state in STATES
    return PortOutcome(str(manifest), slug, state, name, language, " ".join(message.split()),
                       seconds=round(seconds, 3), run_levels=list(run_levels),
                       counted_levels=list(counted_levels))


def merge_same_port(parts):
    """One outcome from the corpus shards of one port (in shard order): their
    cells, malformed fixtures, diagnoses and causes joined, as one run gives."""
    first = parts[0]
    if any(p.state != CHECKED for p in parts):
        return next(p for p in parts if p.state != CHECKED)
    merged = replace(first, cells=[], malformed=[], diagnoses=[], not_run=[], shards=[],
                     seconds=0.0)
    bugs = {}
    for part in parts:
        merged.cells += part.cells
        merged.malformed += [m for m in part.malformed if m not in merged.malformed]
        merged.not_run += [c for c in part.not_run if c not in merged.not_run]
        merged.shards += part.shards
        merged.seconds = round(merged.seconds + part.seconds, 3)
        for d in part.diagnoses:
            entry = bugs.setdefault(d["bug"], {**d, "runtimes": [], "levels": [], "counted": False})
            entry["runtimes"] += [r for r in d["runtimes"] if r not in entry["runtimes"]]
            entry["levels"] += [v for v in d.get("levels", ()) if v not in entry["levels"]]
            entry["counted"] = entry["counted"] or d.get("counted", True)
    order = {r: n for n, r in enumerate(first.runtimes)}
    for entry in bugs.values():
        entry["runtimes"].sort(key=lambda r: order.get(r, len(order)))
    merged.diagnoses = sorted(bugs.values(), key=lambda d: list(BUGS).index(d["bug"]))
    merged.cells = _in_order(merged.cells, first.runtimes)
    return merged


def _in_order(cells, runtimes):
    """Cells by fixture name, then runtime in the port's order: one order
    however the corpus was split."""
    order = {r: n for n, r in enumerate(runtimes)}
    return sorted(cells, key=lambda c: (c[0], order.get(c[2], len(order))))


__all__ = ["PortOutcome", "from_result", "failed", "merge_same_port", "STATES", "CHECKED"]


def diagnosis_title(d):
    """An outcome's diagnosis's title, with its levels where none counts."""
    return d["title"] + level_aside(d.get("levels", ()), d.get("counted", True))

"""What every diagnosis shares: the bug, its evidence, and the finding."""
import math
import re
from dataclasses import dataclass, field
from typing import Union

from ..judge.compare import same_bits
from .wording import DEFAULT, family_advice, runtime_ranges

REL = 1e-9   # structural faults change a gradient by far more than rounding


@dataclass(frozen=True)
class Bug:
    key: str
    title: str
    # what the port does, and how to fix it: one text, or one per language
    # family ({"lua": ..., "python": ..., DEFAULT: ...}, harness.diagnoses.wording)
    meaning: Union[str, dict]
    order: float          # diagnoses show in this order
    # how the tests show it: the test port (tests/ports/<name>/) whose check
    # names it, on these fixtures and probes, on this Lua runtime ("" for a
    # command port: its own process)
    test_port: str
    shown_by: tuple
    shown_on: str = "lua54"
    confirmed_by_probe: bool = False   # cell evidence counts only where a probe shows it too
    # how the ops its evidence names read in the headline: "{owners} backward
    # assign{s} the gradient" gives "mul's backward assigns the gradient", or
    # "add's and mul's backward assign ..." ("" when it names none)
    names_ops: str = ""
    # the bugs whose evidence this one's becomes on a runtime that shows one
    # of them (a more precise explanation of the same failures)
    joins: tuple = ()

    def advice(self, family=DEFAULT):
        """The meaning worded for a language family (wording.family)."""
        return family_advice(self.meaning, family)


@dataclass(frozen=True)
class Evidence:
    bug: str
    runtime: str
    where: str            # a fixture name, or a probe ("probe numbers")
    node: str             # "" when no node
    detail: str           # one line
    ops: tuple = ()       # the ops whose forward or backward is at fault, where known
    place: str = ""       # the port's file:line, where its runtime said it
    against: bool = False   # evidence against the bug on this runtime: another cause
    #                         explains its failures (the bug is not named there)
    size: int = 0         # the fixture's nodes: the smaller, the easier to read
    joined: bool = False  # another bug's evidence that joined this one (shown after its own)

    def to_json(self):
        out = {"bug": self.bug, "runtime": self.runtime, "where": self.where,
               "node": self.node, "detail": self.detail}
        if self.ops:
            out["ops"] = list(self.ops)
        if self.place:
            out["place"] = self.place
        return out

    def same_finding(self):
        """What two runtimes' evidence share when it is one finding."""
        return (self.where, self.node, self.detail, self.ops, self.place)


# Evidence is shown best first: fixtures named after the lecture, then
# micrograd's own, then the probes, then the rest of the corpus, finite
# differences' and the fuzzer's hash-named finds last; the smallest first.
PREFERRED_PREFIXES = ("lecture-", "micrograd-", "probe ", "fd-", "found-")
OTHER_FIXTURES = PREFERRED_PREFIXES.index("fd-") - 0.5


# An edge (a subnormal, an inf) is an example a student reads last: relu's
# `out.data >= 0` was shown at relu-edge-minus-5em324, not at an ordinary point
EDGE_FIXTURES = OTHER_FIXTURES + 0.25


def name_rank(where):
    """Where a fixture (or probe) of this name comes among examples."""
    return next((i for i, prefix in enumerate(PREFERRED_PREFIXES) if where.startswith(prefix)),
                EDGE_FIXTURES if "-edge-" in where else OTHER_FIXTURES)


def preference(evidence):
    where = evidence.where
    rank = name_rank(where)
    # then by name: evidence arrives in the order the workers finish, and a
    # tie left to it changed the example shown from one run to the next
    return rank, evidence.size, where, evidence.node, evidence.runtime, evidence.detail


def level_aside(levels, counted):
    """What a report writes beside a diagnosis that no counted level shows."""
    return "" if counted else f" (level {', '.join(levels)}: not counted)"


@dataclass
class Diagnosis:
    bug: Bug
    evidence: list = field(default_factory=list)   # of Evidence kept to show, best first
    count: int = 0                                  # how many findings in all
    runtimes: list = field(default_factory=list)    # every runtime that shows it
    ops: tuple = ()                                 # the ops its evidence names
    family: str = DEFAULT                           # the port's language family
    levels: tuple = ()        # the levels its findings come from, and if none counts ...
    counted: bool = True      # ... (--level leaves them out) it is shown, not counted

    @property
    def aside(self):
        return level_aside(self.levels, self.counted)

    @property
    def meaning(self):
        return self.bug.advice(self.family)

    @property
    def places(self):
        return list(dict.fromkeys(e.place for e in self.evidence if e.place))

    def groups(self):
        """[(runtimes, Evidence)]: each finding once, with every runtime
        that shows it, best first."""
        found = {}
        for e in self.evidence:
            found.setdefault(e.same_finding(), ([], e))[0].append(e.runtime)
        return list(found.values())

    def title(self):
        if self.ops and self.bug.names_ops:
            owners = _joined([f"{op}'s" for op in self.ops])
            named = self.bug.names_ops.format(owners=owners, ops=_joined(self.ops),
                                              s="s" if len(self.ops) == 1 else "")
            return f"{self.bug.title}: {named}"
        return self.bug.title

    def headline(self):
        runtimes, first = self.groups()[0]
        return f"{self.title()} ({runtime_ranges(self.runtimes)}){self.aside}: {line(first)}"

    def lines(self):
        """One line per finding: "lua51–lua55, luajit21: fixture, node x: ..."."""
        return [f"{runtime_ranges(runtimes)}: {line(e)}" for runtimes, e in self.groups()]

    def to_json(self):
        return {"bug": self.bug.key, "title": self.title(), "meaning": self.meaning,
                "runtimes": self.runtimes, "count": self.count, "ops": list(self.ops),
                "levels": list(self.levels), "counted": self.counted,
                "places": self.places, "lines": self.lines(),
                "evidence": [e.to_json() for e in self.evidence]}


def line(evidence):
    """fixture, node x: detail (at file:line)."""
    at = evidence.where + (f", node {evidence.node}" if evidence.node else "")
    place = f" (at {evidence.place})" if evidence.place else ""
    return f"{at}: {evidence.detail}{place}"


def _joined(names):
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# A place in a port's source as its runtime writes it: Lua's "micro/value.lua:31:",
# the drivers' "[at engine.py:42 in __sub__]" (Python, JavaScript).
PLACE = re.compile(r"(?:\[at |^|(?<=: ))((?:[\w.-]+/)*[\w.-]+\.(?:lua|py|js|mjs|cjs|ts):\d+)"
                   r"(?:(?: in [\w.<>$]+)?\]|:)\s?")


def split_place(message):
    """(the port's file:line in message or "", message without it)."""
    m = PLACE.search(message)
    if m is None:
        return "", message
    return m[1], (message[:m.start()] + message[m.end():]).strip()


def holds_its_arguments(step, reference, evaluation):
    """Does the port hold each node argument of step as python_ref does, bit
    for bit?  Only then does the step's own value speak of its op: a port
    whose inputs already differ (a float32 port reads 1e-300 as 0) computes
    the op on other numbers, and tanh(0) = 0 is no fault of its tanh."""
    return all(same_bits(reference[arg.value][0], evaluation.get(arg.value, (None, None))[0])
               for arg in step.args if arg.kind == "node")


def near(got, want, scale):
    """got within REL of want (relative to the larger of them and scale)."""
    if got is None or want is None:
        return got is want
    if got != got or want != want:
        return got != got and want != want
    if got == want:
        return True
    if math.isinf(got) or math.isinf(want):
        return False
    return abs(got - want) <= REL * max(abs(got), abs(want), scale)

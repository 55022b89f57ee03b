"""A port's score: points per level (harness/levels.py), from its cells.

Each level is worth LEVEL_POINTS; within a level every judged cell (one
fixture, or one probe, on one runtime) weighs the same, and the level's score is its
points times the share of its judged cells that passed.  A cell is judged
when its verdict counts as passed or failed (harness/judge/verdict.py):
EXACT, CLOSE and CONVENTION pass; FAIL, ERROR and NOT RUN fail; N/A,
UNRESOLVED and UNSUPPORTED are not judged (the report lists them).  A
level with no judged cell (filtered out, say) is left out of the maximum.
A port that cannot be checked (a bad manifest, does not start) scores 0 of
every level the run has cells in.  docs/class-mode.md explains the score to students.
"""
from ..judge.verdict import FAILED, PASSED, STATUS
from ..levels import LEVELS, level_of

# How much each level is worth: what the lecture does comes first.
LEVEL_POINTS = {"lecture": 60.0, "edges": 20.0, "scale": 10.0, "numbers": 10.0}
assert set(LEVEL_POINTS) == set(LEVELS), "every level has its points"


def level_counts(cells):
    """{level: {"passed": n, "judged": n}} over (tags, status) pairs."""
    counts = {level: {"passed": 0, "judged": 0} for level in LEVELS}
    for tags, status in cells:
        counted = STATUS[status].counted
        if counted in (PASSED, FAILED):
            entry = counts[level_of(tags)]
            entry["judged"] += 1
            entry["passed"] += counted == PASSED
    return counts


def level_scores(counts):
    """{level: {passed, judged, score, max_score}} for the levels with a
    judged cell, scores rounded to 0.01."""
    out = {}
    for level in LEVELS:
        entry = counts.get(level, {"passed": 0, "judged": 0})
        if entry["judged"]:
            points = LEVEL_POINTS[level]
            out[level] = {**entry, "max_score": points,
                          "score": round(points * entry["passed"] / entry["judged"], 2)}
    return out


def zero_scores(levels=LEVELS):
    """Each of levels at 0: a port that could not be checked."""
    return {level: {"passed": 0, "judged": 0, "max_score": LEVEL_POINTS[level], "score": 0.0}
            for level in LEVELS if level in levels}


def total(levels):
    """(score, max_score) of a port's levels."""
    return (round(sum(e["score"] for e in levels.values()), 2),
            round(sum(e["max_score"] for e in levels.values()), 2))

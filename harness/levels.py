"""Levels: what a fixture asks of a port, so a student sees first whether
the port does what the lecture does, then how it behaves beyond it.

  lecture  the lecture's ops on ordinary values, as micrograd 0.1.0 defines
           them: every value finite and between 2^-100 and 2^100 in
           magnitude (or +0), where the lecture's own formulas keep their
           digits (a port's budget there carries the lecture's way of
           writing them: harness.ops.LECTURE)
  edges    IEEE overflow, subnormals, inf, nan, signed zero; where a value
           saturates (tanh(7): t within 2^-18 of 1, so the lecture's
           1 - t**2 keeps 35 of its 53 bits); what the fuzzer found there
  scale    deep and wide graphs (a thousand nodes or more)
  numbers  Lua integers, and numbers as a port keeps them (the numbers
           probe: a number on either side of each operator)

A fixture's level follows from its tags, the first rule that matches:
integers -> numbers; deep -> scale; edges, found or a convention tag ->
edges; the rest -> lecture.  The fixture generators give a fixture whose
values are not ordinary the tag edges (tests/test_levels.py holds every
lecture-level fixture to ordinary values).  An nn case of harness/nn is a
row tagged nn: lecture.  A probe's level is its Entry's (harness/probes).
"""
import math

from .judge.conventions import CONVENTIONS

LECTURE, EDGES, SCALE, NUMBERS = LEVELS = ("lecture", "edges", "scale", "numbers")
# A tag that gives each level (level_of): a row that is no fixture (a probe) has it
LEVEL_TAG = {LECTURE: "lecture", EDGES: "edges", SCALE: "deep", NUMBERS: "integers"}
MEANING = {
    LECTURE: "the lecture's ops on ordinary values, as micrograd 0.1.0 defines them",
    EDGES: "IEEE overflow, subnormals, inf, nan, signed zero, saturation",
    SCALE: "deep and wide graphs",
    NUMBERS: "Lua integers, and numbers on either side",
}
EDGE_TAGS = frozenset({"edges", "found"}) | frozenset(CONVENTIONS)
# The magnitudes of an ordinary value: far from overflow and underflow, so
# that no square, reciprocal or product of two of them leaves the range.
ORDINARY_RANGE = (2.0 ** -100, 2.0 ** 100)


def level_of(tags):
    """The level of a fixture (or an nn case) with these tags."""
    tags = set(tags)
    if "integers" in tags:
        return NUMBERS
    if "deep" in tags:
        return SCALE
    if tags & EDGE_TAGS:
        return EDGES
    return LECTURE


def ordinary(x):
    """Is x a value the lecture level may hold: +0, or finite with a
    magnitude in ORDINARY_RANGE (no -0, inf, nan, subnormal or huge)?"""
    if x == 0.0:
        return math.copysign(1.0, x) > 0
    low, high = ORDINARY_RANGE
    return math.isfinite(x) and low <= abs(x) <= high


def chosen(asked):
    """The levels a --level list names (empty, or with "all": every one), in
    LEVELS' order."""
    if not asked or "all" in asked:
        return LEVELS
    return tuple(level for level in LEVELS if level in asked)

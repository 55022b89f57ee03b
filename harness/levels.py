"""Levels: what a fixture asks of a port, so a student sees first whether
the port does what the lecture does, then how it behaves beyond it.

  lecture  the lecture's ops on ordinary values, as micrograd 0.1.0 defines them
  edges    IEEE overflow, subnormals, inf, nan, signed zero, and what the
           fuzzer found there
  scale    deep and wide graphs
  numbers  Lua integers, and numbers where a port keeps them as given

A fixture's level follows from its tags, the first rule that matches:
integers -> numbers; deep -> scale; edges, found or a convention tag ->
edges; the rest -> lecture.
"""
from .judge.conventions import CONVENTIONS

LEVELS = ("lecture", "edges", "scale", "numbers")
EDGE_TAGS = frozenset({"edges", "found"}) | frozenset(CONVENTIONS)


def level_of(tags):
    """The level of a fixture with these tags."""
    tags = set(tags)
    if "integers" in tags:
        return "numbers"
    if "deep" in tags:
        return "scale"
    if tags & EDGE_TAGS:
        return "edges"
    return "lecture"

"""float32: the port keeps its numbers in single precision.  Every value it
gives is a float32 (24 significant bits; beyond 3.4e38, inf), an input that
is not one reads back as its float32 rounding, and python_ref's values are
not all float32s.  A fact about the values: a float64 port gives float32
numbers only where every number of the fixture happens to be one."""
import math
import struct

from ..judge.verdict import FAIL
from .common import Bug, Evidence
from .wording import DEFAULT, JAVASCRIPT, PYTHON

BUGS = [Bug("float32", "single precision: the data is float32", {
    JAVASCRIPT: "the port stores its numbers in single precision (a Float32Array, or "
                "Math.fround): each value keeps 24 bits (about 7 digits) and overflows past "
                "3.4e38; keep them in plain numbers (float64)",
    PYTHON: "the port stores its numbers in single precision (numpy.float32, array('f'), a "
            "float32 tensor): each value keeps 24 bits (about 7 digits) and overflows past "
            "3.4e38; keep them as Python floats (float64)",
    DEFAULT: "the port stores its numbers in single precision (float, f32, float32): each "
             "value keeps 24 bits (about 7 digits) and overflows past 3.4e38; use double "
             "precision (double, f64, float64)"},
    17, "float32", ("add-0p1-0p2",), shown_on="")]


def to_float32(x):
    """x rounded to the nearest float32 (inf past its range), as a float."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def is_float32(x):
    return x != x or to_float32(x) == x


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status != FAIL or evaluation is None:
        return []
    program = fixture.program
    given = [x for n in program.node_ids() for x in evaluation[n] if x is not None]
    if not given or not all(is_float32(x) for x in given):
        return []
    if all(is_float32(x) for n in program.node_ids() for x in reference[n] if x is not None):
        return []   # every number here is a float32: nothing tells the precisions apart
    for name, value in program.inputs:
        got = evaluation[name][0]
        if got is not None and not is_float32(value) and got == to_float32(value):
            return [Evidence("float32", engine, fixture.name, name,
                             f"the input {value!r} reads back as {got!r}, its float32 "
                             f"rounding; all {len(given)} values the port gives are float32s")]
    return []

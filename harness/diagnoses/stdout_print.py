"""stdout-print: a command port's stdout carries a line that is no protocol
message ("evaluating 3 steps"): the port or its driver prints to stdout,
the protocol's own channel.  Read from the protocol ERRORs of the cells and
of the op probe, which quote the line."""
import re

from ..judge.verdict import ERROR
from .common import Bug, Evidence
from .wording import DEFAULT, JAVASCRIPT, LUA, PYTHON

BUGS = [Bug("stdout-print", "the driver or port prints to stdout", {
    PYTHON: "a line that is no protocol message reached stdout, the protocol's channel: "
            "print to stderr (print(..., file=sys.stderr)), or send stdout there before the "
            "port runs, as python_driver.py does",
    JAVASCRIPT: "a line that is no protocol message reached stdout, the protocol's channel: "
                "log with console.error, or send console.log there before the port runs, as "
                "node_driver.js does",
    LUA: "a line that is no protocol message reached stdout, the protocol's channel: write "
         "with io.stderr:write, or replace print before the port runs, as lua_driver.lua does",
    DEFAULT: "a line that is no protocol message reached stdout, the protocol's channel: print "
             "everything else to stderr (docs/protocol.md: a driver never prints to stdout)"},
    19, "stdout-print", ("lecture-d-abc",), shown_on="")]
PRINTED = re.compile(r"not a JSON line \(.*?\): (['\"].*['\"])")


def _evidence(engine, where, message):
    m = PRINTED.search(message)
    if m is None:
        return []
    return [Evidence("stdout-print", engine, where, "",
                     f"the port wrote {m[1]} where a protocol message was due")]


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    if cell.status != ERROR or not cell.message.startswith("protocol:"):
        return []
    return _evidence(engine, fixture.name, cell.message)


def from_probes(engine, probes):
    ops = probes.get("ops")
    for op, status in (ops.details.get("ops", {}) if ops else {}).items():
        found = _evidence(engine, "probe ops", status.get("message", ""))
        if found:
            return found
    return []

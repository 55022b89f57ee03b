"""Probes: small programs a check runs on each engine besides the corpus.

The op probe (ops.py) runs before the corpus: which ops the engine lacks
(their fixtures read UNSUPPORTED; sum and dot are lowered to + and *
instead).  The others run after it, one module each, registered the way
pytest registers its plugins: every module of this package that defines
PROBES (a list of Entry) is one, found when the package is imported.  Each
entry names the test port (tests/ports/<name>/) whose check shows it find
something; a test fails for an entry without one.

A probe answers a Probe: ok, a finding worth a look (warn), a fault (fail),
or not run.  The diagnoses (harness.diagnoses) read what they found.
"""
import importlib
import pkgutil
from dataclasses import dataclass, field

from ..engines.base import EngineFailure
from .common import (FAULT, OK, SKIPPED, WARN, Entry, Probe, failure_text,  # noqa: F401 (the API)
                     stopped_by_the_run)
from .depth import DEPTH_MAX, DEPTH_START  # noqa: F401
from .determinism import (has_fan_in, kept_for_determinism, lecture_allows,  # noqa: F401
                          run_again)
from .ops import (BROKEN, LOWERED, SUPPORTED, UNSUPPORTED_OP, OpStatus,  # noqa: F401
                  ops_probe, probe_ops)



@dataclass
class Context:
    """What a probe gets: the engine (and its spec, to open a variant of it),
    the op probe's findings, the ops lowered for it, the corpus evaluations
    kept for the determinism probe, the fixtures, the depth probes' top."""
    engine: object
    spec: object
    ops: dict
    lower_ops: frozenset
    kept: dict = field(default_factory=dict)
    fixtures: tuple = ()
    depth_max: int = DEPTH_MAX


def _registered():
    entries = []
    for module in pkgutil.iter_modules(__path__):
        entries += getattr(importlib.import_module(f"{__name__}.{module.name}"), "PROBES", [])
    return {e.name: e for e in sorted(entries, key=lambda e: e.order)}


REGISTRY = _registered()
PROBES = tuple(REGISTRY)


def run_probe(name, context):
    """One registered probe on one engine; a port that cannot even restart
    gives a probe that was not run, and the run goes on."""
    try:
        return REGISTRY[name].run(context)
    except Exception as exc:
        if stopped_by_the_run(exc):   # the budget: not run, not the port's fault
            return Probe(name, SKIPPED, exc.message if isinstance(exc, EngineFailure) else str(exc),
                         stopped=True)
        return Probe(name, SKIPPED, f"not measured: {failure_text(exc)}")

"""Diagnoses: the classic bug a pattern of failures points to, with the
fixture (or probe) and the node that show it.

One module per classic bug (or per family of bugs one simulation tells
apart), registered the way pytest registers its plugins: every module of
this package that defines BUGS (a list of Bug) is one, found when the
package is imported.  A module may give evidence from a failing cell while
its values are at hand (examine) and from the probes (from_probes); a bug
whose cell evidence another cause could explain is kept only where its
probe shows it too (confirmed_by_probe).  Every signature is a fact about
the values, not a guess from a fixture's name.  Each Bug names the test
port (tests/ports/<name>/) whose check shows it; a test fails for a bug
without one.
"""
import importlib
import pkgutil

from .common import Bug, Diagnosis, Evidence  # noqa: F401 (the API)

KEEP_PER_ENGINE = 3


def _registered():
    modules = [importlib.import_module(f"{__name__}.{m.name}")
               for m in pkgutil.iter_modules(__path__) if m.name != "common"]
    return sorted((m for m in modules if hasattr(m, "BUGS")),
                  key=lambda m: min(b.order for b in m.BUGS))


MODULES = _registered()
BUGS = {bug.key: bug for bug in sorted((b for m in MODULES for b in m.BUGS),
                                       key=lambda b: b.order)}


def examine(fixture, evaluated, reference, evaluation, cell, engine):
    """The Evidence one cell gives.  evaluated: the program the engine ran
    (the fixture's, or it with sum and dot lowered); reference: python_ref's
    values of the fixture's program.  A module marked `fallback` speaks only
    where no other found anything."""
    found = []
    for fallback in (False, True):
        if found:
            break
        for module in MODULES:
            if getattr(module, "fallback", False) == fallback and hasattr(module, "examine"):
                found += module.examine(fixture, evaluated, reference, evaluation, cell, engine)
    return found


def diagnose(result, evidence):
    """[Diagnosis] for a run.RunResult and the cells' evidence, in BUGS' order."""
    gathered = {key: Diagnosis(bug) for key, bug in BUGS.items()}
    for engine in result.engines:
        probed = [e for m in MODULES if hasattr(m, "from_probes")
                  for e in m.from_probes(engine, result.probes.get(engine, {}))]
        shown = {e.bug for e in probed}
        own = [e for e in evidence if e.runtime == engine
               and (not BUGS[e.bug].confirmed_by_probe or e.bug in shown)]
        kept = {}
        for e in own + probed:
            d = gathered[e.bug]
            d.count += 1
            kept[e.bug] = kept.get(e.bug, 0) + 1
            if kept[e.bug] <= KEEP_PER_ENGINE:
                d.evidence.append(e)
    return [d for d in gathered.values() if d.count]

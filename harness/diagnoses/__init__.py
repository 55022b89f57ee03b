"""Diagnoses: the classic bug a pattern of failures points to, with the
fixture (or probe) and the node that show it.

One module per classic bug (or per family of bugs one simulation tells
apart), registered the way pytest registers its plugins: every module of
this package that defines BUGS (a list of Bug) is one, found when the
package is imported.  A module may give evidence from a failing cell while
its values are at hand (examine), from an nn row's answer (examine_nn) and
from the probes (from_probes); a bug
whose cell evidence another cause could explain is kept only where its
probe shows it too (confirmed_by_probe), and evidence marked `against`
keeps a bug unnamed on its runtime (another cause explains the failures
there).  Every signature is a fact about the values, not a guess from a
fixture's name.  Each Bug names the test port (tests/ports/<name>/) whose
check shows it; a test fails for a bug without one.  docs/diagnoses.md
lists them.
"""
import importlib
import pkgutil
from dataclasses import replace

from ..levels import LEVELS
from ..ops import OPS
from .common import Bug, Diagnosis, Evidence, preference  # noqa: F401 (the API)
from .wording import port_family

KEEP_FINDINGS = 3   # findings shown per bug, each with every runtime that shows it


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
    values of the fixture's program.  A module's `fallback` (True, or 2 for
    the least specific) makes it speak only where the modules before found
    nothing."""
    found = []
    for tier in (0, 1, 2):
        if found:
            break
        for module in MODULES:
            if int(getattr(module, "fallback", 0)) == tier and hasattr(module, "examine"):
                found += module.examine(fixture, evaluated, reference, evaluation, cell, engine)
    size = len(fixture.program.node_ids())
    return [replace(e, size=size) for e in found]


def examine_nn(case, answer, cell, engine):
    """The Evidence one nn case's cell gives (harness.nn.cases.MlpCase, the
    port's MlpAnswer or None): each module's examine_nn."""
    if answer is None:
        return []
    return [e for module in MODULES if hasattr(module, "examine_nn")
            for e in module.examine_nn(case, answer, cell, engine)]


def _joined(evidence, against=()):
    """One runtime's evidence, that of a bug which `joins` another moved to the
    first of those the runtime shows too (a timeout on a graph of many paths
    is more evidence of the sort without a visited set), and has no evidence
    against (its findings would be dropped with it)."""
    shown = {e.bug for e in evidence} - set(against)
    joined = []
    for e in evidence:
        into = next((k for k in BUGS[e.bug].joins if k in shown), e.bug)
        joined.append(e if into == e.bug else replace(e, bug=into, joined=True))
    return joined


def diagnose(result, evidence):
    """[Diagnosis] for a run.RunResult and the cells' evidence, in BUGS' order:
    each bug with every runtime that shows it, its evidence grouped across
    runtimes and best first (preference), the first KEEP_FINDINGS findings
    kept to show; worded for the port's language family."""
    language = port_family(result)
    gathered = {key: [] for key in BUGS}
    shown_on = {key: [] for key in BUGS}
    for engine in result.engines:
        probed = [e for m in MODULES if hasattr(m, "from_probes")
                  for e in m.from_probes(engine, result.probes.get(engine, {}))]
        shown = {e.bug for e in probed}
        against = {e.bug for e in evidence if e.runtime == engine and e.against}
        own = [e for e in evidence if e.runtime == engine and not e.against
               and (not BUGS[e.bug].confirmed_by_probe or e.bug in shown)]
        for e in _joined(own + probed, against):
            if e.bug not in against:
                gathered[e.bug].append(e)
                if engine not in shown_on[e.bug]:
                    shown_on[e.bug].append(engine)
    rows = result.row_levels()

    def level_of_row(where):   # "probe determinism: program 3" is the probe's
        return rows.get(where.split(":")[0] if where.startswith("probe ") else where)
    found = []
    for key, bug in BUGS.items():
        if not gathered[key]:
            continue
        levels = {level_of_row(e.where) for e in gathered[key]} - {None}
        counted = not levels or bool(levels & set(result.levels))
        # a counted finding is the one to show first
        ranked = sorted(gathered[key], key=lambda e: (
            level_of_row(e.where) not in result.levels, e.joined, *preference(e)))
        findings = {}
        for e in ranked:
            findings.setdefault(e.same_finding(), []).append(e)
        kept = list(findings.values())[:KEEP_FINDINGS]
        ops = tuple(sorted({op for e in ranked for op in e.ops}, key=list(OPS).index))
        found.append(Diagnosis(bug, [e for group in kept for e in group], len(findings),
                               shown_on[key], ops, language,
                               tuple(level for level in LEVELS if level in levels), counted))
    # what counts first; then from the lecture's level on (a lecture fixture's
    # bug before a recursion limit the scale level shows); else BUGS' order
    return sorted(found, key=lambda d: (not d.counted,
                                        LEVELS.index(d.levels[0]) if d.levels else 0))

"""parity.json and check.json: the whole run, deterministic (sorted keys, no
times), so two runs give the same bytes; timings go to a file of their own.
A check adds its port, its diagnoses, the op probe and the probes of each
engine, and the counts of UNSUPPORTED and CONVENTION cells."""
import json
import math

from ..judge.verdict import NOT_RUN_COUNT, PASSING, STATUS
from ..probes import REGISTRY as probe_registry
from .summary import (CONVENTION_TEXT, RULES, VERDICTS, failing_probes, max_ulps, status_counts,
                      tolerance_table)


def jsonable(value):
    """value with every infinite or nan float as its repr (JSON has none)."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _fixtures(result):
    fixtures = []
    for r in result.fixtures:
        cells = {}
        for column, cell in r.cells.items():
            entry = {"vs_reference": cell.to_json()}
            if column in r.vs_torch:
                entry["vs_torch"] = r.vs_torch[column].to_json()
            cells[column] = entry
        fixtures.append({"name": r.name, "tags": list(r.tags), "path": r.path,
                         "source": r.source, "nodes": r.nodes,
                         "passed": all(c.passed for c in r.cells.values()), "cells": cells})
    return fixtures


def _summary(result):
    counts = result.counts()
    per_column = {}
    for column in result.columns:
        top, where = max_ulps(result.fixtures, column)
        per_column[column] = {"statuses": status_counts(result.fixtures, column),
                              "max_ulps": top if top != float("inf") else "inf",
                              "max_ulps_at": where[0] if where else None}
    summary = {"passed": counts["passed"], "failed": counts["failed"],
               "skipped": counts["skipped"], "line": result.final_line(),
               "columns": per_column, "passing_statuses": list(PASSING),
               "counted_as": {s.name: s.counted for s in STATUS.values()}}
    if result.port is not None:
        summary.update(unsupported=counts["unsupported"], convention=counts["convention"],
                       ok=result.ok(), probes=_probe_counts(result))
    summary["levels"] = {line.level: {**line.counts, "line": line.text, "counted": line.counted}
                         for line in result.level_lines()}
    summary["counted_levels"] = list(result.levels)
    return summary


def _probe_counts(result):
    """How the probes joined the counts: {passed, failed, skipped}, and each
    one that failed."""
    cells = result.probe_cells()
    out = {c: sum(p.counted == c for _, p in cells) for c in ("passed", "failed", "skipped")}
    stopped = sum(p.counted == NOT_RUN_COUNT for _, p in cells)
    if stopped:   # only where the run stopped one: the matrix has no probes
        out[NOT_RUN_COUNT] = stopped
    out["failing"] = [{"engine": e, "probe": p.name, "verdict": p.verdict, "summary": p.summary}
                      for e, p in failing_probes(result)]
    return out


def _check(result):
    """What a check adds: the port, the diagnoses, each engine's ops and probes."""
    return {
        "port": {"name": result.port.name, "language": result.port.language,
                 "manifest": result.port.manifest},
        "diagnoses": [d.to_json() for d in result.diagnoses],
        "printed": result.printed,
        "engines": {name: {
            "version": result.versions.get(name, ""),
            "budget": getattr(result.budgets.get(name), "name", None),
            "ops": {op: {"state": s.state, "message": s.message}
                    for op, s in (result.ops.get(name) or {}).items()},
            "probes": {p: {"status": probe.status, "summary": probe.summary,
                           "verdict": probe.verdict, "counted": probe.counted
                           if p in probe_registry else None,
                           "details": jsonable(probe.details)}
                       for p, probe in result.probes.get(name, {}).items()},
        } for name in result.engines},
        "verdicts": VERDICTS,
        "convention_tags": CONVENTION_TEXT,
    }


def run_json(result):
    body = {
        "reference": "python_ref",
        "columns": list(result.columns),
        "backends": result.versions,
        "conventions": RULES,
        "tolerances": tolerance_table(result),
        "fixtures": _fixtures(result),
        "malformed": list(result.malformed),
        "summary": _summary(result),
    }
    if result.port is not None:
        body.update(_check(result))
    return json.dumps(body, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def timings_json(result, total_seconds, jobs):
    body = {"total_seconds": round(total_seconds, 3), "jobs": jobs,
            "fixtures": {r.name: {k: round(v, 4) for k, v in sorted(r.seconds.items())}
                         for r in result.fixtures}}
    return json.dumps(body, sort_keys=True, indent=1) + "\n"

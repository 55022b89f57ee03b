"""check.json: the whole check, deterministic (keys in a fixed order, no
times), the diagnoses first."""
import json
import math

from ..judge import tolerances
from ..matrix.report_json import CONVENTIONS as COMPARISON_RULES
from .report_summary import VERDICTS
from .runner import COUNTED
from ..judge.conventions import CONVENTIONS


def jsonable(value):
    """value with every infinite or nan float as its repr (JSON has none)."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _budget_table(name):
    return {op: {"data": b.data, "grad": b.grad, "reason": b.reason}
            for op, b in tolerances.PORT_BUDGETS.get(name, {}).items()}


def check_json(result):
    counts = result.counts()
    runtimes = []
    for run in result.runs:
        runtimes.append({
            "name": run.name, "version": run.version, "budget": run.budget,
            "ops": {op: {"state": s.state, "message": s.message} for op, s in run.ops.items()},
            "probes": {name: {"status": p.status, "summary": p.summary, "details": jsonable(p.details)}
                       for name, p in run.probes.items()},
            "statuses": {s: sum(c.status == s for c in run.cells.values())
                         for s in sorted({c.status for c in run.cells.values()})},
        })
    fixtures = []
    for f in result.fixtures:
        cells = {run.name: run.cells[f.name].to_json() for run in result.runs
                 if f.name in run.cells}
        fixtures.append({"name": f.name, "tags": list(f.tags), "path": f.path,
                         "source": f.source, "nodes": f.nodes, "cells": cells})
    budgets = sorted({run.budget for run in result.runs})
    body = {
        "diagnoses": [d.to_json() for d in result.diagnoses],
        "summary": {**{c: counts[c] for c in COUNTED}, "line": result.final_line(),
                      "ok": result.ok()},
        "port": {"name": result.port, "language": result.language,
                 "manifest": result.manifest},
        "reference": "python_ref",
        "runtimes": runtimes,
        "fixtures": fixtures,
        "malformed": list(result.malformed),
        "verdicts": VERDICTS,
        "conventions": {tag: c.what for tag, c in CONVENTIONS.items()},
        "comparison": COMPARISON_RULES,
        "tolerances": {"tables": {name: _budget_table(name) for name in budgets},
                       "reorders_gradients": tolerances.PORT_REORDERS},
    }
    return json.dumps(body, indent=1, ensure_ascii=False) + "\n"

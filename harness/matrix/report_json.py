"""parity.json: the whole matrix, deterministic (sorted keys, no times), so two
runs give the same bytes; timings go to parity-timings.json."""
import json

from ..judge import tolerances
from ..judge.verdict import PASSING, STATUS
from .summary import max_ulps, status_counts

CONVENTIONS = {
    "ulp": "ulps = float64 steps between the values; +0.0 == -0.0; nan == nan; an infinity "
           "against anything else, or nan against a number, is infinitely far",
    "budget": "per-node ulp budgets from harness/tolerances.py (first-order error propagation "
              "of the per-op table); a node without a listed op must match exactly",
    "fd": tolerances.FD_RULE,
    "expected": "the fixture's expected values against python_ref, within the fixture's "
                "[tolerance] ulps (default 0)",
    "vs_torch": "the same evaluation against torch, with both budgets added",
    "counts": "a cell is one fixture on one backend; FAIL and ERROR fail, N/A and UNRESOLVED "
              "are skipped, a malformed fixture is one failed cell",
    "unresolved": "a value whose allowed error is half its magnitude or more is neither CLOSE "
                  "nor FAIL: no digit of it is checked; the cell gives the bound and why",
    "lua": "lua51 ... luajit21 run lua_port as users run it, each runtime in a worker process "
           "stopped by a CPU-time limit, LuaJIT with its JIT compiler on (compiling at a "
           "loop's first iteration); the -interp columns run LuaJIT's interpreter alone",
    "integers": "on Lua 5.3+ a fixture with integral inputs or constants runs twice, as floats "
                "and with those numbers as Lua integers; the cell is the worse run, marked "
                "variant 'integers' (and '(integers)' in the tables) when that run is the one "
                "shown",
}


def _table():
    out = {b: {op: {"data": e.data, "grad": e.grad, "reason": e.reason} for op, e in ops.items()}
           for b, ops in tolerances.BUDGETS.items()}
    return {"ops": out, "reorders_gradients": dict(tolerances.REORDERS_GRADIENTS),
            "known_deviations": [{"backend": d.backend, "op": d.op, "reason": d.reason}
                                 for d in tolerances.KNOWN_DEVIATIONS]}


def matrix_json(result):
    passed, failed, skipped = result.counts()
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
    per_column = {}
    for column in result.columns:
        top, where = max_ulps(result.fixtures, column)
        per_column[column] = {"statuses": status_counts(result.fixtures, column),
                              "max_ulps": top if top != float("inf") else "inf",
                              "max_ulps_at": where[0] if where else None}
    body = {
        "reference": "python_ref",
        "columns": list(result.columns),
        "backends": result.versions,
        "conventions": CONVENTIONS,
        "tolerances": _table(),
        "fixtures": fixtures,
        "malformed": list(result.malformed),
        "summary": {"passed": passed, "failed": failed, "skipped": skipped,
                    "line": result.final_line(), "columns": per_column,
                    "passing_statuses": list(PASSING),
                    "counted_as": {s.name: s.counted for s in STATUS.values()}},
    }
    return json.dumps(body, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def timings_json(result, total_seconds, jobs):
    body = {"total_seconds": round(total_seconds, 3), "jobs": jobs,
            "fixtures": {r.name: {k: round(v, 4) for k, v in sorted(r.seconds.items())}
                         for r in result.fixtures}}
    return json.dumps(body, sort_keys=True, indent=1) + "\n"

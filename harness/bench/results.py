"""The benchmark rows as one plain dict: what bench.json holds, and what the
tables, the plot and RESULTS.md are drawn from."""
from dataclasses import asdict

from .timing import loglog_slope
from ..engines.registry import REFERENCE
from .training import MICROGRAD

FIT_FROM = 10_000  # nodes: the smallest graph the log-log fit uses (when two sizes reach it)


def training_part(rows):
    base = next((r.seconds for r in rows if r.engine == MICROGRAD and r.seconds), None)
    ref_loss = next((r.first_loss for r in rows if r.engine == REFERENCE), None)
    out = []
    for row in rows:
        d = asdict(row)
        d["speedup_vs_micrograd"] = base / row.seconds if base and row.seconds else None
        d["loss_rel_diff"] = (abs(row.first_loss - ref_loss) / abs(ref_loss)
                              if row.first_loss is not None and ref_loss else None)
        out.append(d)
    return out


def _fits(rows):
    fits, order = {}, []
    for row in rows:
        key = (row.engine, row.shape)
        if key not in fits:
            fits[key] = {"engine": row.engine, "shape": row.shape, "sizes": [], "seconds": [],
                         "stopped": ""}
            order.append(key)
        fit = fits[key]
        if row.error:
            fit["stopped"] = f"stopped at {row.size:,} nodes: {row.error}"
        elif row.seconds is not None:
            fit["sizes"].append(row.size)
            fit["seconds"].append(row.seconds)
            fit["ns_per_node"] = row.ns_per_node
            fit["bytes_per_node"] = row.bytes_per_node
    for fit in fits.values():
        # Below FIT_FROM nodes a run takes a millisecond or less and fixed costs
        # (first allocations, the JIT's first traces) dominate: fit the rest.
        big = [(n, t) for n, t in zip(fit["sizes"], fit["seconds"]) if n >= FIT_FROM]
        fit["slope"] = loglog_slope(*zip(*big)) if len(big) >= 2 else loglog_slope(fit["sizes"], fit["seconds"])
        fit["largest"] = max(fit["sizes"], default=0)
    return [fits[key] for key in order]


def graphs_part(rows):
    listed = []
    for row in rows:
        d = asdict(row)
        d["seconds"], d["ns_per_node"] = row.seconds, row.ns_per_node
        listed.append(d)
    return {"rows": listed, "fits": _fits(rows)}


def matrix_part(backend_rows, parity):
    listed = []
    for row in backend_rows:
        d = asdict(row)
        d["fixtures_per_s"] = row.fixtures_per_s
        listed.append(d)
    return {"backends": listed, "parity": asdict(parity)}

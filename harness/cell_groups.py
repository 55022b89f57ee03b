"""A group of cells as every report shows it, the matrix's (fixtures by
backend column) and the check's (fixtures by runtime) alike: how many of
each verdict, worst first, the largest distance among the CLOSE ones, and
the verdict that colours the whole group."""
from .judge.verdict import CLOSE, MOST_SEVERE_FIRST, worst


def counts(cells):
    """{status: how many} over cells, every status listed (None: no cell)."""
    out = {s: 0 for s in MOST_SEVERE_FIRST}
    for cell in cells:
        if cell is not None:
            out[cell.status] += 1
    return out


def close_bound(cells):
    """How far the CLOSE cells got: " <=rel 1.2e-07" where they carry a
    relative error (finite differences), else their largest ulp distance."""
    close = [c for c in cells if c is not None and c.status == CLOSE]
    rel = [c.max_rel for c in close if c.max_rel is not None]
    if rel:
        return f" <=rel {max(rel):.1e}"
    return f" <={max((c.max_ulps for c in close), default=0):.3g}"


def text(cells, sep=", "):
    """A compact cell for the group: "2 FAIL, 30 CLOSE <=4, 12 EXACT"."""
    cells = list(cells)
    counted = counts(cells)
    parts = [f"{counted[s]} {s}" + (close_bound(cells) if s == CLOSE else "")
             for s in MOST_SEVERE_FIRST if counted[s]]
    return sep.join(parts) or "-"


def status(cells):
    """The most severe verdict in the group (EXACT for none)."""
    return worst(c.status for c in cells if c is not None)

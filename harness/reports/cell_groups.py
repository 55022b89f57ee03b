"""A group of cells as every report shows it, the matrix's (fixtures by
backend column) and the check's (fixtures by runtime) alike: how many of
each verdict, worst first, the largest distance among the CLOSE ones, and
the verdict that colours the whole group."""
from ..judge.verdict import CLOSE, MOST_SEVERE_FIRST, worst


def counts(cells):
    """{status: how many} over cells, every status listed (None: no cell)."""
    out = {s: 0 for s in MOST_SEVERE_FIRST}
    for cell in cells:
        if cell is not None:
            out[cell.status] += 1
    return out


READABLE_ULPS = 1024   # past this many ulps, a distance reads better as a relative error


def close_bound(cells):
    """How far the CLOSE cells got, as a person reads it: " <=rel 1.2e-07"
    where they carry a relative error (finite differences), " <=4 ulp" for a
    few ulps, else the worst one's relative error, or " near zero" where the
    value is so small that its ulps say nothing of its digits."""
    close = [c for c in cells if c is not None and c.status == CLOSE]
    rel = [c.max_rel for c in close if c.max_rel is not None]
    if rel:
        return f" <=rel {max(rel):.1e}"
    top = max(close, key=lambda c: c.max_ulps, default=None)
    if top is None or top.max_ulps <= READABLE_ULPS or top.worst is None:
        return f" <={top.max_ulps if top else 0:.3g} ulp"
    worst = top.worst
    if worst.reference == 0.0 or abs(worst.reference) < 1e-300 or worst.rel_err == float("inf"):
        return " near zero"
    return f" <=rel {worst.rel_err:.1e}"


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

"""Where a slope jumps (relu at 0), a figure draws no line through the jump:
the points are split into the smooth runs between kinks and the points on
the kinks, each drawn on its own."""


def split_at_kinks(points, on_kink):
    """([runs of consecutive points off the kinks], [points on a kink])."""
    runs, run, kinked = [], [], []
    for p in points:
        if on_kink(p):
            kinked.append(p)
            runs.append(run)
            run = []
        else:
            run.append(p)
    return [r for r in runs + [run] if r], kinked

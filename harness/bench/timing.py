"""Repeated timing with the median, and the log-log slope of time against size.

The cyclic garbage collector stays on while timing (it is what a user of the
engine gets), but garbage left by the previous repetition is collected
before the clock starts, so it is not charged to the next one.
"""
import gc
import math
import statistics
import time


def time_once(fn):
    """(seconds, result) of one call of fn()."""
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_time(fn, repeat):
    """(median seconds over `repeat` calls, the last call's result)."""
    times, result = [], None
    for _ in range(repeat):
        seconds, result = time_once(fn)
        times.append(seconds)
    return statistics.median(times), result


def loglog_slope(sizes, seconds):
    """Least-squares slope of log(seconds) against log(size): 1.0 is linear,
    2.0 quadratic.  None with fewer than two sizes."""
    points = [(math.log(n), math.log(t)) for n, t in zip(sizes, seconds) if t and t > 0]
    if len(points) < 2:
        return None
    xs, ys = zip(*points)
    return statistics.linear_regression(xs, ys).slope

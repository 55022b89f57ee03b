"""How the notes write a number: to 6 significant digits, with the full
value beside it where that cuts digits off.  torch's numbers are written
rounded only, since their last bits depend on the CPU kernels it picks."""
import math

DIGITS = 6


def short(value):
    """The number itself when it has at most 6 significant digits, else 6
    digits and '…' (the full value is repr(value))."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if not math.isfinite(value):
        return repr(value)
    text = f"{value:.{DIGITS}g}"
    return text if float(text) == value else f"{value:#.{DIGITS}g}…"


def is_cut(value):
    """Does short(value) leave digits out?"""
    return short(value).endswith("…")


def rounded(value):
    """A number whose last bits differ from machine to machine, to 6
    significant digits: the same text on every machine."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    return f"≈ {value:.{DIGITS}g}"

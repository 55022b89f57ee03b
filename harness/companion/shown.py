"""How the notes write a number: to 6 significant digits, with the full
value beside it where that cuts digits off.  torch's numbers are written
rounded only, since their last bits depend on the CPU kernels it picks."""
import math

DIGITS = 6


def short(value):
    """The number itself when it has at most 6 significant digits, else 6
    digits and '…' (the full value is repr(value)); more digits where 6 end
    in zeros, up to the first that is not one: 14.00003… where 14.0000… hid
    the very digit a slope by nudging is about."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if not math.isfinite(value):
        return repr(value)
    text = f"{value:.{DIGITS}g}"
    if float(text) == value:
        return text
    digits = DIGITS
    while digits < 17 and f"{value:#.{digits}g}".endswith("0"):
        digits += 1
    text = f"{value:#.{digits}g}"
    return text if float(text) == value else f"{text}…"


def significant_digits(text):
    """How many significant digits a number's text shows (-0.00120… has 3)."""
    mantissa = text.lstrip("-").split("e")[0].rstrip("…").replace(".", "")
    return len(mantissa.lstrip("0")) or 1


def is_cut(value):
    """Does short(value) leave digits out?"""
    return short(value).endswith("…")


def rounded(value):
    """A number whose last bits differ from machine to machine, to 6
    significant digits: the same text on every machine."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    return f"≈ {value:.{DIGITS}g}"

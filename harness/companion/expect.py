"""What a walkthrough claim expects of a number, and how it says so: in
short (shown.short), with the full number under `full` where that is cut."""
from dataclasses import dataclass

from .shown import is_cut, short, significant_digits


@dataclass(frozen=True)
class Exactly:
    value: float

    def check(self, x):
        return x == self.value

    def __str__(self):
        return f"= {short(self.value)}"

    @property
    def full(self):
        return repr(self.value) if is_cut(self.value) else ""


@dataclass(frozen=True)
class Prints:
    """The number printed with fmt reads text (as the notes print it)."""
    fmt: str
    text: str

    def check(self, x):
        return self.fmt % x == self.text

    def __str__(self):
        return f"prints {self.text}"

    def shown(self, x):
        """As the claim prints it where that has more digits than short's:
        0.707106690405036, where 6 digits hid the float32 bias the claim is
        about (and 0.881374… where the claim prints 0.8814)."""
        printed, brief = self.fmt % x, short(x)
        return printed if significant_digits(printed) > significant_digits(brief) else brief

    full = ""


@dataclass(frozen=True)
class Near:
    value: float
    tolerance: float

    def check(self, x):
        return abs(x - self.value) <= self.tolerance

    def __str__(self):
        return f"{short(self.value)} ± {self.tolerance:g}"

    @property
    def full(self):
        return repr(self.value) if is_cut(self.value) else ""


@dataclass(frozen=True)
class Below:
    bound: float

    def check(self, x):
        return x < self.bound

    def __str__(self):
        return f"< {self.bound:g}"

    full = ""

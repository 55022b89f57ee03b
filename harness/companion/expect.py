"""What a walkthrough claim expects of a number, and how it says so."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Exactly:
    value: float

    def check(self, x):
        return x == self.value

    def __str__(self):
        return f"= {self.value!r}"


@dataclass(frozen=True)
class Prints:
    """The number printed with fmt reads text (as the notes print it)."""
    fmt: str
    text: str

    def check(self, x):
        return self.fmt % x == self.text

    def __str__(self):
        return f"prints {self.text} ({self.fmt})"


@dataclass(frozen=True)
class Near:
    value: float
    tolerance: float

    def check(self, x):
        return abs(x - self.value) <= self.tolerance

    def __str__(self):
        return f"{self.value!r} ± {self.tolerance:g}"


@dataclass(frozen=True)
class Below:
    bound: float

    def check(self, x):
        return x < self.bound

    def __str__(self):
        return f"< {self.bound:g}"

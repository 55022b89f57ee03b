"""The one error a malformed fixture raises, from the loader (harness.fixture)
and from the program parser (harness.parse) alike."""


class FixtureError(Exception):
    """A malformed fixture: one line naming the file, the place and the reason.

    place is (line, col) for a position in the file, a string such as
    "[inputs] b" for a field, or None for the file as a whole.
    """

    def __init__(self, path, place, reason):
        super().__init__(path, place, reason)
        self.path, self.place, self.reason = str(path), place, " ".join(str(reason).split())

    def __str__(self):
        if isinstance(self.place, tuple):
            return f"{self.path}:{self.place[0]}:{self.place[1]}: {self.reason}"
        if self.place:
            return f"{self.path}: {self.place}: {self.reason}"
        return f"{self.path}: {self.reason}"

"""The reference: python_ref through harness.interpret (its public API)."""
from ..interpret import interpret


class PythonRefBackend:
    name = "python_ref"
    kind = "reference"

    def evaluate(self, program):
        return interpret(program)

"""The drivers and driver kits: what speaks the port protocol
(docs/protocol.md) for a port in another language.

A kit (go/, rust/, cpp/, java/) is a folder a student copies next to the
port: the kit's protocol file (never edited), an adapter of at most 30
lines (the file the student fills in), the adapter's optional nn part (how
the kit reaches the port's MLP: copied only for a port that has one), an
example port with a small nn, and its manifest.
docs/languages.md says how to use each; generate.py writes the op lists of
the kits whose language cannot find the adapter's functions by name.
"""
from dataclasses import dataclass
from pathlib import Path

DRIVERS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Kit:
    folder: Path
    adapter: str          # the file a student fills in
    example: tuple        # the example port's own files (the rest is what a student copies)
    nn: str               # the adapter's nn part: filled in for a port with an MLP


KITS = {
    "go": Kit(DRIVERS / "go", "adapter.go", ("value.go", "mlp.go", "go.mod"), "nn.go"),
    "rust": Kit(DRIVERS / "rust", "adapter.rs", ("value.rs", "mlp.rs"), "nn.rs"),
    "cpp": Kit(DRIVERS / "cpp", "adapter.hpp", ("value.hpp", "mlp.hpp"), "nn.hpp"),
    "java": Kit(DRIVERS / "java", "Adapter.java", ("Value.java", "Mlp.java"), "Nn.java"),
}

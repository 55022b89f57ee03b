"""The drivers and driver kits: what speaks the port protocol
(docs/protocol.md) for a port in another language.

A kit (go/, rust/, cpp/, java/) is a folder a student copies next to the
port: the kit's protocol file (never edited), an adapter of at most 30
lines (the file the student fills in), an example port and its manifest.
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


KITS = {
    "go": Kit(DRIVERS / "go", "adapter.go", ("value.go", "go.mod")),
    "rust": Kit(DRIVERS / "rust", "adapter.rs", ("value.rs",)),
    "cpp": Kit(DRIVERS / "cpp", "adapter.hpp", ("value.hpp",)),
    "java": Kit(DRIVERS / "java", "Adapter.java", ("Value.java",)),
}

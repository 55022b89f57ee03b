"""Everything check-driver takes from the check (harness/check/), in one
place: a move of the check's modules changes these lines only."""
from ..check.build import BuildError, ensure_built
from ..check.command_adapter import CommandRuntime
from ..check.command_protocol import NUMBER_STRINGS, decode_number, encode_program
from ..check.manifest import ManifestError, load_manifest
from ..check.port import PortFailure, PortUnsupported

__all__ = ["BuildError", "ensure_built", "CommandRuntime", "NUMBER_STRINGS", "decode_number",
           "encode_program", "ManifestError", "load_manifest", "PortFailure", "PortUnsupported"]

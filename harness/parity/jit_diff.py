"""python -m micrograd_lab.harness.parity.jit_diff: the cells where LuaJIT with its JIT
compiler on and its interpreter alone give lua_port different bits.

Every fixture (or those --fixtures/--tags pick) runs on each LuaJIT column
pair of the matrix, luajit20 and luajit20-interp, luajit21 and
luajit21-interp, through the matrix's own backends; a cell differs when any
value or gradient differs in any bit (every nan counts as one value).  It
prints each such cell with its first difference, the compiled traces the
JIT-on worker holds at the end (the compiler really ran), and the count per
runtime.  Exit 1 when a cell differs: a difference is fixed in the port or
given its measured budget in harness/engines/registry.py.
"""
import sys
from dataclasses import dataclass

from micrograd_lab.lua_port.runtimes import INTERPRETER_SUFFIX

from . import jit_cli
from ..engines.registry import get_engine
from ..judge.compare import first_bit_difference as first_difference, same_bits  # noqa: F401
from ..run import run_engine


@dataclass
class RuntimeDiff:
    runtime: str
    cells: int = 0                # fixtures both columns evaluated
    differing: list = None        # of (fixture name, first difference)
    failed: list = None           # of (fixture name, column, the cell's message)
    traces: object = None         # compiled traces the JIT-on worker holds at the end


def compare_runtime(runtime, fixtures, get=get_engine):
    """A RuntimeDiff of one LuaJIT runtime: its JIT-on column against its
    interpreter column on every fixture."""
    on, off = get(runtime), get(runtime + INTERPRETER_SUFFIX)
    diff = RuntimeDiff(runtime, differing=[], failed=[])
    for fixture in fixtures:
        program = fixture.program
        results = [run_engine(backend, program) for backend in (on, off)]
        broken = [(backend.name, cell.message) for backend, (_, cell) in zip((on, off), results)
                  if cell is not None]
        if broken:
            diff.failed += [(fixture.name, name, message) for name, message in broken]
            continue
        diff.cells += 1
        found = first_difference(program, results[0][0], results[1][0])
        if found is not None:
            diff.differing.append((fixture.name, found))
    status = getattr(on, "status", None)
    diff.traces = status()["traces"] if status is not None else None
    return diff


def main(argv=None):
    parsed = jit_cli.parse("python -m micrograd_lab.harness.parity.jit_diff", __doc__, argv)
    if isinstance(parsed, int):
        return parsed
    runtimes, fixtures, malformed = parsed
    total = 0
    for runtime in runtimes:
        diff = compare_runtime(runtime, fixtures)
        for name, (node, field, on, off) in diff.differing:
            print(f"{name}[{runtime}]: node {node} {field}: JIT on {on!r}, JIT off {off!r}")
        for name, column, message in diff.failed:
            print(f"{name}[{column}]: no evaluation to compare: {message}")
        print(f"{runtime}: {len(diff.differing)} of {diff.cells} cells differ between JIT on "
              f"and JIT off ({diff.traces} traces compiled in the JIT-on worker)")
        total += len(diff.differing) + len(diff.failed)
    return 1 if total or malformed else 0


if __name__ == "__main__":
    sys.exit(main())

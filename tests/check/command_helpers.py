"""What the tests of command ports share: programs, bit-exact comparison,
the small corpus, and a runtime opened from a shipped manifest."""
import contextlib
import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest

from micrograd_lab.harness.engines.command import open_command_port
from micrograd_lab.harness.engines.manifest import load_manifest
from micrograd_lab.harness.probes import probe_ops
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.program import Arg, Program, Step

import shared_corpus

REPO = Path(__file__).resolve().parents[2]
PORTS = REPO / "harness" / "ports"
PYTHON_DRIVER = REPO / "harness" / "drivers" / "python_driver.py"
SMALL = 3000     # nodes: the corpus below this size runs in about a second on a driver

# Doubles that lose digits or signs when written carelessly.
AWKWARD = {
    "smallest_subnormal": 5e-324,
    "largest_subnormal": 2.225073858507201e-308,
    "smallest_normal": 2.2250738585072014e-308,
    "largest": 1.7976931348623157e308,
    "negative_zero": -0.0,
    "not_a_number": math.nan,
    "infinity": math.inf,
    "minus_infinity": -math.inf,
    "tenth": 0.1,
    "fifth": 0.2,
    "third": 1 / 3,
    "big_integer": 2.0 ** 53 + 2,
    "many_digits": -123456789.12345678,
    "three": 3.0,
}


def python_driver_port(folder, *arguments):
    """folder/port.toml of a port the Python driver runs with these arguments
    (MODULE:CLASS, --path ...); its path."""
    command = ["python3", "-B", str(PYTHON_DRIVER), *map(str, arguments)]
    manifest = folder / "port.toml"
    manifest.write_text(f'[port]\nname = "p"\nlanguage = "command"\ncommand = {json.dumps(command)}\n')
    return manifest


def program(text, inputs, output):
    return parse_program(text, inputs, output)


def chain(n):
    """x#1 = a * 1.0, then n - 1 times x = x + 1.0: n steps, built without the parser."""
    steps = [Step("x", "mul", (Arg.node("a"), Arg.num(1.0)))]
    for i in range(2, n + 1):
        previous = "x" if i == 2 else f"x#{i - 1}"
        steps.append(Step(f"x#{i}", "add", (Arg.node(previous), Arg.num(1.0))))
    return Program(inputs=(("a", 0.5),), steps=tuple(steps), output=steps[-1].out)


def ops_by_state(runtime):
    """{state: the ops the op probe finds in it} (harness.probes): what
    a port without a list of ops in its hello has, found one op at a time."""
    found = {}
    for op, status in probe_ops(runtime).items():
        found.setdefault(status.state, set()).add(op)
    return found


def backward_twice(manifest_path):
    """(a.grad, b.grad) of L = a * b after backward ran twice on the port."""
    with opened(manifest_path, backward_calls=2) as runtime:
        values = runtime.evaluate(program("L = a * b", {"a": 3.0, "b": -2.0}, "L"))
    return values["a"][1], values["b"][1]


def awkward_program():
    """Every AWKWARD value as an input (their data must come back unchanged),
    plus 0.1 + 0.2 computed by the port (0.30000000000000004)."""
    return program("s = tenth + fifth\nt = s * 1.0", AWKWARD, "t")


def same_bits(got, want):
    """Every node's data and grad equal to the bit: -0.0 is not 0.0, nan is nan."""
    def key(x):
        return "nan" if math.isnan(x) else (x, math.copysign(1.0, x))
    return list(got) == list(want) and all(
        key(got[n][0]) == key(want[n][0]) and key(got[n][1]) == key(want[n][1]) for n in want)


def small_corpus():
    """The corpus but its long graphs (from the corpus the suite loads once)."""
    assert not shared_corpus.ERRORS
    return tuple(f for f in shared_corpus.FIXTURES if len(f.program.node_ids()) < SMALL)


def differing(runtime, fixtures):
    """The fixtures whose evaluation on runtime is not python_ref's to the bit."""
    return [f.name for f in fixtures if not same_bits(runtime.evaluate(f.program),
                                                      interpret(f.program))]


def needs_binary(binary):
    return pytest.mark.skipif(shutil.which(binary) is None, reason=f"`{binary}` is not installed")


def lua_has_dkjson(binary):
    if shutil.which(binary) is None:
        return False
    done = subprocess.run([binary, "-e", "require('dkjson')"], capture_output=True)
    return done.returncode == 0


@contextlib.contextmanager
def opened(manifest_path, backward_calls=1):
    """The one runtime of a command port's manifest, closed afterwards."""
    [runtime] = open_command_port(load_manifest(manifest_path), backward_calls=backward_calls)
    try:
        yield runtime
    finally:
        runtime.close()

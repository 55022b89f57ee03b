"""Run one mutant the way a user's port is checked, and say what caught it.

The mutant is judged as the lab's own engine would be in the parity matrix:
by its runtime's registry budget (bit-identical but for that runtime's
libm), not a user port's (which may bring a tanh of its own).

A planted Lua engine is a port root with a manifest (the project's own
lua_port.toml with another root); a planted python_ref is run through the
Python driver.  The check's cells (FAIL, ERROR, or CONVENTION: the lab's own
engines keep torch's conventions), its numbers and determinism probes, and
the nn oracle all count: a mutant is caught on a runtime when any of them
objects there.
"""
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from micrograd_lab.lua_port.bridge import LuaSandbox, read_modules

from ..engines.manifest import load_manifest
from ..engines.open import port_specs
from ..engines.registry import ENGINES, REFERENCE
from ..judge.verdict import CONVENTION, ERROR, FAIL
from ..probes import FAULT
from ..run import CheckSettings, Port, run
from . import nn_oracle
from .plant import REPO, import_python, plant

CAUGHT_BY = (FAIL, ERROR, CONVENTION)
PROBES = ("numbers", "determinism")   # the depth probes cost minutes and catch no local bug
TIMEOUT = 5          # seconds per program: a mutant without a visited set explodes on reuse
PYTHON_DRIVER = REPO / "harness" / "drivers" / "python_driver.py"
FAMILIES = {"python": ("python",),
            "PUC Lua": ("lua51", "lua52", "lua53", "lua54", "lua55"),
            "LuaJIT": ("luajit20", "luajit21")}


def family_of(runtime):
    return next(f for f, members in FAMILIES.items() if runtime in members)


@dataclass
class Outcome:
    """What one mutant did on each runtime: runtime -> the lines that caught it."""
    mutant: object
    caught: dict = field(default_factory=dict)    # runtime -> [why, ...] (empty: survived)

    def caught_on(self, runtime):
        return bool(self.caught.get(runtime))


def _lua_manifest(root, runtimes):
    quoted = ", ".join(f'"{r}"' for r in runtimes)
    return ("[port]\n"
            f'name = "mutant"\nlanguage = "lua"\nruntimes = [{quoted}]\nroot = "."\n'
            f"timeout = {TIMEOUT}\n"
            "setup = 'Value = require(\"micrograd\").Value'\n"
            "[ops]\n"
            'sum = "Value.sum(vs, start)"\n'
            'dot = "Value.dot(ws, xs, start)"\n')


def _python_manifest(package):
    command = [sys.executable, "-B", str(PYTHON_DRIVER), f"{package.name}.engine:Value",
               "--path", str(package.parent), "--sum", "sum", "--dot", "dot", "--name", "mutant"]
    listed = ", ".join(f'"{part}"' for part in command)
    return ("[port]\n"
            f'name = "mutant"\nlanguage = "command"\ncommand = [{listed}]\n'
            f"timeout = {TIMEOUT}\nmax_memory = 4096\n")


def _lab_budget(runtime):
    """The registry budget of our own engine on runtime (python: python_ref's)."""
    return ENGINES[runtime if runtime in ENGINES else REFERENCE].budget


def _from_check(manifest_path, fixtures, runtime_names, probes):
    manifest = load_manifest(manifest_path)
    specs = port_specs(manifest, budget=_lab_budget)
    result = run(fixtures, specs, check=CheckSettings(probes=probes), jobs=2,
                 port=Port(manifest.name, manifest.language, str(manifest_path)))
    caught = {}
    for name, spec in zip(runtime_names, specs):
        why = [f"{f.name}: {f.cells[spec.name].status}" for f in result.fixtures
               if f.cells[spec.name].status in CAUGHT_BY]
        why += [f"probe {p.name}: {p.summary}" for p in result.probes[spec.name].values()
                if p.status == FAULT]
        caught[name] = why
    return caught


def _lua_nn(root, runtime):
    """The nn oracle's observations of a planted port, JIT on as users run it
    (the instruction budget still ends a runaway interpreted loop)."""
    box = LuaSandbox(runtime, read_modules(root), jit=True, shared_globals=True)
    box.env.mg = box.require("micrograd")
    observe = box.compile(nn_oracle.LUA_OBSERVATIONS, "=(nn oracle)", box.env)
    return box.call(observe, *nn_oracle.lua_arguments())


def run_mutant(mutant, fixtures, lua_runtimes, nn_reference, probes=PROBES):
    """An Outcome for mutant over fixtures (Lua: on lua_runtimes), with the
    check's probes (names; the default PROBES)."""
    outcome = Outcome(mutant)
    with tempfile.TemporaryDirectory(prefix="mutant-") as folder:
        folder = Path(folder)
        package = plant(mutant, folder)
        if mutant.language == "lua":
            manifest = folder / "port.toml"
            manifest.write_text(_lua_manifest(folder, lua_runtimes))
            outcome.caught = _from_check(manifest, fixtures, lua_runtimes, probes)
            for runtime in lua_runtimes:
                outcome.caught[runtime] += _nn_lines(lambda: _lua_nn(folder, runtime),
                                                     nn_reference)
        else:
            manifest = folder / "port.toml"
            manifest.write_text(_python_manifest(package))
            outcome.caught = _from_check(manifest, fixtures, ["python"], probes)
            outcome.caught["python"] += _nn_lines(
                lambda: nn_oracle.python_observations(import_python(package)), nn_reference)
    return outcome


def _nn_lines(observe, reference):
    try:
        seen = observe()
    except Exception as exc:   # the planted bug made the nn library raise
        return [f"nn: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"]
    return nn_oracle.differences(reference, seen)

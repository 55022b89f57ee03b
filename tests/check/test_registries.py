"""The registries of probes and diagnoses: every entry names a test port that
exists, and the check of that port (on the fixtures and probes the entry
names) shows it.  A new probe or diagnosis without one fails here."""
import shutil
from pathlib import Path

import pytest

from micrograd_lab.harness import diagnoses, probes
from micrograd_lab.harness.check.cli import check_port
from micrograd_lab.harness.engines.manifest import load_manifest
from micrograd_lab.harness.probes import OK
from micrograd_lab.harness.run import CheckSettings
from micrograd_lab.lua_port import available_runtimes

PORTS = Path(__file__).resolve().parents[1] / "ports"
ENTRIES = [(name, e.test_port) for name, e in probes.REGISTRY.items()] + \
    [(key, bug.test_port) for key, bug in diagnoses.BUGS.items()]


@pytest.mark.parametrize("name, port", ENTRIES, ids=[n for n, _ in ENTRIES])
def test_every_entry_has_a_test_port(name, port):
    assert (PORTS / port / "port.toml").is_file(), f"{name}: no test port tests/ports/{port}/"


def test_the_registries_find_every_module():
    assert set(probes.PROBES) == {"numbers", "backward-twice", "determinism", "depth-chain",
                                  "depth-wide"}
    assert {m.__name__.rsplit(".", 1)[1] for m in diagnoses.MODULES} == {
        "structural", "integer_wrap", "recursion", "tanh_exp", "div_pow", "child_order",
        "number_side", "no_topo", "duplicate_nodes", "exponential_walk", "pow_exponent",
        "div_overflow", "sum_zero", "float32", "libm_subnormal", "stdout_print",
        "zeroes_graph", "reflected_swap", "derivative", "pow_nan_rule", "visited_by_value", "exponent_truncated", "zero_grad", "no_seed", "nn_kind", "parameter_order"}
    assert list(diagnoses.BUGS)[:3] == ["assigned", "no-visited", "wrong-order"]


def runtimes_of(bug):
    """The runtimes to check bug's test port on: its Lua runtime, or none
    for a command port (its own process; skipped without its program)."""
    manifest = load_manifest(PORTS / bug.test_port / "port.toml")
    if manifest.language == "command":
        assert not bug.shown_on, f"{bug.key}: a command port has no Lua runtime to show it on"
        if shutil.which(manifest.command[0]) is None:
            pytest.skip(f"{manifest.command[0]} is not installed")
        return []
    if bug.shown_on not in available_runtimes():
        pytest.skip(f"lupa has no {bug.shown_on} here")
    return [bug.shown_on]


@pytest.mark.parametrize("bug", diagnoses.BUGS.values(), ids=list(diagnoses.BUGS))
def test_each_diagnosis_is_shown_by_its_test_port(bug):
    runtimes = runtimes_of(bug)
    if bug.key == "child-order" and Path("/proc/sys/kernel/randomize_va_space").exists() \
            and Path("/proc/sys/kernel/randomize_va_space").read_text().strip() == "0":
        pytest.skip("address space layout randomisation is off: LuaJIT's table order is "
                    "then the same in every process")
    chosen = [n for n in bug.shown_by if n in probes.PROBES]
    fixtures = [n for n in bug.shown_by if n not in probes.PROBES] or ["lecture-d-abc"]
    result, _ = check_port(PORTS / bug.test_port / "port.toml", fixtures, (), runtimes,
                           CheckSettings(probes=tuple(chosen), depth_max=32000))
    assert bug.key in {d.bug.key for d in result.diagnoses}, \
        [(d.bug.key, d.headline()) for d in result.diagnoses]


@pytest.mark.parametrize("name", [n for n, e in probes.REGISTRY.items()
                                  if n != "backward-twice"])
def test_each_probe_finds_something_in_its_test_port(name):
    entry = probes.REGISTRY[name]
    runtime = "luajit21" if name == "determinism" else "lua51"
    if runtime not in available_runtimes():
        pytest.skip(f"lupa has no {runtime} here")
    result, _ = check_port(PORTS / entry.test_port / "port.toml", ["lecture-reuse-ab"], (),
                           [runtime], CheckSettings(probes=(name,), depth_max=32000))
    assert result.probes[runtime][name].status != OK, result.probes[runtime][name].summary


def test_the_diagnoses_page_lists_every_bug():
    page = (Path(__file__).resolve().parents[2] / "docs" / "diagnoses.md").read_text()
    assert [key for key in diagnoses.BUGS if f"| `{key}` |" not in page] == []

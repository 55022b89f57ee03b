"""A port whose pow takes a number exponent only (micrograd's assert) says so
once, in its Lua manifest ([port] pow) or its hello ("pow"), and then reads
the same through every driver: a fixture with a Value exponent (a ** b,
2 ** x) UNSUPPORTED without reaching the port, a number exponent judged, the
numbers probe without 2 ** x.  (The kits say it by their adapter's
signature: tests/kits/test_kits.py.)"""
import shutil
import sys

import pytest
from command_helpers import PORTS, REPO, lua_has_dkjson

from micrograd_lab.harness.check.cli import check_port
from micrograd_lab.harness.engines.base import VALUE_EXPONENT
from micrograd_lab.harness.engines.manifest import ManifestError, load_manifest
from micrograd_lab.harness.judge.verdict import EXACT, UNSUPPORTED
from micrograd_lab.harness.run import CheckSettings

FIXTURES = ["pow-value-2-to-3", "rpow-2-to-3", "pow-2-to-2", "lecture-div-as-pow"]
DRIVERS = REPO / "harness" / "drivers"


def command_manifest(folder, command):
    path = folder / "port.toml"
    path.write_text(f'[port]\nname = "number-exponent"\nlanguage = "command"\n'
                    f"command = {[str(part) for part in command]!r}\ntimeout = 30\n"
                    .replace("'", '"'))
    return path


def python_port(folder):
    pytest.importorskip("micrograd", reason="micrograd 0.1.0 is not installed")
    return PORTS / "micrograd-0.1.0.toml"


def node_port(folder):
    if shutil.which("node") is None:
        pytest.skip("`node` is not installed")
    return command_manifest(folder, ["node", DRIVERS / "node_driver.js",
                                     REPO / "tests" / "ports" / "js" / "engine.js",
                                     "--pow", "number-exponent"])


def lua_driver_port(folder):
    if not lua_has_dkjson("lua5.4"):
        pytest.skip("`lua5.4` with dkjson is not installed (Debian: lua5.4, lua-dkjson)")
    text = (DRIVERS / "lua_driver.lua").read_text()
    assert 'local POW = "any"' in text
    (folder / "driver.lua").write_text(text.replace('local POW = "any"',
                                                    'local POW = "number-exponent"'))
    return command_manifest(folder, ["lua5.4", folder / "driver.lua", REPO / "lua_port"])


def lupa_port(folder):
    return REPO / "tests" / "ports" / "lecture" / "port.toml"


@pytest.mark.parametrize("port", [python_port, node_port, lua_driver_port, lupa_port],
                         ids=["python", "node", "lua-driver", "lua-manifest"])
def test_a_value_exponent_is_unsupported_the_same_through_every_driver(port, tmp_path):
    runtimes = ["lua51"] if port is lupa_port else ()   # 5.3+: its integers wrap (numbers)
    result, _ = check_port(port(tmp_path), names=FIXTURES, runtimes=runtimes,
                           settings=CheckSettings(probes=("numbers",)))
    [engine] = result.engines
    cells = result.cells_of(engine)
    assert {name: cell.status for name, cell in cells.items()} == {
        "pow-value-2-to-3": UNSUPPORTED, "rpow-2-to-3": UNSUPPORTED, "pow-2-to-2": EXACT,
        "lecture-div-as-pow": EXACT}
    assert cells["rpow-2-to-3"].message == f"the port has no {VALUE_EXPONENT}"
    assert "pow with a number exponent only" in result.probes[engine]["ops"].summary
    numbers = result.probes[engine]["numbers"]
    assert numbers.status == "ok"
    assert "2 ** x" not in {case["case"] for case in numbers.details["cases"]}
    assert "x ** 2" in {case["case"] for case in numbers.details["cases"]}


def test_a_manifest_says_number_exponent_or_any(tmp_path):
    lecture = load_manifest(REPO / "tests" / "ports" / "lecture" / "port.toml")
    assert lecture.pow == "number-exponent"
    assert load_manifest(REPO / "tests" / "ports" / "correct" / "port.toml").pow == "any"
    bad = tmp_path / "port.toml"
    bad.write_text('[port]\nname = "p"\nlanguage = "lua"\nsetup = ""\npow = "numbers"\n')
    with pytest.raises(ManifestError, match=r"port.toml:5:7: \[port\] pow: .*numbers"):
        load_manifest(bad)
    command = tmp_path / "command.toml"
    command.write_text('[port]\nname = "p"\nlanguage = "command"\ncommand = ["x"]\n'
                       'pow = "number-exponent"\n')
    with pytest.raises(ManifestError, match=r"\[port\] pow: not a field of a \"command\" port"):
        load_manifest(command)


def test_the_python_driver_refuses_another_pow_word(tmp_path):
    import subprocess
    done = subprocess.run([sys.executable, str(DRIVERS / "python_driver.py"),
                           "micrograd.engine:Value", "--pow", "numbers"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "--pow: invalid choice: 'numbers'" in done.stderr

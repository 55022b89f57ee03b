"""mglab check-driver: each of six broken drivers
(broken_driver.py) is named by one PROBLEM line, the drivers this project
ships pass, and a bad manifest or build is one line with exit 2.  (The
kits pass it in tests/kits/test_kits.py.)"""
import json
import shutil
import sys
from pathlib import Path

import pytest

from micrograd_lab.harness.__main__ import main as harness_main

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
TRIALS = ["hello", "example session", "numbers", "long line", "backward twice", "ops"]


def run(capsys, manifest):
    code = harness_main(["check-driver", str(manifest)])
    said = capsys.readouterr()
    return code, said.out.splitlines(), said.err.splitlines()


def broken(tmp_path, fault):
    manifest = tmp_path / "port.toml"
    command = [sys.executable, str(HERE / "broken_driver.py")] + ([fault] if fault else [])
    # the hang's time limit is short: it costs a second, not the trials' usual three
    manifest.write_text(f'[port]\nname = "broken {fault}"\nlanguage = "command"\n'
                        f'command = {json.dumps(command)}\n'
                        + ('timeout = 1\n' if fault == "hang" else ""))
    return manifest


def problems(out):
    """{trial: its problem} of the PROBLEM lines."""
    found = {}
    for line in out:
        if line.startswith("PROBLEM  "):
            trial, _, problem = line[len("PROBLEM  "):].partition(": ")
            found[trial] = problem
    return found


def trials_run(out):
    return [line[9:].partition(":")[0] for line in out if line.startswith(("ok", "PROBLEM"))]


# fault -> {trial: words its PROBLEM line must hold}; no other trial has a problem
BROKEN = {
    "garbage": {"example session": "program 1: it writes to stdout what is not a protocol "
                                   "line: not a JSON line"},
    "raw-floats": {"example session": "program 2: inf or nan written as a bare NaN or Infinity",
                   "numbers": "-0.0 came back as 0.0 (write -0.0 as the string \"-0.0\""},
    "line-limit": {"long line": "a program line of 4 MiB: crash: the port closed its stdout"},
    "crash": {"hello": "it exits before its hello: the port closed its stdout during its hello "
                       "and exited with code 1"},
    "hang": {"example session": "program 1: timeout: no answer to program 1 within 1 s of CPU "
                                "time"},
    "wrong-hello": {"hello": "its hello is wrong: field ops[11]: 'softplus' is no op of the lab's"},
}
# what else each problem line says: the fault's own words, or what follows from it
SAYS = {
    "raw-floats": ("numbers", "inf, -inf, nan written as a bare NaN or Infinity"),
    "line-limit": ("long line", "stderr: bufio.Scanner: token too long; a line of 60 KiB "
                                "works and one of 128 KiB does not: the driver limits the length "
                                "of a line"),
    "crash": ("hello", "ImportError: cannot import name 'Value' from 'engine'"),
}
# where the trials stop: a driver that does not start or answers nothing
STOPS = {"garbage": "example session", "crash": "hello", "hang": "example session",
         "wrong-hello": "hello"}


@pytest.mark.parametrize("fault", list(BROKEN))
def test_each_broken_driver_is_named_in_one_line(fault, tmp_path, capsys):
    code, out, _ = run(capsys, broken(tmp_path, fault))
    found = problems(out)
    assert set(found) == set(BROKEN[fault])
    for trial, words in BROKEN[fault].items():
        assert words in found[trial]
    if fault in SAYS:
        trial, words = SAYS[fault]
        assert words in found[trial]
    last = STOPS.get(fault, TRIALS[-1])
    assert trials_run(out) == TRIALS[:TRIALS.index(last) + 1]
    assert out[-1].endswith(
        "the command stops before its hello; the stderr quoted above says whether the driver "
        "or the port it loads is at fault" if fault == "crash" else
        "the driver does not speak the protocol as docs/protocol.md says")
    assert code == 1


def test_the_broken_driver_without_a_fault_passes(tmp_path, capsys):
    code, out, _ = run(capsys, broken(tmp_path, ""))
    assert trials_run(out) == TRIALS
    assert problems(out) == {}
    assert "sum, not listed, is answered `unsupported`" in out[5]
    assert code == 0


SHIPPED = {
    "python_ref": (REPO / "harness/ports/python_ref.toml", None),
    "micrograd": (REPO / "harness/ports/micrograd-0.1.0.toml", "micrograd"),
    "node": (REPO / "tests/ports/js/port.toml", "node"),
    "lua5.4": (REPO / "harness/ports/lua_port-lua5.4.toml", "lua5.4"),
}


@pytest.mark.parametrize("name", list(SHIPPED))
def test_the_shipped_drivers_pass(name, capsys):
    manifest, needs = SHIPPED[name]
    if needs == "micrograd":
        pytest.importorskip("micrograd", reason="micrograd 0.1.0 is not installed")
    elif needs and shutil.which(needs) is None:
        pytest.skip(f"`{needs}` is not installed")
    code, out, _ = run(capsys, manifest)
    if code != 0 and name == "lua5.4" and "dkjson" in " ".join(out):
        pytest.skip("lua5.4 has no dkjson (Debian: lua-dkjson)")
    assert problems(out) == {}
    assert trials_run(out) == TRIALS
    assert code == 0


def test_a_manifest_that_is_not_there_is_one_line_and_exit_2(tmp_path, capsys):
    code, out, err = run(capsys, tmp_path / "nowhere.toml")
    assert (code, out, len(err)) == (2, [], 1)
    assert "nowhere.toml: cannot read" in err[0]


def test_a_lua_port_has_no_driver_to_check(capsys):
    code, out, err = run(capsys, REPO / "harness/ports/lua_port.toml")
    assert (code, out, len(err)) == (2, [], 1)
    assert "check-driver tries the driver of a command port" in err[0]


def test_a_build_that_fails_is_one_line_naming_the_build(tmp_path, capsys):
    manifest = tmp_path / "port.toml"
    manifest.write_text('[port]\nname = "unbuilt"\nlanguage = "command"\n'
                        f'build = ["{sys.executable}", "-c", "import sys; print(\'compiling\'); '
                        'sys.exit(\'error: no such file adapter.go\')"]\n'
                        'command = ["{cache}/port"]\n')
    code, out, err = run(capsys, manifest)
    assert (code, out, len(err)) == (2, [], 1)
    assert err[0].startswith(f"{manifest}:4:9: [port] build: `")
    assert "exited with code 1: error: no such file adapter.go (whole output: " in err[0]


@pytest.mark.skipif(shutil.which("node") is None, reason="`node` is not installed")
def test_a_port_that_does_not_load_is_not_blamed_on_the_driver(tmp_path, capsys):
    # node's own driver, a port with a syntax error: the command stops before
    # its hello, and the line says so with node's error, not "the driver does
    # not speak the protocol"
    shutil.copy(REPO / "tests/ports/js/port.toml", tmp_path)
    (tmp_path / "engine.js").write_text((REPO / "tests/ports/js/engine.js").read_text()
                                        + "let x = {;\n")
    code, out, _ = run(capsys, tmp_path / "port.toml")
    assert code == 1
    assert "SyntaxError: Unexpected token ';'" in problems(out)["hello"]
    assert out[-1].endswith("the command stops before its hello; the stderr quoted above says "
                            "whether the driver or the port it loads is at fault")


def test_a_port_that_raises_on_every_program_is_not_blamed_on_the_driver(tmp_path, capsys):
    # a Value whose constructor raises: every op and the long line are
    # answered `error`, the port's own; the driver read each line and said so
    (tmp_path / "engine.py").write_text(
        "class Value:\n"
        "    def __init__(self, data, _children=(), _op=''):\n"
        "        raise IndexError('list index out of range')\n"
        "    def __add__(self, other):\n"
        "        return self\n"
        "    def tanh(self):\n"
        "        return self\n"
        "    def backward(self):\n"
        "        pass\n")
    command = [sys.executable, "-B", str(REPO / "harness/drivers/python_driver.py"),
               "engine:Value", "--path", "."]
    (tmp_path / "port.toml").write_text(f'[port]\nname = "raises"\nlanguage = "command"\n'
                                        f'command = {json.dumps(command)}\n')
    code, out, _ = run(capsys, tmp_path / "port.toml")
    found = problems(out)
    assert "long line" not in found, found
    assert "was read whole (the port answered `error` to a short line too: its own)" in \
        next(line for line in out if line.startswith("ok       long line"))
    ops_line = next(line for line in out if line.startswith("ok       ops: "))
    assert ops_line.startswith("ok       ops: its hello lists no ops: 0 run,")
    assert ops_line.endswith(" raise")


def test_a_port_whose_every_op_raises_is_told_apart_from_a_driver_that_runs_none(tmp_path,
                                                                                   capsys):
    code, out, _ = run(capsys, broken(tmp_path, "port-raises"))
    ops_line = next(line for line in out if line.startswith("ok       ops: "))
    assert ops_line.startswith("ok       ops: every op listed is answered, 11 of 11 with the "
                               "port's own error (add: IndexError: out of range)")
    assert "long line" not in problems(out)


def test_a_driver_that_answers_error_to_long_lines_only_has_a_line_limit(tmp_path, capsys):
    # an `error` for the long line alone is the driver refusing it, not the
    # port's own failure (found by a review)
    code, out, _ = run(capsys, broken(tmp_path, "long-line-error"))
    assert code == 1
    assert "answered `error` where a line of 60 KiB is answered `result`" in \
        problems(out)["long line"]


"""A command port that hangs, dies, or writes what the protocol does not
allow: the right EngineFailure, its stderr and exit code in the message, and
the next program runs on a new process (tests/check/command_fakes/fake_port.py)."""
import json
import re
import sys
import time
from pathlib import Path

import pytest
from command_helpers import chain, program, same_bits

from micrograd_lab.harness.engines.command import CommandEngine, open_command_port
from micrograd_lab.harness.engines.manifest import load_manifest
from micrograd_lab.harness.engines.base import EngineFailure, Unsupported
from micrograd_lab.harness.interpret import interpret

FAKE = Path(__file__).resolve().parent / "command_fakes" / "fake_port.py"
FAST = 0.1  # CPU seconds per program (1 s of wall clock): these take milliseconds

GOOD = program("c = a * b\nd = c + 1.0\ne = d.tanh()", {"a": 2.0, "b": -0.75}, "e")
FAULT = program("fault = a + 1.0", {"a": 2.0}, "fault")


def fake(fault, timeout=FAST, max_memory=512, hello_timeout=None):
    return CommandEngine(f"fake-{fault}", [sys.executable, "-B", str(FAKE), fault],
                          FAKE.parent, timeout=timeout, max_memory=max_memory,
                          hello_timeout=hello_timeout)


def failure_of(runtime, p=FAULT):
    with pytest.raises(EngineFailure) as caught:
        runtime.evaluate(p)
    return caught.value


def runs_good(runtime):
    return same_bits(runtime.evaluate(GOOD), interpret(GOOD))


@pytest.mark.parametrize("fault, kind, says", [
    ("sleep", "timeout", r"no answer to program 2 after 1\.\d s of wall clock \(10 times the "
                         r"limit of 0\.1 s\) in which it used 0\.\d s of CPU: waiting, not "
                         r"computing; killed"),
    ("spin", "timeout", r"no answer to program 2 within 0\.1 s of CPU time \(\d+\.\d s of wall "
                        r"clock\); killed"),
    # a flooder starved of a core on a loaded machine may reach the wall-clock backstop first
    ("flood", "timeout", r"no answer to program 2 (within 0\.1 s of CPU time|after \d+\.\d s "
                         r"of wall clock).*; killed; stderr: (flooding stderr )+"),
    ("exit", "crash", r"closed its stdout during program 2 and exited with code 3; "
                      r"stderr: fake port: dying on purpose"),
    # "and killed by SIGSEGV" read as if the port had killed something
    ("segfault", "crash", r"closed its stdout during program 2 and was killed by SIGSEGV "
                          r"\(exit code -11\)"),
    ("garbage", "protocol", r"program 2: not a JSON line .*'this is not json'"),
    ("missing-field", "protocol", r"program 2: field the message: \"nodes\" is a required property"),
    ("short", "protocol", r"reply to program 2: field nodes: 1 entries for a program of 2 nodes"),
    ("wrong-id", "protocol", r"reply to program 2: field id: 3 answers no request; expected 2"),
    ("huge-number", "protocol", r"field nodes\[0\]\[0\]: the number 1e400 is beyond the largest double"),
    ("infinity-token", "protocol", r"not a JSON line \(Infinity is not JSON"),
    ("memory", "memory", r"exited with code 1 \(memory cap 512 MiB\); stderr: .*MemoryError"),
])
def test_a_fault_fails_the_program_and_the_next_program_runs(fault, kind, says):
    with fake(fault) as runtime:
        assert runs_good(runtime)
        first_pid = runtime.pid
        failure = failure_of(runtime)
        assert failure.kind == kind
        assert re.search(says, failure.message), failure.message
        assert runtime.pid is None       # killed: nothing of it is kept
        assert runs_good(runtime)            # a new process answers the next program
        assert runtime.pid != first_pid


def test_a_second_line_for_one_program_is_a_protocol_failure_at_the_next():
    with fake("two-lines") as runtime:
        assert same_bits(runtime.evaluate(FAULT), interpret(FAULT))
        failure = failure_of(runtime, GOOD)
        assert failure.kind == "protocol"
        assert "wrote more than one line for the last message" in failure.message
        assert runs_good(runtime)


def test_an_error_reply_keeps_the_process():
    with fake("error") as runtime:
        runtime.restart()
        pid = runtime.pid
        failure = failure_of(runtime)
        assert (failure.kind, failure.message) == ("error", "ValueError: planted")
        assert runtime.pid == pid and runs_good(runtime)


def test_an_unsupported_reply_names_the_op_and_keeps_the_process():
    with fake("unsupported") as runtime:
        runtime.restart()
        pid = runtime.pid
        with pytest.raises(Unsupported) as caught:
            runtime.evaluate(FAULT)
        assert caught.value.op == "tanh"
        assert runtime.pid == pid and runs_good(runtime)


def test_a_port_that_stops_reading_cannot_block_the_harness():
    # 20,000 steps: far more than a pipe holds, so writing the request blocks
    big = chain(20_000)
    with fake("deaf") as runtime:
        failure = failure_of(runtime, big)
        assert failure.kind == "timeout"
        assert "no answer to program 1 after 1." in failure.message


def test_a_timeout_kills_the_whole_process_group():
    with fake("grandchild") as runtime:
        failure = failure_of(runtime)
        assert failure.kind == "timeout"
        grandchild = int(re.search(r"grandchild (\d+)", failure.message).group(1))
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(grandchild):
        time.sleep(0.05)
    assert not _alive(grandchild)


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"   # a zombie is dead, only not yet reaped
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("fault, kind, says", [
    ("hello-garbage", "protocol", r"its hello: not a JSON line .*'hello\?'"),
    ("hello-version", "protocol", r"its hello: field protocol: the port speaks protocol 2; "
                                  r"this harness speaks 1"),
    ("hello-exit", "crash", r"closed its stdout during its hello and exited with code 4; "
                            r"stderr: fake port: no hello today"),
    ("hello-sleep", "timeout", r"no answer to its hello after 1\.\d s of wall clock"),
])
def test_a_port_without_a_valid_hello_fails_to_start(fault, kind, says):
    with fake(fault, hello_timeout=0.1) as runtime:
        with pytest.raises(EngineFailure) as caught:
            runtime.restart()
        assert caught.value.kind == kind
        assert re.search(says, caught.value.message), caught.value.message
        assert runtime.last_start_failure is caught.value
        assert runtime.declared_ops() is None
        with pytest.raises(EngineFailure) as again:   # evaluate tries a new process
            runtime.evaluate(GOOD)
        assert again.value.kind == kind


def test_a_command_that_does_not_exist_is_a_crash_naming_it(tmp_path):
    runtime = CommandEngine("nothing", ["no-such-program-here", "x"], tmp_path,
                             timeout=FAST, max_memory=256)
    with pytest.raises(EngineFailure) as caught:
        runtime.evaluate(GOOD)
    assert caught.value.kind == "crash"
    assert caught.value.message.startswith(f"cannot start no-such-program-here x in {tmp_path}")


def test_the_manifest_gives_the_folder_the_limits_and_the_name(tmp_path):
    folder = tmp_path / "my port"
    folder.mkdir()
    manifest = folder / "port.toml"
    manifest.write_text(f"""[port]
name = "faker"
language = "command"
command = [{json.dumps(sys.executable)}, "-B", {json.dumps(str(FAKE))}, "none"]
timeout = 3
max_memory = 300
""")
    [runtime] = open_command_port(load_manifest(manifest))
    with runtime:
        where = json.loads(runtime.version)
        assert where == {"cwd": str(folder), "data_limit": 300 * 2**20}
        assert runtime.name == "faker" and runtime.timeout == 3.0
        assert runtime.declared_ops() == frozenset(["add", "sub", "mul", "div", "pow", "neg",
                                                    "relu", "tanh", "exp", "log", "sigmoid",
                                                    "sum", "dot"])
        assert runs_good(runtime)


def test_open_command_port_returns_the_runtime_even_when_it_cannot_start(tmp_path):
    manifest = tmp_path / "port.toml"
    manifest.write_text(f"""[port]
name = "mute"
language = "command"
command = [{json.dumps(sys.executable)}, "-B", {json.dumps(str(FAKE))}, "hello-exit"]
timeout = 3
""")
    [runtime] = open_command_port(load_manifest(manifest))
    assert runtime.last_start_failure.kind == "crash"
    assert "no hello today" in runtime.last_start_failure.message
    assert runtime.declared_ops() is None
    runtime.close()


def test_close_ends_the_process():
    runtime = fake("none")
    runtime.restart()
    pid = runtime.pid
    runtime.close()
    assert not _alive(pid) and runtime.pid is None

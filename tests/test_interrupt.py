"""Ctrl-C, typed at a terminal (a pty): parity, check and class mode stop,
kill their workers and the ports those started, write the partial report,
exit 130 with one line and no traceback.  (How fast: make bench-class
measures it; no test times anything.)"""
import json
import os
import re
import signal
import sys
import time
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="Ctrl-C through a pty needs pexpect (dev extra)")

REPO = Path(__file__).resolve().parents[1]
# The command a user types: the installed script (pip install -e . puts it
# beside the interpreter); python -m only where it is not installed.
MGLAB = Path(sys.executable).with_name("mglab")
COMMAND = [str(MGLAB)] if MGLAB.exists() else [sys.executable, "-m", "micrograd_lab.harness"]
CLASS = REPO / "tests" / "class"
HANG_GUARD = 120   # seconds: only so that a broken Ctrl-C fails instead of hanging the suite
# A looping port that neither fail-fast nor a budget stops: only Ctrl-C does.
FOREVER = ["--fail-after", "0", "--budget", "0", "--timeout", "600", "--probes", "none"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _parent(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2:].split()[1])


def descendants(root):
    """{pid: command line} of every live process below root."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid, seen = int(entry.name), 0
        parent = _parent(pid)
        while parent not in (None, 0, 1, root) and seen < 50:
            parent, seen = _parent(parent), seen + 1
        if parent == root:
            try:
                found[pid] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                pass
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _as_at_a_terminal():
    """A shell's background job (`make test &`, some CI runners) starts with
    SIGINT ignored, and an ignored signal stays ignored across exec: Python
    would then install no Ctrl-C handler at all.  A user's terminal has the
    default."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt(args, workers, cwd, presses=1):
    """Run `mglab ARGS` on a pty; once `workers` Lua workers run
    below it, type Ctrl-C (presses times, 20 ms apart).
    (exit status, all it wrote, what it wrote after the Ctrl-C, the
    processes that were below it)."""
    child = pexpect.spawn(COMMAND[0], [*COMMAND[1:], *args], cwd=str(cwd),
                          env={**os.environ, "PYTHONPATH": str(REPO)}, encoding="utf-8",
                          timeout=HANG_GUARD, dimensions=(40, 100), preexec_fn=_as_at_a_terminal)
    written = []

    def drain():   # one read: a progress bar writes all the time
        try:
            written.append(child.read_nonblocking(1 << 20, timeout=0.2))
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
    end = time.monotonic() + HANG_GUARD
    below = {}
    while time.monotonic() < end and child.isalive():
        below = descendants(child.pid)
        if sum("micrograd_lab.harness.engines.lua_worker" in c for c in below.values()) >= workers:
            break
        drain()
    else:
        pytest.fail(f"no {workers} Lua workers started: {''.join(written)[-2000:]}")
    drain()
    for press in range(presses):
        if press:
            time.sleep(0.02)
        child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    after = ANSI.sub("", child.before or "")
    return child.exitstatus, "".join(written) + after, after, below


def shown_lines(text):
    """The lines a terminal shows: what follows the last carriage return,
    without the terminal's own echo of the Ctrl-C."""
    text = text.replace("^C", "")
    lines = [line.rsplit("\r", 1)[-1].strip() for line in text.splitlines()]
    # parity's progress bar is transient: its last frame is erased as it stops
    return [line for line in lines if line and "━" not in line]


def assert_stopped(status, everything, after, below):
    assert status == 130, everything
    assert "Traceback" not in everything and "KeyboardInterrupt" not in everything
    lines = shown_lines(after)
    assert len(lines) == 1 and lines[0].startswith("interrupted: "), lines
    left = [f"{pid} {command}" for pid, command in below.items() if alive(pid)]
    assert not left, left   # the workers, the Lua workers, the ports: all gone


def test_ctrl_c_stops_check(tmp_path):
    status, everything, after, below = interrupt(
        ["check", str(CLASS / "loops"), "--runtimes", "lua54,luajit21", *FOREVER,
         "--report-dir", str(tmp_path)], 2, tmp_path)
    assert_stopped(status, everything, after, below)
    report = json.loads((tmp_path / "check.json").read_text())
    statuses = {c["vs_reference"]["status"] for f in report["fixtures"]
                for c in f["cells"].values()}
    assert statuses == {"NOT RUN"}
    assert "interrupted (Ctrl-C)" in report["fixtures"][0]["cells"]["lua54"][
        "vs_reference"]["message"]


def test_ctrl_c_stops_a_class(tmp_path):
    status, everything, after, below = interrupt(
        ["check", str(CLASS / "loops"), str(CLASS / "correct"), "--runtimes", "lua54",
         *FOREVER, "--jobs", "2", "--report-dir", str(tmp_path)], 1, tmp_path)
    assert_stopped(status, everything, after, below)
    summary = json.loads((tmp_path / "class.json").read_text())
    states = {p["slug"]: p["state"] for p in summary["ports"]}
    assert states["loops"] == "interrupted" and set(states) == {"loops", "correct"}


def test_a_second_ctrl_c_does_not_cut_the_class_summary_short(tmp_path):
    # an impatient second Ctrl-C (or `timeout -s INT`, which signals the
    # group too) landed while the workers were being stopped: no summary
    status, everything, after, below = interrupt(
        ["check", str(CLASS / "loops"), str(CLASS / "correct"), "--runtimes", "lua54",
         *FOREVER, "--jobs", "2", "--report-dir", str(tmp_path)], 1, tmp_path, presses=5)
    assert_stopped(status, everything, after, below)
    assert json.loads((tmp_path / "class.json").read_text())["ports"]


def test_ctrl_c_stops_parity(tmp_path):
    status, everything, after, below = interrupt(
        # the deep chains keep the run going well past the Ctrl-C (without
        # them it may reach its reports first, where only the last line differs)
        ["parity", "--tags", "deep,edges,pow,ops", "--backends", "lua54,luajit21", "--report-dir",
         str(tmp_path)], 1, tmp_path)
    assert_stopped(status, everything, after, below)
    report = json.loads((tmp_path / "parity.json").read_text())
    assert report["summary"]["line"].endswith("not run")


def test_ctrl_c_during_builds_ends_them(tmp_path):
    # a class's workers building two ports: the builds' process groups were
    # not the workers' to end, and an instructor's Ctrl-C left `sleep 30` behind
    for student in ("alice", "bob"):
        (tmp_path / student).mkdir()
        (tmp_path / student / "port.toml").write_text(
            '[port]\nname = "slow"\nlanguage = "command"\n'
            'build = ["sh", "-c", "sleep 31; echo built"]\ncommand = ["true"]\n')
    child = pexpect.spawn(COMMAND[0], [*COMMAND[1:], "check", str(tmp_path / "alice"),
                                       str(tmp_path / "bob"), "--jobs", "2", "--probes", "none",
                                       "--report-dir", str(tmp_path / "r")],
                          cwd=str(tmp_path), env={**os.environ, "PYTHONPATH": str(REPO)},
                          encoding="utf-8", timeout=HANG_GUARD, preexec_fn=_as_at_a_terminal)
    end = time.monotonic() + HANG_GUARD
    below = descendants(child.pid)
    while time.monotonic() < end and sum("sleep 31" in c for c in below.values()) < 2:
        time.sleep(0.05)
        below = descendants(child.pid)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    time.sleep(0.2)
    left = [f"{pid} {command}" for pid, command in below.items() if alive(pid)]
    for pid in below:   # a failing run leaves no sleep behind either
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert not left, left


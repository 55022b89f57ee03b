"""Run control: a port that loops forever stops by fail-fast (its runtimes'
cells NOT RUN, the cause named once) or by its time budget, with a report;
--timeout overrides the manifest's; the hello honours the manifest's
timeout."""
import json
import sys
from pathlib import Path

import pytest

from micrograd_lab.harness.engines import deadline
from micrograd_lab.harness.engines.command import HELLO_BACKSTOP, HELLO_WALL_MIN, CommandEngine
from micrograd_lab.harness.engines.manifest import load_manifest

from cli_run import harness

CLASS = Path(__file__).resolve().parents[1] / "class"
FAKE = Path(__file__).resolve().parent / "command_fakes" / "fake_port.py"
LOOPS = str(CLASS / "loops")
FEW = ["--fixtures", "lecture-d-abc,lecture-reuse-a-plus-a,lecture-f-at-3", "--probes", "none"]


def cells(folder):
    report = json.loads((folder / "check.json").read_text())
    return [(f["name"], runtime, cell["vs_reference"])
            for f in report["fixtures"] for runtime, cell in f["cells"].items()]


def test_a_looping_port_stops_after_timeouts_in_a_row(capsys, tmp_path):
    # --timeout: 0.2 s per program instead of the manifest's 0.5
    code, out, _ = harness(["check", LOOPS, "--runtimes", "lua54,luajit21", *FEW,
                            "--timeout", "0.2", "--report-dir", str(tmp_path)], capsys)
    assert code == 1
    assert out.splitlines()[-1] == "0 passed, 0 failed, 6 not run"
    for runtime in ("lua54", "luajit21"):
        cause = (f"{runtime} stopped after 3 programs in a row ran past the time limit of "
                 "0.2 s (fail-fast)")
        assert out.count(cause) == 1, out   # named once, not once per cell
        assert f"NOT RUN (3 on {runtime}): {cause}" in out
    assert {cell["status"] for _, _, cell in cells(tmp_path)} == {"NOT RUN"}
    # the op probe shows the three timeouts, then the stop
    report = json.loads((tmp_path / "check.json").read_text())
    ops = report["engines"]["lua54"]["ops"]
    assert sorted(op for op, s in ops.items() if s["message"].startswith("timeout:")) == \
        ["add", "mul", "sub"]
    # and where each program was when it was stopped: its backward loops
    assert ops["add"]["message"] == ("timeout: lua54: still running after 0.2 s, in backward "
                                     "(the worker was stopped)")


def test_the_budget_ends_a_check_with_a_report(capsys, tmp_path):
    # fail-fast off: only the budget stops the op probe's timeouts
    code, out, _ = harness(["check", LOOPS, "--runtimes", "lua54", *FEW, "--budget", "1",
                            "--fail-after", "0", "--jobs", "1", "--report-dir", str(tmp_path)],
                           capsys)
    assert not deadline.passed()   # the run in this process left no budget behind
    assert code == 1
    assert "the time budget (1 s of CPU) ran out before this cell ran (--budget gives more)" \
        in out
    assert {cell["status"] for _, _, cell in cells(tmp_path)} == {"NOT RUN"}
    assert (tmp_path / "check.html").is_file() and (tmp_path / "results.json").is_file()


def test_a_program_that_outlasts_the_budget_is_named_as_such(capsys, tmp_path):
    # a program's limit above the whole budget: a student's looping port
    # read only "the budget ran out before this cell ran (--budget gives
    # more)", and the engine table counted the NOT RUN cells failed
    code, out, _ = harness(["check", LOOPS, "--runtimes", "lua54", *FEW, "--budget", "1",
                            "--timeout", "30", "--jobs", "1", "--report-dir", str(tmp_path)],
                           capsys)
    assert code == 1
    report = json.loads((tmp_path / "check.json").read_text())
    add = report["engines"]["lua54"]["ops"]["add"]["message"]
    assert add.startswith("the time budget (1 s of CPU) ran out while the port was still "
                          "working on this program, without an answer (a program's time "
                          "limit: 30 s of CPU); a port that loops reads like this"), add
    assert "add fails: the time budget (1 s of CPU) ran out while the port" in out
    [row] = [line.split() for line in out.splitlines() if line.split()[:1] == ["lua54"]]
    assert [int(n) for n in row if n.isdigit()][:4] == [0, 0, 3, 0]   # passed failed not-run other
    assert out.splitlines()[-1] == "0 passed, 0 failed, 3 not run"


def test_the_hello_honours_the_manifest_timeout(tmp_path):
    manifest = tmp_path / "port.toml"
    manifest.write_text(f'[port]\nname = "sleepy"\nlanguage = "command"\n'
                        f'command = [{json.dumps(sys.executable)}, "-B", '
                        f'{json.dumps(str(FAKE))}, "hello-sleep"]\ntimeout = 1.5\n')
    port = load_manifest(manifest)
    # as open_command_port makes it, before it starts
    engine = CommandEngine(port.name, port.command, port.folder, timeout=port.timeout,
                           max_memory=port.max_memory)
    try:
        # 1.5 CPU seconds, and HELLO_BACKSTOP times that of wall clock, at
        # least HELLO_WALL_MIN (it was 10 s of CPU and 100 s of wall clock)
        assert engine.hello_timeout == 1.5
        assert engine.hello_wall == max(HELLO_BACKSTOP * 1.5, HELLO_WALL_MIN) == 5.0
        engine.hello_wall = 0.5   # the same path, sooner
        failure = engine.start_failure()
        assert failure.kind == "timeout"
        assert "of wall clock (its limit of 0.5 s)" in failure.message
    finally:
        engine.close()


@pytest.mark.parametrize("budget", ["-1", "soon"])
def test_a_budget_is_seconds(budget, capsys):
    code, _, err = harness(["check", LOOPS, f"--budget={budget}"], capsys)
    assert code == 2 and "--budget" in err


def test_a_budget_that_stops_a_correct_port_fails_nothing_of_it(capsys, tmp_path):
    # a correct Lua port under a short budget read "harness error: NotRun" in
    # class mode (the determinism re-run let it escape), and its probes and
    # nn cells read ERROR: what the budget stops is not run, whatever it was
    correct = CLASS / "correct"
    code, out, _ = harness(["check", str(correct), str(CLASS / "assigned"), "--runtimes", "lua54",
                            "--budget", "2", "--jobs", "1", "--report-dir", str(tmp_path)], capsys)
    assert code == 1
    summary = json.loads((tmp_path / "class.json").read_text())
    states = {p["slug"]: p["state"] for p in summary["ports"]}
    assert set(states.values()) == {"checked"}, states
    report = json.loads((tmp_path / "ports" / "correct" / "check.json").read_text())
    statuses = {c["vs_reference"]["status"] for f in report["fixtures"]
                for c in f["cells"].values()}
    assert "NOT RUN" in statuses and not statuses & {"ERROR", "FAIL"}, statuses
    probes = report["engines"]["lua54"]["probes"]
    assert all(p["status"] != "fail" for p in probes.values()), probes
    # a probe the budget stopped is NOT RUN as a cell is, not N/A: an
    # instructor's tight budget raised a score by skipping a failing probe
    stopped = [name for name, p in probes.items() if p["counted"] == "not run"]
    outcome = next(p for p in summary["ports"] if p["slug"] == "correct")
    assert stopped and all(["probe " + name, "NOT RUN"] == [cell[0], cell[3]]
                           for name in stopped for cell in outcome["cells"]
                           if cell[0] == "probe " + name), (stopped, outcome["cells"][-8:])

"""What a port prints reaches the reports (a Lua port's print(), a command
port's stderr: where the drivers send its prints), counted and bounded; a
port that prints on stdout, where the protocol's lines go, is one clear
finding and the summary stays in sight."""
import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from micrograd_lab.harness.engines import printed
from micrograd_lab.lua_port import available_runtimes

from test_check_cli import harness

PORTS = Path(__file__).resolve().parents[1] / "ports"
FAKE = Path(__file__).resolve().parent / "command_fakes" / "fake_port.py"
DRIVER = Path(__file__).resolve().parents[2] / "harness" / "drivers" / "python_driver.py"



def test_a_lua_ports_print_reaches_every_report(capsys, tmp_path):
    if "lua54" not in available_runtimes():
        pytest.skip("lupa has no lua54 here")
    code, out, _ = harness(["check", str(PORTS / "classes" / "port.toml"), "--runtimes", "lua54",
                         "--fixtures", "lecture-d-abc", "--probes", "none", "--jobs", "1",
                         "--report-dir", str(tmp_path)], capsys)
    assert code == 0
    # one worker, the port loaded once: value.lua printed its line once
    assert 'the port [lua54] printed 1 line: "classes: loaded value.lua"' in out
    report = json.loads((tmp_path / "check.json").read_text())
    assert report["printed"] == {"lua54": {"lines": [["classes: loaded value.lua", 1]],
                                           "total": 1, "more": 0}}
    markdown = (tmp_path / "check.md").read_text()
    assert "## What the port printed\n\nOn lua54, 1 lines:\n\n    classes: loaded value.lua" \
        in markdown
    assert "classes: loaded value.lua</pre>" in (tmp_path / "check.html").read_text()


def test_a_python_ports_print_reaches_the_report_through_stderr(capsys, tmp_path):
    (tmp_path / "chatty_value.py").write_text(textwrap.dedent('''\
        class Value:
            def __init__(self, data, children=()):
                self.data, self.grad, self._prev = float(data), 0.0, children

            def __add__(self, other):
                out = Value(self.data + other.data, (self, other))
                out._local = (1.0, 1.0)
                return out

            def __mul__(self, other):
                out = Value(self.data * other.data, (self, other))
                out._local = (other.data, self.data)
                return out

            def backward(self):
                print("backward from", self.data)
                order, seen = [], set()
                def visit(v):
                    if id(v) not in seen:
                        seen.add(id(v))
                        for child in v._prev:
                            visit(child)
                        order.append(v)
                visit(self)
                self.grad = 1.0
                for v in reversed(order):
                    for child, local in zip(v._prev, getattr(v, "_local", ())):
                        child.grad += local * v.grad
        '''))
    (tmp_path / "port.toml").write_text(textwrap.dedent(f'''\
        [port]
        name = "chatty-python"
        language = "command"
        command = ["python3", "-B", "{DRIVER}", "chatty_value:Value", "--path", "."]
        '''))
    code, out, _ = harness(["check", str(tmp_path / "port.toml"), "--fixtures",
                         "lecture-d-abc,lecture-l-minus-8", "--probes", "none", "--jobs", "1",
                         "--report-dir", str(tmp_path / "report")], capsys)
    assert code == 0, out
    assert out.splitlines()[-1] == "2 passed, 0 failed"
    # the op probe's add and mul first, then the fixtures in corpus order
    assert ('the port [chatty-python] printed 4 lines: "backward from 1.75", "backward from '
            '0.375", "backward from 4.0", and 1 more (the reports list 20 distinct lines)') in out
    report = json.loads((tmp_path / "report" / "check.json").read_text())
    assert report["printed"]["chatty-python"]["lines"] == [
        ["backward from 1.75", 1], ["backward from 0.375", 1], ["backward from 4.0", 1],
        ["backward from -8.0", 1]]


def test_a_port_printing_on_stdout_is_one_finding_and_the_summary_follows(capsys, tmp_path):
    (tmp_path / "port.toml").write_text(textwrap.dedent(f'''\
        [port]
        name = "chatty"
        language = "command"
        command = ["{sys.executable}", "-B", "{FAKE}", "chatty"]
        timeout = 5
        '''))
    code, out, _ = harness(["check", str(tmp_path / "port.toml"), "--tags", "lecture,micrograd",
                         "--probes", "none", "--jobs", "1", "--report-dir",
                         str(tmp_path / "report")], capsys)
    lines = out.splitlines()
    assert code == 1 and lines[-1] == "0 passed, 37 failed"
    # the op probe met the noise three times; every fixture after is not run, said once
    [finding] = [line for line in lines if "ERROR alike" in line]
    # the lecture's fixtures first, the smallest first; all of them counted
    assert finding.startswith("37 fixtures[chatty] ERROR alike (lecture-exp-of-2, ")
    assert "the reports list each): " in finding
    # under --level lecture, how many of the group count (a student could not tell)
    code, out, _ = harness(["check", str(tmp_path / "port.toml"), "--tags", "lecture,pow",
                            "--probes", "none", "--jobs", "1", "--level", "lecture",
                            "--report-dir", str(tmp_path / "report2")], capsys)
    [finding] = [line for line in out.splitlines() if "ERROR alike" in line]
    assert re.search(r"the reports list each, \d+ of them counted\): ", finding), finding
    assert "not run: the port wrote on stdout what is not the protocol on 3 programs (a " \
           "print? the protocol owns stdout: print to stderr); the first time: program " in finding
    assert "not a JSON line (Expecting value: line 1 column 1 (char 0)): 'debug: backward " \
           "from" in finding
    assert sum("ERROR:" in line or "ERROR alike" in line for line in lines) == 1
    assert lines[-2].startswith("reports: ")


def test_printed_lines_are_counted_cut_and_bounded():
    kept = printed.Printed()
    kept.add("loss 0.5\nloss 0.5\nlo")
    kept.add(b"ss 0.4\n" + b"x" * 500 + b"\n")
    for n in range(printed.MAX_LINES + 5):
        kept.add_line(f"step {n}")
    kept.add("no newline at the end")
    summary = kept.take()
    assert summary["lines"][:3] == [["loss 0.5", 2], ["loss 0.4", 1],
                                    ["x" * printed.MAX_CHARS + "...", 1]]
    assert len(summary["lines"]) == printed.MAX_LINES
    assert summary["total"] == 4 + printed.MAX_LINES + 5 + 1
    assert summary["more"] == summary["total"] - sum(n for _, n in summary["lines"])
    assert kept.take() is None
    merged = printed.merge([summary, None, {"lines": [["loss 0.5", 3]], "total": 3, "more": 0}])
    assert merged["lines"][0] == ["loss 0.5", 5] and merged["total"] == summary["total"] + 3
    assert printed.describe(merged, lines=1) == (
        f'printed {merged["total"]} lines: "loss 0.5" (x5), and {merged["total"] - 5} more '
        f"(the reports list {printed.MAX_LINES} distinct lines)")

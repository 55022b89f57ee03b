"""A wrong answer never exits 0: a probe that sees a wrong value, a crash or
runs that differ is a counted FAIL or ERROR (the final line, ok(), the exit
code, check.json's summary, every report); ok passes, and a warn (cut short
by the manifest's limits) or a probe not run is skipped.  The fixtures with a
number on either side of each operator catch the same bug in the corpus."""
import json
from pathlib import Path

import pytest

from micrograd_lab.harness.engines.base import EngineFailure
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.probes import FAULT, OK, SKIPPED, WARN, Probe, depth, numbers
from micrograd_lab.harness.run import CheckSettings, Port, run

from check_fakes import FakeEngine, FakeSpec
from test_check_cli import harness
from test_check_runner import fixtures

PORTS = Path(__file__).resolve().parents[1] / "ports"
SWAPPED = str(PORTS / "rsub-swapped" / "port.toml")



def test_a_port_whose_2_minus_x_is_x_minus_2_exits_1_on_the_numbers_probe(capsys, tmp_path):
    # lecture-d-abc has no number minus a Value: only the probe sees the bug
    code, out, _ = harness(["check", SWAPPED, "--fixtures", "lecture-d-abc", "--probes", "numbers",
                         "--report-dir", str(tmp_path)], capsys)
    assert code == 1
    assert out.splitlines()[-1] == "1 passed, 1 failed"
    assert "probe numbers[rsub-swapped] FAIL: 2 of 21 cases fail: 2 - x: node y" in out
    report = json.loads((tmp_path / "check.json").read_text())
    summary = report["summary"]
    assert (summary["ok"], summary["failed"], summary["line"]) == (False, 1, "1 passed, 1 failed")
    [failing] = summary["probes"]["failing"]
    assert (failing["probe"], failing["verdict"]) == ("numbers", "FAIL")
    assert "2 - x" in failing["summary"]
    probes = report["engines"]["rsub-swapped"]["probes"]
    assert (probes["numbers"]["verdict"], probes["numbers"]["counted"]) == ("FAIL", "failed")
    assert probes["ops"]["counted"] is None    # its findings are the fixtures' own cells
    markdown = (tmp_path / "check.md").read_text()
    assert "**1 passed, 1 failed**" in markdown
    assert "| probe numbers | rsub-swapped | FAIL | 2 of 21 cases fail: 2 - x" in markdown
    html = (tmp_path / "check.html").read_text()
    assert "<strong>1 passed, 1 failed</strong>" in html and "<strong>FAIL</strong>: 2 of 21" in html
    # and names the bug from the probe alone: the value is exactly x - 2
    [diagnosis] = report["diagnoses"]
    assert diagnosis["bug"] == "operands-swapped"
    assert diagnosis["evidence"][0]["where"] == "probe numbers"
    assert "2 - x gives 1.0, x - 2" in out
    assert "x.__rsub__(2)" in out   # the advice in Python's words


def test_the_corpus_catches_it_too(capsys, tmp_path):
    code, out, _ = harness(["check", SWAPPED, "--fixtures", "lecture-number-2-*,lecture-number-x-*",
                         "--probes", "none", "--report-dir", str(tmp_path)], capsys)
    assert code == 1
    assert out.splitlines()[-1] == "9 passed, 1 failed"
    assert "lecture-number-2-minus-x[rsub-swapped] FAIL: node y (sub, line 9: y = 2 - x) " \
           "data: expected -1.0, got 1.0" in out


def test_its_edge_faults_are_named_for_what_they_are(capsys, tmp_path):
    # g * (1/b) at a subnormal b, and 0 for the exponent's slope at a negative
    # base: not the slope through b**2, nor an exponent's gradient never set
    code, out, _ = harness(["check", SWAPPED, "--fixtures", "lecture-number-2-minus-x,"
                            "div-grad-subnormal-divisor,rpow-edge-minus-2-to-2,pow-value-2-to-3",
                            "--probes", "none", "--report-dir", str(tmp_path)], capsys)
    assert code == 1
    report = json.loads((tmp_path / "check.json").read_text())
    assert [d["bug"] for d in report["diagnoses"]] == [
        "operands-swapped", "exponent-grad-negative-base", "div-reciprocal"]


def test_a_right_port_passes_the_numbers_probe_and_it_counts_as_passed(capsys, tmp_path):
    code, out, _ = harness(["check", str(PORTS / "correct" / "port.toml"), "--runtimes", "lua54",
                         "--fixtures", "lecture-number-*", "--probes", "numbers",
                         "--report-dir", str(tmp_path)], capsys)
    assert code == 0
    # 11 fixtures, as floats and as Lua integers the worse of the two: 11 cells, and the probe
    assert out.splitlines()[-1] == "12 passed, 0 failed"


# -- how each outcome counts, on fake engines ---------------------------------------------

@pytest.mark.parametrize("status, raised, verdict, counted", [
    (OK, False, None, "passed"), (WARN, False, None, "skipped"),
    (SKIPPED, False, None, "skipped"), (FAULT, False, "FAIL", "failed"),
    (FAULT, True, "ERROR", "failed")])
def test_each_probe_outcome_counts_once(status, raised, verdict, counted):
    probe = Probe("numbers", status, "", raised=raised)
    assert (probe.verdict, probe.counted) == (verdict, counted)


class LeftCrashes(FakeEngine):
    """A number on the left of - raises; everything else is right."""

    def evaluate(self, program, *, integers=False):
        step = program.steps[0] if program.steps else None
        if step is not None and step.op == "sub" and step.args[0].kind == "num":
            raise EngineFailure("error", "attempt to index a number value (local 'a')")
        return interpret(program)


class LeftWrong(FakeEngine):
    """A number on the left of - gives the operands swapped."""

    def evaluate(self, program, *, integers=False):
        values = interpret(program)
        step = program.steps[0] if program.steps else None
        if step is not None and step.op == "sub" and step.args[0].kind == "num":
            data, grad = values[step.out]
            values[step.out] = (-data, grad)
        return values


@pytest.mark.parametrize("engine, verdict", [(LeftCrashes, "ERROR"), (LeftWrong, "FAIL")])
def test_a_faulty_probe_fails_the_run(engine, verdict):
    result = run(fixtures("lecture-d-abc"), [FakeSpec("lua54", engine_class=engine)],
                 check=CheckSettings(probes=("numbers",)), port=Port("fake", "lua", "f.toml"),
                 jobs=1)
    probe = result.probes["lua54"]["numbers"]
    assert probe.verdict == verdict
    assert result.final_line() == "1 passed, 1 failed" and not result.ok()


def test_depth_cut_short_by_the_time_limit_is_skipped_a_stack_overflow_an_error():
    def limited(message):
        class Limited(FakeEngine):
            def evaluate(self, program, *, integers=False):
                if len(program.steps) > 500:
                    raise EngineFailure(message.split(":")[0], message)
                return interpret(program)
        return Limited()
    warn = depth.probe_depth(limited("timeout: still running after 1 s"), "depth-chain",
                             frozenset(), 2000)
    crash = depth.probe_depth(limited("error: stack overflow"), "depth-chain", frozenset(), 2000)
    assert (warn.status, warn.counted) == (WARN, "skipped")
    assert (crash.verdict, crash.counted) == ("ERROR", "failed")


def test_a_depth_that_fails_in_one_try_of_two_says_so_and_stays_an_error():
    class AtTheEdge(FakeEngine):   # overflows the first time only, as a port at its edge may
        tries = 0

        def evaluate(self, program, *, integers=False):
            if len(program.steps) >= 2000:
                AtTheEdge.tries += 1
                if AtTheEdge.tries == 1:
                    raise EngineFailure("crash", "stack overflow")
            return interpret(program)
    probe = depth.probe_depth(AtTheEdge(), "depth-chain", frozenset(), 2000)
    assert probe.verdict == "ERROR" and AtTheEdge.tries == 2
    assert probe.summary.endswith("fails at 2,000: crash: stack overflow (in 1 of 2 tries: the "
                                  "port is at the edge of what it reaches, and how much stack it "
                                  "uses changes from run to run)")


def test_an_op_the_port_says_it_lacks_is_no_fault_of_the_numbers_probe():
    from micrograd_lab.harness.engines.base import Unsupported
    from micrograd_lab.harness.probes import probe_ops

    class NumberPowers(FakeEngine):   # micrograd's pow: a number exponent only
        def evaluate(self, program, *, integers=False):
            step = program.steps[0] if program.steps else None
            if step is not None and step.op == "pow" and step.args[1].kind == "node":
                raise Unsupported("pow", "a Value exponent")
            return interpret(program)
    engine = NumberPowers("lua54")
    probe = numbers.probe_numbers(engine, probe_ops(engine), frozenset())
    assert probe.status == OK, probe.summary
    assert [c["how"] for c in probe.details["cases"] if c.get("how")] == \
        ["unsupported: a Value exponent"] * 2

"""Levels in a check (harness/levels.py): --level chooses the levels that
count toward the final line and the exit code, every report shows a line
per level, and on the lecture level a port may write the lecture's own
formulas (harness.ops.LECTURE) while a real gradient bug fails there too.

micrograd 0.1.0 (PyPI) and the lecture test port (tests/ports/lecture/:
a * b^-1, tanh through exp with 1 - t^2, ^ of a number exponent only) pass
the lecture level and fail the others, with their known findings."""
import json
from dataclasses import replace
from pathlib import Path

import pytest

from micrograd_lab.harness.check.cli import check_port
from micrograd_lab.harness.levels import EDGES, LECTURE, LEVELS, NUMBERS, SCALE, level_of
from micrograd_lab.harness.judge.verdict import CLOSE, FAIL
from micrograd_lab.harness.nn.cases import all_cases
from micrograd_lab.harness.run import CheckSettings
from micrograd_lab.lua_port import available_runtimes

from cli_run import harness as run_harness
from shared_corpus import FIXTURES

REPO = Path(__file__).resolve().parents[2]
MICROGRAD = REPO / "harness" / "ports" / "micrograd-0.1.0.toml"
LECTURE_PORT = REPO / "tests" / "ports" / "lecture" / "port.toml"
# the corpus and the nn cases, without the 100,000-node chains (scale: their
# reference costs the most; the 1,000-node graphs stand for them)
NOT_DEEP = [f.name for f in FIXTURES if len(f.program.steps) < 10_000] + [
    case.name for case in all_cases()]
PROBES = CheckSettings(probes=("numbers", "backward-twice", "determinism", "depth-chain"),
                       depth_max=2000)


def lines(result):
    return {line.level: line for line in result.level_lines()}


def harness(capsys, *argv):
    code, out, err = run_harness(argv, capsys)
    return code, out.splitlines(), err


@pytest.fixture(scope="module")
def micrograd():
    pytest.importorskip("micrograd", reason="micrograd 0.1.0 is not installed "
                                            "(pip install -e '.[dev]')")
    return check_port(MICROGRAD, NOT_DEEP, settings=PROBES)[0]


def test_micrograd_passes_the_lecture_level(micrograd):
    lecture = replace(micrograd, levels=(LECTURE,))
    assert lecture.ok()
    assert lines(micrograd)[LECTURE].ok
    assert lecture.final_line().endswith("(counted: level lecture)")
    cells = micrograd.cells_of("micrograd 0.1.0")
    # its division a * b**-1, 1 ulp off 3 / 10: the lecture's own, allowed there
    assert cells["div-3-10"].status == CLOSE and cells["div-3-10"].max_ulps == 1
    # its ** takes a number exponent (declared): a Value exponent is not asked
    assert cells["pow-value-2-to-3"].status == cells["rpow-2-to-3"].status == "UNSUPPORTED"
    assert cells["pow-2-to-minus-1"].status == "EXACT"
    # the nn rows are lecture: its MLP (relu-linear) passes
    assert cells["mlp-lecture-relu-linear"].status in ("EXACT", CLOSE)


def test_micrograd_fails_all_levels_with_its_known_findings(micrograd):
    assert not micrograd.ok()
    assert micrograd.levels == LEVELS
    by_level = lines(micrograd)
    assert not by_level[EDGES].ok and not by_level[SCALE].ok
    assert by_level[NUMBERS].ok
    found = {d.bug.key for d in micrograd.diagnoses}
    # a recursive sort (RecursionError past ~1,000 nodes), division as b**-1
    # (1 ulp where the value is not ordinary), its slope -a/b**2 overflowing
    assert {"recursion", "div-pow", "div-square"} <= found
    cells = micrograd.cells_of("micrograd 0.1.0")
    assert cells["found-f1f7ee5216fe"].status == FAIL
    assert cells["div-edge-1e200-1e200"].status == FAIL
    assert cells["reuse-add-same-node-1000"].status == "ERROR"
    assert micrograd.probes["micrograd 0.1.0"]["depth-chain"].status == "fail"


def test_the_lecture_port_passes_the_lecture_level_on_every_runtime_kind():
    runtimes = [r for r in ("lua51", "lua54", "luajit20") if r in available_runtimes()]
    result, _ = check_port(LECTURE_PORT, NOT_DEEP, runtimes=runtimes,
                           settings=CheckSettings(probes=()))
    assert lines(result)[LECTURE].ok and replace(result, levels=(LECTURE,)).ok()
    assert not result.ok()
    for runtime in runtimes:
        cells = result.cells_of(runtime)
        # tanh through exp and 1 - t**2 on ordinary values; its MLP too
        assert cells["tanh-at-3"].status == CLOSE and cells["tanh-at-3"].max_ulps == 26
        assert cells["mlp-lecture-tanh-tanh"].status in ("EXACT", CLOSE)
        assert cells["nn-lecture-mlp-loss"].status == CLOSE
        # where the lecture's formulas end: saturation, overflow, cancellation
        for name in ("tanh-at-7", "tanh-at-10", "tanh-edge-400", "tanh-edge-1em10",
                     "div-edge-1e200-1e200"):
            assert cells[name].status == FAIL and level_of(result_tags(result, name)) == EDGES
    assert {d.bug.key for d in result.diagnoses} >= {"tanh-exp", "div-pow", "div-square"}


def result_tags(result, name):
    return next(f.tags for f in result.fixtures if f.name == name)


def test_a_gradient_bug_fails_at_the_lecture_level(tmp_path, capsys):
    # gradients assigned instead of accumulated: the lecture's reuse example
    code, out, _ = harness(capsys, "check", REPO / "tests" / "ports" / "assigned" / "port.toml",
                           "--level", "lecture", "--tags", "lecture", "--runtimes", "lua54",
                           "--probes", "none", "--report-dir", tmp_path)
    assert (code, out[-1]) == (1, "18 passed, 16 failed (counted: level lecture)")
    assert any(line.startswith("lecture-reuse-a-plus-a[lua54] FAIL: node a") for line in out)
    # the lecture port with tanh's derivative written 1 - t (no square): the
    # lecture class excuses the rounding of t**2, never a wrong formula
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(LECTURE_PORT.read_text().replace(
        "[ops]", "[ops]\ntanh = 'wrong_tanh(v)'").replace(
        'setup = \'Value = require("value"); MLP = require("nn")\'',
        'root = "' + str(LECTURE_PORT.parent) + '"\nsetup = \'\'\'\nValue = require("value")\n'
        "function wrong_tanh(v)\n  local out = v:tanh()\n  local t = out.data\n"
        "  out.backward_step = function() v.grad = v.grad + (1 - t) * out.grad end\n"
        "  return out\nend\n'''"))
    code, out, _ = harness(capsys, "check", wrong, "--level", "lecture", "--fixtures",
                           "tanh-at-0p5,lecture-neuron-tanh", "--runtimes", "lua54",
                           "--probes", "none", "--report-dir", tmp_path / "wrong")
    assert code == 1 and out[-1] == "0 passed, 2 failed (counted: level lecture)"


def test_the_level_lines_of_every_report_and_the_exit_code(tmp_path, capsys):
    pytest.importorskip("micrograd", reason="micrograd 0.1.0 is not installed")
    argv = ["check", MICROGRAD, "--fixtures", "div-3-10,pow-value-2-to-3,div-edge-1e200-1e200",
            "--probes", "none", "--report-dir", tmp_path]
    code, out, _ = harness(capsys, *argv, "--level", "lecture")
    assert code == 0
    assert out[-1] == "1 passed, 0 failed, 1 unsupported (counted: level lecture)"
    assert "  lecture  1 passed, 0 failed, 1 unsupported" in out
    assert "  edges    0 passed, 1 failed  (shown, not counted)" in out
    assert any(line.startswith("div-edge-1e200-1e200[micrograd 0.1.0] FAIL (level edges: not "
                               "counted): ") for line in out)
    summary = json.loads((tmp_path / "check.json").read_text())["summary"]
    assert summary["counted_levels"] == ["lecture"] and summary["ok"] is True
    assert summary["levels"]["edges"] == {
        "passed": 0, "failed": 1, "skipped": 0, "unsupported": 0, "convention": 0,
        "not run": 0, "line": "0 passed, 1 failed", "counted": False}
    assert "- level **edges** (IEEE overflow, subnormals, inf, nan, signed zero, saturation): " \
           "0 passed, 1 failed (shown, not counted)" in (tmp_path / "check.md").read_text()
    html = (tmp_path / "check.html").read_text()
    assert '<li class="not-counted">level <strong>edges</strong>' in html
    # every level (the default, or all): the edge counts
    code, out, _ = harness(capsys, *argv)
    assert code == 1 and out[-1] == "1 passed, 1 failed, 1 unsupported"
    code, out, _ = harness(capsys, *argv, "--level", "lecture,all")
    assert code == 1 and out[-1] == "1 passed, 1 failed, 1 unsupported"


def test_an_unknown_level_is_one_line_and_exit_2(capsys):
    code, out, err = harness(capsys, "check", LECTURE_PORT, "--level", "lectures")
    assert code == 2 and not out
    assert err.strip().splitlines() == [
        "mglab check: argument --level: unknown level lectures; choose from "
        "lecture, edges, scale, numbers, all"]


def test_runs_that_differ_within_the_budget_are_the_lectures_own_set_of_children():
    # micrograd keeps a node's children in a set, so the order a gradient's
    # contributions are added in changes from process to process: on the
    # lecture level a run within the port's budget may differ from another
    import math
    from micrograd_lab.harness.engines.budgets import lua_port_budget
    from micrograd_lab.harness.engines.registry import ENGINES
    from micrograd_lab.harness.interpret import interpret
    from micrograd_lab.harness.probes import lecture_allows
    from shared_corpus import BY_NAME
    fixture = BY_NAME["micrograd-readme-example"]
    reference = interpret(fixture.program)
    data, grad = reference["a"]

    def nudged(ulps):
        other = dict(reference)
        other["a"] = (data, grad + ulps * math.ulp(grad))
        return other
    port = lua_port_budget("lua54")
    assert lecture_allows(port, fixture, nudged(1))
    assert not lecture_allows(port, fixture, nudged(1000))       # beyond the budget
    assert not lecture_allows(port, replace(fixture, tags=("edges",)), nudged(1))
    assert not lecture_allows(ENGINES["lua54"].budget, fixture, nudged(1))   # the lab's own


def test_the_class_summary_counts_the_chosen_levels(micrograd):
    from micrograd_lab.harness.check.outcome import PortOutcome, from_result
    outcome = from_result(replace(micrograd, levels=(LECTURE,)), "micrograd")
    assert outcome.counted_levels == [LECTURE] and outcome.ok()
    assert outcome.final_line().endswith("(counted: level lecture)")
    # the score still has every level, the edges' below their points
    assert outcome.levels()[EDGES]["score"] < outcome.levels()[EDGES]["max_score"]
    again = PortOutcome.from_json(json.loads(json.dumps(outcome.to_json())))
    assert again.ok() and again.counted_levels == [LECTURE]
    assert not from_result(micrograd, "micrograd").ok()


def test_a_class_counts_the_chosen_levels(tmp_path, capsys):
    code, out, _ = harness(capsys, "check", LECTURE_PORT,
                           REPO / "tests" / "ports" / "assigned" / "port.toml",
                           "--tags", "lecture,edges", "--runtimes", "lua54", "--probes", "none",
                           "--level", "lecture", "--jobs", "1", "--report-dir", tmp_path)
    assert (code, out[-1]) == (1, "ports: 1 passed, 1 failed")   # assigned fails the lecture
    outcomes = {o["name"]: o for o in json.loads((tmp_path / "class.json").read_text())["ports"]}
    lecture = outcomes["lecture"]
    assert lecture["ok"] and lecture["counted_levels"] == ["lecture"]
    assert lecture["line"] == "33 passed, 0 failed, 1 unsupported (counted: level lecture)"
    assert lecture["levels"]["edges"]["score"] < lecture["levels"]["edges"]["max_score"]
    # graded at the lecture level, out of its points: full marks (an instructor
    # found edges' points in a --level lecture total)
    assert (lecture["score"], lecture["max_score"]) == (60.0, 60.0)
    gradescope = json.loads((tmp_path / "ports" / "lecture" / "results.json").read_text())
    assert gradescope["score"] == 60.0
    edges = next(t for t in gradescope["tests"] if t["name"] == "level edges (not counted)")
    assert (edges["score"], edges["max_score"]) == (0.0, 0.0) and "status" not in edges
    assert f"({lecture['levels']['edges']['score']:g} of 20 points)" in edges["output"]


def test_the_engine_table_counts_what_the_final_line_counts(tmp_path, capsys):
    # a student read "16 failed" in the table of a run that exited 0 on the
    # lecture level, and conventions among its passed: the table now counts
    # the counted levels, in the final line's words (other: skipped,
    # unsupported, convention)
    runtimes = [r for r in ("lua54", "luajit21") if r in available_runtimes()]
    code, out, _ = harness(capsys, "check", LECTURE_PORT, "--runtimes", ",".join(runtimes),
                           "--probes", "none", "--level", "lecture", "--tags", "lecture,edges",
                           "--report-dir", tmp_path)
    assert code == 0
    rows = [line.split() for line in out if line.split()[:1] and line.split()[0] in runtimes]
    assert [r[0] for r in rows] == runtimes
    numbers = [[int(n) for n in r if n.isdigit()][:4] for r in rows]
    final = dict((name, int(n)) for n, name in
                 (part.split(" ", 1) for part in out[-1].split(" (counted")[0].split(", ")))
    assert sum(n[0] for n in numbers) == final["passed"]
    assert sum(n[1] for n in numbers) == final["failed"] == 0
    assert sum(n[2] for n in numbers) == final.get("not run", 0)
    assert sum(n[3] for n in numbers) == sum(v for k, v in final.items()
                                             if k not in ("passed", "failed", "not run"))
    assert any(line.strip() == "counted: level lecture" for line in out)


def test_a_diagnosis_no_counted_level_shows_says_so(tmp_path, capsys):
    # a lecture-level run that exits 0 printed its edges' diagnoses as if they failed it
    port = REPO / "tests" / "ports" / "tanh-cancels" / "port.toml"
    common = ("--fixtures", "tanh-at-7,lecture-neuron-tanh", "--runtimes", "lua54",
              "--probes", "none")
    code, out, _ = harness(capsys, "check", port, *common, "--level", "lecture",
                           "--report-dir", tmp_path / "lecture")
    [headline] = [line for line in out if line.startswith("  tanh's derivative as 1 - t*t")]
    assert code == 0 and "(lua54) (level edges: not counted): tanh-at-7" in headline
    [found] = json.loads((tmp_path / "lecture" / "check.json").read_text())["diagnoses"]
    assert (found["levels"], found["counted"]) == (["edges"], False)
    assert "near t = ±1 (level edges: not counted)\n" in \
        (tmp_path / "lecture" / "check.md").read_text()
    code, out, _ = harness(capsys, "check", port, *common, "--report-dir", tmp_path / "all")
    [headline] = [line for line in out if line.startswith("  tanh's derivative as 1 - t*t")]
    assert code == 1 and "not counted" not in headline
    # a class: in brackets in the table, worded in full in the summary and feedback
    code, out, _ = harness(capsys, "check", LECTURE_PORT, port, *common, "--level", "lecture",
                           "--jobs", "1", "--report-dir", tmp_path / "class")
    assert any("(tanh-cancels)" in line for line in out)
    assert "diagnosis: (in brackets) seen only at levels --level does not count" in out
    assert "(level edges: not counted)" in (tmp_path / "class" / "class.csv").read_text()


def test_a_probes_diagnosis_has_the_probes_level(tmp_path, capsys):
    # "probe determinism: child-order" was no row of a level: the diagnosis
    # counted under --level lecture although its probe's FAIL did not; the
    # numbers probe's (level numbers) shows it the same way
    port = REPO / "tests" / "ports" / "modules" / "port.toml"
    code, out, _ = harness(capsys, "check", port, "--probes", "numbers", "--level", "lecture",
                           "--fixtures", "lecture-d-abc", "--runtimes", "lua54",
                           "--report-dir", tmp_path)
    [headline] = [line for line in out if line.startswith("  numbers on the left unsupported")]
    assert code == 0 and "(lua54) (level numbers: not counted): probe numbers: 2 + x" in headline
    # the determinism probe's evidence names its program after a colon
    from micrograd_lab.harness.diagnoses import Evidence, diagnose
    result, _ = check_port(port, ["lecture-d-abc"], (), ["lua54"], CheckSettings(probes=()))
    result = replace(result, levels=(LECTURE,))
    [found] = diagnose(result, [Evidence("child-order", "lua54", "probe determinism: child-order",
                                         "x1", "grad is 1.0000000000000002 in one run")])
    assert (found.levels, found.counted) == ((SCALE,), False)


"""mglab check: one line and exit 2 for a bad manifest, runtime
or option; exit 0 or 1 and the final line after a run; the reports with the
diagnoses first."""
import json
import os
import re
from pathlib import Path

import pytest

from cli_run import harness

PORTS = Path(__file__).resolve().parents[1] / "ports"
REPO = Path(__file__).resolve().parents[2]
MALFORMED = Path(__file__).resolve().parent / "malformed_manifests"
CLASS = Path(__file__).resolve().parents[1] / "class"
CORRECT = str(PORTS / "correct" / "port.toml")
QUICK = ["--runtimes", "lua54", "--probes", "none"]


@pytest.mark.parametrize("argv, says", [
    (["check", str(PORTS / "nowhere.toml")], "nowhere.toml: no such file or folder"),
    (["check", str(MALFORMED / "bad_language.toml")], "bad_language.toml:3:"),
    (["check", CORRECT, "--runtimes", "lua99"], "unknown runtime lua99"),
    (["check", CORRECT, "--tags", "nosuch"], "unknown tag nosuch"),
    (["check", CORRECT, "--probes", "depth"], "unknown probe depth"),
    (["check", CORRECT, "--depth-max", "10"], "must be at least 125"),
    (["check", CORRECT, "--jobs", "0"], "must be at least 1"),
    (["check", CORRECT, "--fixtures", "lecture-*,no-such-fixture"],
     "--fixtures: no fixture matches no-such-fixture (the "),
    (["check"], "the following arguments are required: PORT"),
    (["check", str(PORTS / "js" / "port.toml"), "--runtimes", "lua54"],
     "--runtimes is for Lua ports"),
    # refused before any work: the report folder, the fixtures folder, a
    # folder without a manifest, a misspelt key, a broken accessor, a shard
    (["check", CORRECT, "--report-dir", f"{CORRECT}/reports"],
     f"--report-dir {CORRECT}/reports: cannot write there: Not a directory"),
    (["check", CORRECT, "--fixtures-dir", str(PORTS / "nowhere")], "nowhere: no such folder"),
    (["check", str(PORTS)], "ports: a folder without port.toml; its subfolders hold"),
    (["check", str(CLASS / "misspelt")],
     "port.toml:7:1: [port] runtime: unknown field, did you mean runtimes?"),
    (["check", str(CLASS / "broken-accessor"), "--runtimes", "lua54"],
     "port.toml:8:8: [port] data: the port does not start on lua54 (error): every op fails: "
     "data of a: its data is a nil, not a number"),
    (["check", str(PORTS / "nowhere-*" / "")], "the pattern matches no file or folder"),
    (["check", CORRECT, "--shard", "3/2"], "is not K/N with 1 <= K <= N"),
])
def test_bad_input_is_one_line_and_exit_2(argv, says, capsys):
    code, out, err = harness(argv, capsys)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert says in err


def test_a_passing_port_exits_0_with_the_final_line_and_reports(capsys, tmp_path):
    code, out, err = harness(["check", CORRECT, "--fixtures", "lecture-l-minus-8,relu-edge-nan",
                              "--report-dir", str(tmp_path)] + QUICK, capsys)
    assert code == 0, err
    assert out.splitlines()[-1] == "1 passed, 0 failed, 1 convention"
    report = json.loads((tmp_path / "check.json").read_text())
    assert report["diagnoses"] == [] and report["port"]["name"] == "correct"
    assert report["summary"]["convention"] == 1
    cells = {f["name"]: f["cells"]["lua54"]["vs_reference"] for f in report["fixtures"]}
    cell = cells["relu-edge-nan"]
    assert cell["status"] == "CONVENTION" and cell["message"].startswith("relu-grad-at-nan")
    for name in ("check.md", "check.html"):
        text = (tmp_path / name).read_text()
        assert text.index("Diagnosis") < text.index("Probes") < text.index("By tag")


def test_a_failing_port_exits_1_and_names_the_bug_first(capsys, tmp_path):
    code, out, _ = harness(["check", str(PORTS / "assigned" / "port.toml"), "--fixtures",
                            "lecture-reuse-a-plus-a,lecture-d-abc", "--report-dir",
                            str(tmp_path)] + QUICK, capsys)
    assert code == 1
    assert out.splitlines()[-1] == "1 passed, 1 failed"
    assert "lecture-reuse-a-plus-a[lua54] FAIL: node a" in out
    assert out.index("gradients assigned instead of accumulated") < out.index("probes")
    report = json.loads((tmp_path / "check.json").read_text())
    [diagnosis] = report["diagnoses"]
    assert diagnosis["bug"] == "assigned"
    assert diagnosis["evidence"][0] == {
        "bug": "assigned", "runtime": "lua54", "where": "lecture-reuse-a-plus-a", "node": "a",
        "detail": "assigning in add: gradient 1.0, python_ref 2.0; every gradient of the "
                  "fixture is what that backward gives", "ops": ["add"]}
    assert diagnosis["title"] == ("gradients assigned instead of accumulated: add's backward "
                                  "assigns the gradient")
    markdown = (tmp_path / "check.md").read_text()
    assert markdown.index("### gradients assigned instead of accumulated: add's backward "
                          "assigns the gradient") < markdown.index("## Probes")


def test_the_default_report_folder_is_one_per_manifest_path(capsys, tmp_path, monkeypatch):
    # two ports that share a name, one beside the caller and one elsewhere: two folders,
    # under the folder the check was called from
    import shutil
    for where in ("mine/a", "mine/b"):
        shutil.copytree(PORTS / "correct", tmp_path / where)
    monkeypatch.chdir(tmp_path / "mine")
    for manifest in ("a/port.toml", "b/port.toml", CORRECT):
        code, _, _ = harness(["check", str(manifest), "--fixtures", "lecture-d-abc"] + QUICK,
                             capsys)
        assert code == 0
    made = sorted(p.parent.name for p in (tmp_path / "mine" / "report" / "check").glob("*/check.json"))
    assert made[:2] == ["a", "b"] and len(made) == 3
    assert made[2].startswith("correct-") and ".." not in made[2]


@pytest.mark.parametrize("port, says", [
    ('language = "lua"\nruntimes = ["lua54"]\nsetup = \'Value = require("engin")\'\n',
     "[port] setup: the port does not start on lua54 (error): setup: lua54: [port] setup:1: "
     "module 'engin' is not part of the port"),
    ('language = "command"\ncommand = ["no-such-program-anywhere"]\n',
     "[port] command: the port does not start on broken (crash): cannot start "
     "no-such-program-anywhere"),
    # a long traceback on stderr: the line keeps its last line, the exception
    ('language = "command"\ncommand = ["python3", "{drivers}/python_driver.py", '
     '"no_such_module:Value", "--path", "."]\n',
     "ModuleNotFoundError: No module named 'no_such_module'"),
])
def test_a_port_that_does_not_start_is_one_line_and_exit_2(port, says, capsys, tmp_path):
    manifest = tmp_path / "port.toml"
    manifest.write_text(f'[port]\nname = "broken"\n{port}')
    code, out, err = harness(["check", str(manifest), "--tags", "lecture"], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(r"port\.toml:\d+:\d+: ", err) and says in err   # at the field


def test_make_check_from_another_folder(tmp_path):
    """make -C lab check PORT=port.toml: the manifest resolves from the caller's
    folder, the report lands there, and the harness's exit code is named."""
    import shutil
    import subprocess
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copytree(PORTS / "assigned", tmp_path / "assigned")
    done = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "check",
                           "PORT=assigned/port.toml",
                           "ARGS=--fixtures lecture-reuse-a-plus-a --probes none --runtimes lua54"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PWD": str(tmp_path)})
    assert (tmp_path / "report" / "check" / "assigned" / "check.json").is_file(), done.stdout
    assert "make check: mglab check exited 1 (1: the port has findings, 2: bad input)" \
        in done.stdout
    assert done.returncode != 0


def test_a_runtime_fault_of_luajit20_is_not_the_ports(capsys, tmp_path):
    # LuaJIT 2.0's own ^ gives nan for (-1e-300) ** 2^31 and +inf for
    # (-inf) ** (2^31 + 1): a correct port on it reads N/A with the reason,
    # and exits 0; on lua54 the same cells are EXACT
    fixtures = "found-65b02053f81d,found-69c572c06b9b,found-5e8c267b78dc"
    code, out, err = harness(["check", CORRECT, "--fixtures", fixtures, "--probes", "none",
                              "--runtimes", "luajit20,lua54", "--report-dir", str(tmp_path)],
                             capsys)
    assert code == 0, out
    report = json.loads((tmp_path / "check.json").read_text())
    assert len(report["fixtures"]) == 3
    for fixture in report["fixtures"]:
        jit20 = fixture["cells"]["luajit20"]["vs_reference"]
        assert jit20["status"] == "N/A" and "int32" in jit20["message"], fixture["name"]
        assert fixture["cells"]["lua54"]["vs_reference"]["status"] == "EXACT"


def test_the_engine_table_says_a_malformed_fixture_counts_failed(capsys, tmp_path):
    # the final line counts a malformed fixture as failed; the per-engine
    # table, which has no engine for it, says so beneath (found by a review)
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "div-1-3.toml").write_text(
        (REPO / "harness" / "fixtures" / "ops" / "div-1-3.toml").read_text())
    (fixtures / "broken.toml").write_text(
        (REPO / "tests" / "malformed" / "bare_expression.toml").read_text())
    code, out, _ = harness(["check", PORTS / "correct" / "port.toml", "--fixtures-dir", fixtures,
                            "--runtimes", "lua54", "--probes", "none", "--report-dir",
                            tmp_path / "report"], capsys)
    lines = out.splitlines()
    assert code == 1 and lines[-1].startswith("1 passed, 1 failed")
    assert "and 1 malformed fixture, failed" in [line.strip() for line in lines]


def test_the_terminal_prints_brackets_in_advice_as_written(capsys, tmp_path):
    # rich read `seen[v.data]` as markup and printed `seen`
    code, out, _ = harness(["check", str(PORTS / "visited-by-value"), "--fixtures",
                            "lecture-reuse-ab", "--runtimes", "lua54", "--probes", "none",
                            "--report-dir", str(tmp_path)], capsys)
    assert code == 1
    assert "(seen[v.data])" in out and "the node itself: seen[v]" in out


def test_the_failures_a_student_reads_first_are_counted_lecture_and_small(capsys, tmp_path):
    # the corpus's order (by first tag) put a deep chain first and the
    # two-node lecture fixture that showed the bug dozens of lines below
    code, out, _ = harness(["check", str(PORTS / "assigned"), "--level", "lecture",
                            "--fixtures", "integers-doubling-64,reuse-doubling-1000,"
                            "micrograd-sanity-check,lecture-reuse-a-plus-a",
                            "--runtimes", "lua54", "--probes", "none",
                            "--report-dir", str(tmp_path)], capsys)
    if code == 2 and "lupa has no lua54" in out:
        pytest.skip("lupa has no lua54 here")
    failing = [line.split("[")[0] for line in out.splitlines() if "[lua54] FAIL" in line]
    assert code == 1 and failing == ["lecture-reuse-a-plus-a", "micrograd-sanity-check",
                                      "reuse-doubling-1000", "integers-doubling-64"]
    table = (tmp_path / "check.md").read_text().split("## Every cell that is not EXACT")[1]
    assert [line.split(" | ")[0].strip("| ") for line in table.splitlines()
            if "| lua54 | FAIL" in line] == failing

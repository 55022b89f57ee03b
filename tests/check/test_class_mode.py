"""Class mode: the ports of tests/class/ checked as one class give the class
summary (class.json, class.csv, junit.xml read the way CI reads it, each
port's Gradescope results.json); shards merged, and a Dask LocalCluster,
give the same summary as one run."""
import csv
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_lab.harness.check.score import LEVEL_POINTS, level_counts, level_scores, total
from micrograd_lab.harness.check.targets import targets

from cli_run import harness

CLASS = Path(__file__).resolve().parents[1] / "class"
PORTS = ["correct", "assigned", "broken-accessor", "misspelt"]
QUICK = ["--runtimes", "lua54", "--probes", "none",
         "--fixtures", "lecture-reuse-a-plus-a,lecture-d-abc"]


def correct_port_in(folder):
    """The class's correct port, its manifest in folder (its root made absolute)."""
    folder.mkdir(parents=True)
    (folder / "port.toml").write_text((CLASS / "correct" / "port.toml").read_text().replace(
        'root = "../../ports/correct"', f'root = "{CLASS.parent / "ports" / "correct"}"'))


def check_class(capsys, folder, *extra, ports=PORTS):
    return harness(["check", *[str(CLASS / p) for p in ports], *QUICK,
                    "--report-dir", str(folder), *extra], capsys)


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    """The class in one run, two workers: (exit code, stdout, its folder)."""
    folder = tmp_path_factory.mktemp("class")
    capsys = _Capture()
    code, out, _ = check_class(capsys, folder, "--jobs", "2")
    return code, out, folder


class _Capture:   # capsys is function-scoped; a module fixture reads main's output itself
    def readouterr(self):
        return "", ""


def comparable(folder):
    """class.json's ports without what differs between two runs of the same
    class (times, report paths, which shard)."""
    body = json.loads((Path(folder) / "class.json").read_text())
    for port in body["ports"]:
        for key in ("seconds", "report", "shards"):
            port.pop(key)
    return body["ports"]


def test_a_class_gives_the_summary_files(one_run):
    code, _, folder = one_run
    assert code == 1   # a port failed
    rows = {r["port"]: r for r in csv.DictReader((folder / "class.csv").open())}
    assert set(rows) == set(PORTS)
    assert rows["correct"]["state"] == "checked" and rows["correct"]["score"] == "60.0"
    assert rows["assigned"]["score"] == "30.0" and rows["assigned"]["failed"] == "1"
    assert rows["assigned"]["diagnoses"] == "gradients assigned instead of accumulated"
    assert rows["broken-accessor"]["state"] == "does not start"
    assert rows["misspelt"]["state"] == "bad manifest"
    assert "did you mean runtimes?" in rows["misspelt"]["line"]
    # 0 of the levels the run has cells in, as the others are scored (it was of 100)
    for port in ("broken-accessor", "misspelt"):
        assert rows[port]["score"] == "0.0" and rows[port]["max_score"] == "60.0"
    assert (folder / "ports" / "assigned" / "check.json").is_file()


def test_the_junit_file_reads_as_ci_reads_it(one_run):
    from junitparser import Error, Failure, JUnitXml
    _, _, folder = one_run
    xml = JUnitXml.fromfile(str(folder / "junit.xml"))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == set(PORTS)
    cases = {(case.classname, case.name): case for case in suites["assigned"]}
    assert set(cases) == {("assigned.lua54", "lecture-d-abc"),
                          ("assigned.lua54", "lecture-reuse-a-plus-a")}
    assert cases[("assigned.lua54", "lecture-d-abc")].is_passed
    [failure] = cases[("assigned.lua54", "lecture-reuse-a-plus-a")].result
    assert isinstance(failure, Failure) and failure.type == "FAIL"
    assert suites["assigned"].tests == 2 and suites["assigned"].failures == 1
    [case] = list(suites["misspelt"])
    assert isinstance(case.result[0], Error) and case.result[0].type == "bad manifest"
    assert xml.tests == 6 and xml.failures == 1 and xml.errors == 2


def test_each_port_has_a_gradescope_results_file(one_run):
    _, _, folder = one_run
    for port in PORTS:
        results = json.loads((folder / "ports" / port / "results.json").read_text())
        assert set(results) >= {"score", "output", "tests", "execution_time"}
        for test in results["tests"]:
            assert set(test) >= {"name", "score", "max_score", "status", "output"}
        assert results["score"] == sum(t["score"] for t in results["tests"])
    assigned = json.loads((folder / "ports" / "assigned" / "results.json").read_text())
    assert [(t["name"], t["score"], t["max_score"]) for t in assigned["tests"]] == \
        [("level lecture", 30.0, 60.0)]
    assert assigned["output"].startswith("gradients assigned instead of accumulated (lua54): ")
    broken = json.loads((folder / "ports" / "broken-accessor" / "results.json").read_text())
    assert broken["score"] == 0 and "every op fails" in broken["output"]


def test_the_terminal_table_fits_100_columns(one_run):
    _, out, folder = one_run
    from rich.console import Console
    from micrograd_lab.harness.check.class_reports import print_summary, read_summary
    console = Console(record=True, width=100, highlight=False)
    print_summary(read_summary(folder / "class.json")[0], console)
    text = console.export_text()
    table = [line for line in text.splitlines()   # each unchecked port's whole line follows
             if not line.startswith(("broken-accessor: ", "misspelt: "))]
    assert len(table) < len(text.splitlines()) and max(map(len, table)) <= 100
    assert "assigned" in text and "30/60" in text


def test_class_shards_merged_give_the_same_summary(one_run, tmp_path, capsys):
    _, _, whole = one_run
    for k in (1, 2):
        code, _, _ = check_class(capsys, tmp_path / f"shard{k}", "--shard", f"{k}/2",
                                 "--jobs", "1")
        assert code in (0, 1)
    shard_ports = [{p["slug"] for p in json.loads((tmp_path / f"shard{k}" / "class.json")
                                                 .read_text())["ports"]} for k in (1, 2)]
    assert shard_ports[0].isdisjoint(shard_ports[1]) and \
        shard_ports[0] | shard_ports[1] == set(PORTS)
    code, out, _ = harness(["merge", str(tmp_path / "shard1"), str(tmp_path / "shard2"
                                                                     / "class.json"),
                            "--report-dir", str(tmp_path / "merged")], capsys)
    assert code == 1 and out.splitlines()[-1] == "ports: 1 passed, 3 failed"
    assert comparable(tmp_path / "merged") == comparable(whole)
    assert (tmp_path / "merged" / "junit.xml").read_text().count("<testcase") == 6


def test_corpus_shards_of_one_port_merged_give_one_run(one_run, tmp_path, capsys):
    _, _, whole = one_run
    for k in (1, 2):
        code, _, _ = harness(["check", str(CLASS / "assigned"), *QUICK, "--shard", f"{k}/2",
                              "--report-dir", str(tmp_path / f"part{k}")], capsys)
        assert code in (0, 1)
    harness(["merge", str(tmp_path / "part1"), str(tmp_path / "part2"), "--report-dir",
             str(tmp_path / "merged")], capsys)
    [merged] = comparable(tmp_path / "merged")
    [alone] = [p for p in comparable(whole) if p["slug"] == "assigned"]
    assert merged == alone


def test_one_student_checked_again_replaces_their_row(one_run, tmp_path, capsys):
    # an instructor could neither re-run one student nor finish an interrupted
    # class: merge refused a port in two summaries
    _, _, whole = one_run
    code, _, _ = harness(["check", str(CLASS / "assigned"), *QUICK, "--class",
                          "--report-dir", str(tmp_path / "again")], capsys)
    assert code == 1 and (tmp_path / "again" / "class.json").exists()
    code, _, err = harness(["merge", str(whole), str(tmp_path / "again"), "--report-dir",
                            str(tmp_path / "refused")], capsys)
    assert code == 2 and "port assigned is in two shards of a class (--replace" in err
    code, out, _ = harness(["merge", str(whole), str(tmp_path / "again"), "--replace",
                            "--report-dir", str(tmp_path / "merged")], capsys)
    assert code == 1 and out.splitlines()[-1] == "ports: 1 passed, 3 failed"
    assert comparable(tmp_path / "merged") == comparable(whole)
    # a row that was never checked (Ctrl-C) yields to the run that checks it
    summary = json.loads((whole / "class.json").read_text())
    for port in summary["ports"]:
        if port["slug"] == "assigned":
            port.update(state="interrupted", cells=[], diagnoses=[])
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "class.json").write_text(json.dumps(summary))
    code, out, _ = harness(["merge", str(tmp_path / "partial"), str(tmp_path / "again"),
                            "--report-dir", str(tmp_path / "finished")], capsys)
    assert code == 1 and comparable(tmp_path / "finished") == comparable(whole)


def test_a_corpus_shard_replaces_only_its_own_share(one_run, tmp_path, capsys):
    # an interrupted shard 1 and a finished shard 2 of one port: shard 2 took
    # the whole row's place, and half the corpus went missing unsaid (a review)
    for k in (1, 2):
        harness(["check", str(CLASS / "assigned"), *QUICK, "--shard", f"{k}/2",
                 "--report-dir", str(tmp_path / f"part{k}")], capsys)
    summary = json.loads((tmp_path / "part1" / "class.json").read_text())
    summary["ports"][0]["state"] = "interrupted"
    (tmp_path / "part1" / "class.json").write_text(json.dumps(summary))
    for extra in ([], ["--replace"]):
        harness(["merge", str(tmp_path / "part1"), str(tmp_path / "part2"), *extra,
                 "--report-dir", str(tmp_path / "merged")], capsys)
        [row] = json.loads((tmp_path / "merged" / "class.json").read_text())["ports"]
        assert row["state"] == "interrupted", (extra, row["state"], row["shards"])


def test_two_runs_ports_of_one_folder_name_get_rows_of_their_own(tmp_path, capsys):
    # two folders named frank in two runs: two "frank" rows, one report folder
    for run in ("one", "two"):
        correct_port_in(tmp_path / run / "frank")
        harness(["check", str(tmp_path / run / "frank"), *QUICK, "--class",
                 "--report-dir", str(tmp_path / f"r-{run}")], capsys)
    code, _, _ = harness(["merge", str(tmp_path / "r-one"), str(tmp_path / "r-two"),
                          "--report-dir", str(tmp_path / "merged")], capsys)
    slugs = [p["slug"] for p in json.loads((tmp_path / "merged" / "class.json")
                                           .read_text())["ports"]]
    assert code == 0 and len(set(slugs)) == 2 and all(s.startswith("frank-") for s in slugs)


def test_merge_refuses_what_is_not_a_summary(tmp_path, capsys):
    (tmp_path / "class.json").write_text('{"kind": "something else"}')
    code, out, err = harness(["merge", str(tmp_path)], capsys)
    assert code == 2 and out == "" and "not a class summary" in err


def test_a_dask_local_cluster_gives_the_same_summary(one_run, tmp_path, capsys):
    distributed = pytest.importorskip("dask.distributed",
                                      reason="class mode on Dask needs the [class] extra")
    _, _, whole = one_run
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        code, _, err = check_class(capsys, tmp_path, "--scheduler", cluster.scheduler_address)
    assert code == 1, err
    assert comparable(tmp_path) == comparable(whole)


def test_report_folders_never_collide():
    named = targets([Path("/c/alice/port.toml"), Path("/c/bob/port.toml"),
                     Path("/c/bob/rust.toml"), Path("/c/a-b/port.toml"),
                     Path("/c/a/b/port.toml")])
    slugs = [t.slug for t in named]
    assert slugs[:3] == ["alice", "bob", "bob-rust"]
    assert len(set(slugs)) == 5 and all(s.startswith("a-b-") for s in slugs[3:])


def test_the_score_counts_judged_cells_per_level():
    cells = [(("lecture",), "EXACT"), (("lecture",), "FAIL"), (("lecture",), "UNSUPPORTED"),
             (("edges",), "CONVENTION"), (("deep",), "NOT RUN"), (("integers",), "N/A")]
    levels = level_scores(level_counts(cells))
    assert levels == {
        "lecture": {"passed": 1, "judged": 2, "score": 30.0, "max_score": 60.0},
        "edges": {"passed": 1, "judged": 1, "score": 20.0, "max_score": 20.0},
        "scale": {"passed": 0, "judged": 1, "score": 0.0, "max_score": 10.0}}
    assert total(levels) == (50.0, 90.0)
    assert sum(LEVEL_POINTS.values()) == 100


def test_a_diagnosis_reads_in_the_ports_own_family(tmp_path, capsys):
    # Gradescope's output and JUnit's system-out quoted the advice as a Python
    # dict, with Python's advice (sys.setrecursionlimit) for a JavaScript port
    functions = Path(__file__).resolve().parents[1] / "ports" / "functions" / "port.toml"
    code, _, _ = harness(["check", str(functions), str(CLASS / "correct"), "--runtimes", "lua54",
                          "--probes", "none", "--fixtures", "tanh-edge-400",
                          "--report-dir", str(tmp_path)], capsys)
    assert code == 1
    results = json.loads((tmp_path / "ports" / "ports-functions" / "results.json").read_text())
    assert results["output"].startswith("tanh through exp (lua54): ")
    assert "{'" not in results["output"] and "OverflowError" not in results["output"]
    assert "{'" not in (tmp_path / "junit.xml").read_text()


def test_levels_left_out_by_level_are_not_failures_in_junit_or_gradescope(tmp_path, capsys):
    # --level lecture exited 0 while junit.xml had failures='63' on edges cells
    other = Path(__file__).resolve().parents[1] / "ports" / "correct" / "port.toml"
    code, _, _ = harness(["check", str(CLASS / "correct"), str(other), "--runtimes", "lua54",
                          "--probes", "none", "--fixtures", "lecture-d-abc,div-edge-1e200-1e200",
                          "--level", "lecture", "--report-dir", str(tmp_path)], capsys)
    assert code == 0
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert (suite.get("failures"), suite.get("errors")) == ("0", "0")
    edge = suite.find(".//testcase[@name='div-edge-1e200-1e200']")
    assert edge.find("skipped").get("message").startswith("level edges: shown, not counted")
    tests = json.loads((tmp_path / "ports" / "class-correct" / "results.json").read_text())["tests"]
    by_name = {t["name"]: t for t in tests}
    assert by_name["level lecture"]["status"] == "passed"
    assert "status" not in by_name["level edges (not counted)"]


def test_the_class_counts_a_port_as_its_own_report_does(tmp_path, capsys):
    # probes are cells of a port's final line: class.csv left them out (a
    # student's report read 171 passed, the instructor's spreadsheet 167)
    harness(["check", str(CLASS / "correct"), str(CLASS / "assigned"), "--runtimes", "lua54",
             "--probes", "numbers,backward-twice", "--fixtures", "lecture-reuse-a-plus-a",
             "--report-dir", str(tmp_path)], capsys)
    rows = {row["port"]: row for row in csv.DictReader((tmp_path / "class.csv").open())}
    for port in ("correct", "assigned"):
        own = json.loads((tmp_path / "ports" / port / "check.json").read_text())["summary"]
        assert rows[port]["line"] == own["line"], port
        assert own["probes"]["passed"] + own["probes"]["failed"] >= 1


def test_the_summary_says_why_a_checked_ports_cells_were_not_run(tmp_path, capsys):
    # a port that hangs read "not run 264" and nothing more, in the terminal
    code, out, _ = harness(["check", str(CLASS / "loops"), str(CLASS / "correct"), "--runtimes",
                            "lua54", "--fixtures", "lecture-d-abc", "--probes", "none",
                            "--timeout", "0.3", "--report-dir", str(tmp_path)], capsys)
    assert code == 1
    assert ("loops: NOT RUN: lua54 stopped after 3 programs in a row ran past the time limit "
            "of 0.3 s (fail-fast)") in out.splitlines()


def test_a_globbed_folder_without_a_manifest_is_its_row_and_the_class_goes_on(tmp_path, capsys):
    # one student's misnamed Port.toml stopped the whole class with exit 2
    class_folder = tmp_path / "class"
    for port in ("correct", "assigned"):
        (class_folder / port).mkdir(parents=True)
        text = (CLASS / port / "port.toml").read_text()
        (class_folder / port / "port.toml").write_text(   # the ports' root, from here
            text.replace('root = "../../ports/', f'root = "{CLASS.parent / "ports"}/'))
    (class_folder / "dana").mkdir()
    (class_folder / "dana" / "Port.toml").write_text("[port]\n")
    code, out, _ = harness(["check", f"{class_folder}/*/", *QUICK,
                            "--report-dir", str(tmp_path / "r")], capsys)
    assert code == 1, out
    summary = json.loads((tmp_path / "r" / "class.json").read_text())
    states = {p["slug"]: p["state"] for p in summary["ports"]}
    assert states["correct"] == states["assigned"] == "checked", states
    assert states["dana"] != "checked"
    assert re.search(r"dana: bad manifest: \S*dana/port\.toml: cannot read: No such file or "
                     r"directory; the folder holds Port\.toml", out), out


def test_a_named_folder_without_a_manifest_is_still_the_instructors_mistake(tmp_path, capsys):
    (tmp_path / "dana").mkdir()
    code, _, err = harness(["check", str(tmp_path / "dana"), str(CLASS / "correct"), *QUICK,
                            "--report-dir", str(tmp_path / "r")], capsys)
    assert code == 2 and "a folder without port.toml" in err


def test_diagnoses_the_column_cuts_are_printed_whole_below_it():
    # "visited-by-value, e…" left the instructor guessing at the second bug
    from io import StringIO

    from rich.console import Console

    from micrograd_lab.harness.check.class_reports import print_summary
    from micrograd_lab.harness.check.outcome import PortOutcome

    many = PortOutcome("a/port.toml", "alice", diagnoses=[{"bug": "visited-by-value"},
                                                           {"bug": "exponent-truncated"}])
    few = PortOutcome("b/port.toml", "bob", diagnoses=[{"bug": "assigned"}])
    out = StringIO()
    print_summary([many, few], Console(file=out, width=100))
    lines = out.getvalue().splitlines()
    assert "alice: diagnoses: visited-by-value, exponent-truncated" in lines
    assert not any(line.startswith("bob: diagnoses") for line in lines)   # it fits the column


def test_a_glob_whose_folders_hold_no_manifest_is_the_instructors_mistake(tmp_path, capsys):
    # each student's ports one folder deeper, two of them: a class of "bad
    # manifest" rows, each scored 0, where the pattern was the mistake
    for student in ("alice", "bob"):
        for sub in ("first", "second"):
            (tmp_path / student / sub).mkdir(parents=True)
            (tmp_path / student / sub / "port.toml").write_text("[port]\n")
    code, _, err = harness(["check", f"{tmp_path}/*/", *QUICK,
                            "--report-dir", str(tmp_path / "r")], capsys)
    assert code == 2
    assert "alice: a folder without port.toml; its subfolders hold 2: name them with" in err
    assert not (tmp_path / "r").exists()


def test_a_students_one_manifest_a_folder_down_is_their_port(tmp_path, capsys):
    # a driver kit's manifest sits in the student's labkit/: the documented
    # glob gave those students a 0/100 "bad manifest" row
    for student in ("alice", "bob"):
        correct_port_in(tmp_path / student / "labkit")
    code, out, _ = harness(["check", f"{tmp_path}/*/", *QUICK,
                            "--report-dir", str(tmp_path / "r")], capsys)
    assert code == 0 and out.splitlines()[-1] == "ports: 2 passed, 0 failed"
    rows = {p["slug"]: p["state"] for p in json.loads((tmp_path / "r" / "class.json")
                                                      .read_text())["ports"]}
    assert rows == {"alice-labkit": "checked", "bob-labkit": "checked"}


def test_a_folders_other_toml_files_are_named_only_if_they_are_manifests(tmp_path):
    from micrograd_lab.harness.engines.manifest import ManifestError, load_manifest

    (tmp_path / "Cargo.toml").write_text("[package]\nname = 'port'\n")
    with pytest.raises(ManifestError) as raised:
        load_manifest(tmp_path / "port.toml")
    assert str(raised.value).endswith("port.toml: cannot read: No such file or directory")
    (tmp_path / "my-port.toml").write_text("[port]\nname = 'p'\n")
    with pytest.raises(ManifestError) as raised:
        load_manifest(tmp_path / "port.toml")
    assert str(raised.value).endswith("No such file or directory; the folder holds my-port.toml")
    # a FIFO named like a manifest is not read (it would block the class)
    os.mkfifo(tmp_path / "x.toml")
    with pytest.raises(ManifestError) as raised:
        load_manifest(tmp_path / "port.toml")
    assert str(raised.value).endswith("the folder holds my-port.toml")


def test_the_hint_comes_from_the_folder_whose_subfolders_hold_manifests(tmp_path, capsys):
    # a stray notes.toml beside the folders, and an empty folder first
    (tmp_path / "aaa").mkdir()
    for sub in ("first", "second"):
        (tmp_path / "bob" / sub).mkdir(parents=True)
        (tmp_path / "bob" / sub / "port.toml").write_text("[port]\n")
    (tmp_path / "notes.toml").write_text("x = 1\n")
    code, _, err = harness(["check", f"{tmp_path}/*", *QUICK], capsys)
    assert code == 2 and "bob: a folder without port.toml; its subfolders hold 2" in err

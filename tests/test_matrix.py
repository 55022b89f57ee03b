"""mglab parity end to end, on a small corpus of its own."""
import json
import re

import pytest

from micrograd_lab.harness.__main__ import main

GOOD = {
    "lecture/l.toml": '''name = "t-lecture-l"
source = "test"
description = "d = a*b + c, L = d*f"
tags = ["lecture"]
output = "L"
program = \'\'\'
e = a * b
d = e + c
L = d * f
\'\'\'

[inputs]
a = 2.0
b = -3.0
c = 10.0
f = -2.0

[expected.data]
L = -8.0
[expected.grad]
a = 6.0
''',
    "ops/tanh.toml": '''name = "t-ops-tanh"
source = "test"
description = "tanh and relu"
tags = ["ops"]
output = "z"
program = \'\'\'
y = x.tanh()
z = y.relu() * 3
\'\'\'

[inputs]
x = 0.5
''',
    "ops/kink.toml": '''name = "t-ops-kink"
source = "test"
description = "relu at its kink: finite differences do not apply"
tags = ["ops", "edges"]
output = "y"
program = \'\'\'
y = x.relu()
\'\'\'

[inputs]
x = 0.0
''',
}
WRONG_EXPECTED = '''name = "t-wrong-expected"
source = "test"
description = "an expected value one ulp off"
tags = ["ops"]
output = "y"
program = \'\'\'
y = x * 3
\'\'\'

[inputs]
x = 0.1

[expected.data]
y = 0.3
'''
MALFORMED = '''name = "t-malformed"
source = "test"
description = "calls an unknown method"
tags = ["ops"]
output = "y"
program = \'\'\'
y = x.sqrt()
\'\'\'

[inputs]
x = 2.0
'''
BACKENDS = "lua51,lua54,torch,fd"
FINAL = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$")


def corpus(tmp_path, extra=None):
    root = tmp_path / "fixtures"
    for rel, text in {**GOOD, **(extra or {})}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def run(capsys, root, report, *flags):
    code = main(["parity", "--fixtures-dir", str(root), "--report-dir", str(report),
                 "--backends", BACKENDS, "--jobs", "1", *flags])
    out = capsys.readouterr()
    return code, out.out, out.err


def final(out):
    line = out.strip().splitlines()[-1]
    match = FINAL.match(line)
    assert match, f"last line is not the summary: {line!r}"
    return tuple(int(g or 0) for g in match.groups())


def test_clean_corpus_passes_with_final_line_and_reports(tmp_path, capsys):
    code, out, _ = run(capsys, corpus(tmp_path), tmp_path / "r")
    passed, failed, skipped = final(out)
    assert code == 0 and failed == 0
    # 3 fixtures x 5 columns (expected + 4 backends); N/A: fd at the kink, the
    # expected column of the two fixtures without expected values
    assert (passed, skipped) == (12, 3)
    for name in ("parity.json", "parity.md", "parity.html", "parity-timings.json"):
        assert (tmp_path / "r" / name).stat().st_size > 0
    data = json.loads((tmp_path / "r" / "parity.json").read_text())
    cell = next(f for f in data["fixtures"] if f["name"] == "t-lecture-l")["cells"]["lua51"]
    assert cell["vs_reference"]["status"] == "EXACT" and cell["vs_torch"]["status"] == "EXACT"
    assert data["summary"]["line"] == out.strip().splitlines()[-1]


def test_json_is_byte_identical_across_runs_and_job_counts(tmp_path, capsys):
    root = corpus(tmp_path)
    run(capsys, root, tmp_path / "a")
    code = main(["parity", "--fixtures-dir", str(root), "--report-dir", str(tmp_path / "b"),
                 "--backends", BACKENDS, "--jobs", "2"])
    capsys.readouterr()
    assert code == 0
    first = (tmp_path / "a" / "parity.json").read_bytes()
    assert first == (tmp_path / "b" / "parity.json").read_bytes()
    assert b"seconds" not in first


def test_html_is_self_contained(tmp_path, capsys):
    run(capsys, corpus(tmp_path, {"ops/wrong.toml": WRONG_EXPECTED}), tmp_path / "r")
    html = (tmp_path / "r" / "parity.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    for external in ("http://", "https://", "src=", "<link", "<script", "@import", "url("):
        assert external not in html
    assert 'class="FAIL"' in html and "expected 0.3, got 0.30000000000000004" in html


def test_wrong_expected_value_fails_with_node_and_exit_1(tmp_path, capsys):
    code, out, _ = run(capsys, corpus(tmp_path, {"ops/wrong.toml": WRONG_EXPECTED}),
                       tmp_path / "r")
    assert code == 1 and final(out)[1] == 1
    assert "t-wrong-expected[expected] FAIL" in out and "node y" in out


def test_malformed_fixture_is_one_line_counted_failed_and_the_rest_run(tmp_path, capsys):
    code, out, _ = run(capsys, corpus(tmp_path, {"ops/bad.toml": MALFORMED}), tmp_path / "r")
    passed, failed, _ = final(out)
    assert code == 1 and failed == 1 and passed == 12
    lines = [line for line in out.splitlines() if "bad.toml" in line]
    assert len(lines) == 1 and "sqrt" in lines[0]
    assert json.loads((tmp_path / "r" / "parity.json").read_text())["malformed"] == \
        [lines[0].strip()]


@pytest.mark.parametrize("flags, names", [
    (["--fixtures", "t-lecture-*"], {"t-lecture-l"}),
    (["--fixtures", "t-ops-kink,t-lecture-l"], {"t-ops-kink", "t-lecture-l"}),
    (["--tags", "edges"], {"t-ops-kink"}),
    (["--tags", "ops", "--fixtures", "*tanh"], {"t-ops-tanh"}),
])
def test_filters_select_fixtures(tmp_path, capsys, flags, names):
    code, out, _ = run(capsys, corpus(tmp_path), tmp_path / "r", *flags)
    data = json.loads((tmp_path / "r" / "parity.json").read_text())
    assert code == 0 and {f["name"] for f in data["fixtures"]} == names


def test_backends_filter_picks_columns(tmp_path, capsys):
    root = corpus(tmp_path)
    code = main(["parity", "--fixtures-dir", str(root), "--report-dir", str(tmp_path / "r"),
                 "--backends", "luajit21", "--jobs", "1", "--full"])
    out = capsys.readouterr().out
    data = json.loads((tmp_path / "r" / "parity.json").read_text())
    assert code == 0 and data["columns"] == ["expected", "luajit21"]
    assert "t-ops-tanh" in out   # --full: one row per fixture


@pytest.mark.parametrize("flags, message", [
    (["--backends", "lua99"], "unknown backend lua99"),
    (["--tags", "nosuchtag"], "unknown tag nosuchtag"),
    (["--jobs", "0"], "must be at least 1"),
    (["--no-such-flag"], "unrecognized arguments"),
])
def test_bad_flags_exit_2(capsys, flags, message):
    with pytest.raises(SystemExit) as exc:
        main(["parity", *flags])
    assert exc.value.code == 2 and message in capsys.readouterr().err


def test_a_fixture_name_no_fixture_has_is_named_and_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, corpus(tmp_path), tmp_path / "r", "--fixtures", "nothing-*")
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--fixtures: no fixture matches nothing-* (the " in err
    # one typo among good names is named too, not silently dropped
    code, _, err = run(capsys, corpus(tmp_path), tmp_path / "r", "--fixtures", "*,typo")
    assert code == 2 and "no fixture matches typo (" in err and "*," not in err


def test_a_named_fixture_that_cannot_be_read_shows_its_error_not_a_typo(tmp_path, capsys):
    root = corpus(tmp_path, {"broken.toml": 'name = "broken-one"\ntags = [\n'})
    code, out, err = run(capsys, root, tmp_path / "r", "--fixtures", "broken-one")
    assert code == 1 and "no fixture matches" not in err
    assert "broken.toml: TOML syntax error" in out + err


def test_names_and_tags_that_select_nothing_together_exit_1(tmp_path, capsys):
    code, _, err = run(capsys, corpus(tmp_path), tmp_path / "r", "--fixtures", "*",
                       "--tags", "integers")
    assert code == 1 and "no fixture matches the filters" in err


def test_help_explains_every_flag(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["parity", "--help"])
    text = capsys.readouterr().out
    assert exc.value.code == 0
    for flag in ("--fixtures", "--tags", "--backends", "--jobs", "--full", "--report-dir"):
        assert flag in text
    assert "EXACT" in text and "ulp" in text


def test_default_columns_leave_out_missing_lua_runtimes(tmp_path, capsys, monkeypatch):
    from micrograd_lab import lua_port
    monkeypatch.setattr(lua_port, "available_runtimes", lambda: ("lua54",))
    code = main(["parity", "--fixtures-dir", str(corpus(tmp_path)), "--report-dir",
                 str(tmp_path / "r"), "--jobs", "1", "--fixtures", "t-lecture-l"])
    err = capsys.readouterr().err
    data = json.loads((tmp_path / "r" / "parity.json").read_text())
    assert code == 0 and data["columns"] == ["expected", "lua54", "torch", "fd"]
    assert "lua51: not available, left out" in err


def test_the_terminal_report_fits_100_columns_without_breaking_a_word(tmp_path):
    """Twelve columns used to fold cells into 'EX/AC/T' below 200 columns."""
    from rich.console import Console

    from micrograd_lab.harness.engines.registry import ENGINES, MATRIX_ENGINES
    from micrograd_lab.harness.fixture import load_corpus
    from micrograd_lab.harness.reports.terminal import print_report
    from micrograd_lab.harness.run import run
    fixtures, _ = load_corpus(names=["lecture-l-minus-8", "tanh-at-0p5", "relu-edge-nan"])
    result = run(fixtures, [ENGINES[n] for n in MATRIX_ENGINES], expected=True, vs_torch=True,
                 jobs=1)
    console = Console(width=100, record=True, highlight=False)
    print_report(result, full=False, console=console)
    lines = console.export_text().splitlines()
    assert lines and max(len(line) for line in lines) <= 100
    words = {w for line in lines for w in line.replace("│", " ").split()}
    assert {"EXACT", "luajit21-interp"} <= words
    assert not {w for w in words if w in ("EX", "AC", "EXAC", "XACT")}

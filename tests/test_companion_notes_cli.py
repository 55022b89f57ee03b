"""mglab notes: tables on the terminal, plots/walkthrough.md, a
non-zero exit when a claim fails, and options that change what is trained
without failing claims that need the defaults."""
import argparse

from micrograd_lab.harness.companion import engines, lecture, notes_cli
from micrograd_lab.harness.companion.expect import Exactly
from micrograd_lab.harness.companion.walkthrough import Claim, Section, node


def _args(tmp_path, *argv):
    parser = argparse.ArgumentParser()
    notes_cli.add_arguments(parser)
    return parser.parse_args(["--markdown", str(tmp_path / "walkthrough.md"), *argv])


def test_a_short_moons_run_passes_and_says_what_it_did_not_check(tmp_path, capsys):
    code = notes_cli.main(_args(tmp_path, "--engines", "python_ref", "--moons-steps", "5"))
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.strip().splitlines()[-1].endswith("0 failed")
    text = (tmp_path / "walkthrough.md").read_text()
    assert "## 1. The derivative of a simple function" in text and "![" in text
    assert "**Not checked.** The loss below 0.05" in text and "--moons-steps 5" in text
    assert "loss at step 5" not in text and "FAILED" not in text
    assert "](fixture_" in text  # the sweeps are linked too


def test_a_failed_claim_is_printed_and_exits_non_zero(tmp_path, capsys, monkeypatch):
    wrong = Section("wrong on purpose", "L is -8, not 8.",
                    (Claim("L", node(lecture.L_program(), "L"), Exactly(8.0)),))
    monkeypatch.setattr(notes_cli, "sections", lambda moons_steps: [wrong])
    code = notes_cli.main(_args(tmp_path, "--engines", engines.REFERENCE))
    out = capsys.readouterr().out
    assert code == 1
    assert "✗ FAILED python_ref" in out
    assert out.strip().splitlines()[-1] == "0 claims checked, 1 failed"
    text = (tmp_path / "walkthrough.md").read_text()
    assert "| L | = 8 | -8 | ✗ FAILED python_ref |" in text
    assert text.strip().endswith("0 of 1 claims checked, 1 failed.")


def test_an_unknown_engine_is_one_clear_line(tmp_path, capsys):
    code = notes_cli.main(_args(tmp_path, "--engines", "python_ref", "lua99"))
    out = capsys.readouterr().out
    assert code == 2
    assert out.startswith("notes: --engines: lua99 not available here")
    assert not (tmp_path / "walkthrough.md").exists()


def test_a_step_count_below_one_is_one_clear_line(tmp_path, capsys):
    code = notes_cli.main(_args(tmp_path, "--moons-steps", "0"))
    assert code == 2
    assert capsys.readouterr().out == "notes: --moons-steps: 0 is not a number of steps (at least 1)\n"
    assert not (tmp_path / "walkthrough.md").exists()

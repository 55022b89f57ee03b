"""python -m harness notes: tables on the terminal, plots/walkthrough.md, and
a non-zero exit when a claim fails."""
import argparse

from harness.companion import notes_cli


def _args(tmp_path, *argv):
    parser = argparse.ArgumentParser()
    notes_cli.add_arguments(parser)
    return parser.parse_args(["--markdown", str(tmp_path / "walkthrough.md"), *argv])


def test_a_failed_claim_is_printed_and_exits_non_zero(tmp_path, capsys):
    # 3 moons steps cannot reach the demo's loss and accuracy: those claims fail
    code = notes_cli.main(_args(tmp_path, "--engines", "python_ref", "--moons-steps", "3"))
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED" in out and "checked" in out
    assert out.strip().splitlines()[-1].endswith("2 failed")
    text = (tmp_path / "walkthrough.md").read_text()
    assert "## 1. f(x) = 3x**2 - 4x + 5" in text and "![" in text
    assert "| loss after 3 steps | < 0.05 |" in text and "FAILED" in text
    assert "](fixture_" in text  # the sweeps are linked too


def test_an_unknown_engine_is_one_clear_line(tmp_path, capsys):
    code = notes_cli.main(_args(tmp_path, "--engines", "python_ref", "lua99"))
    out = capsys.readouterr().out
    assert code == 2
    assert out.startswith("notes: --engines: lua99 not available here")
    assert not (tmp_path / "walkthrough.md").exists()

"""The files `make plots notes` writes are the same on any machine: torch's
CPU kernels (ATEN_CPU_CAPABILITY) change torch's last bits, and nothing the
companion writes shows them.  The quick part of make same-bytes: what
torch's numbers reach, written here and in a fresh process under the
default kernels, byte for byte."""
import pytest
import torch

from micrograd_lab.harness.companion import same_bytes

# One pytest-xdist worker runs this file with the other companion tests: the
# trained networks (trained() keeps them per process) are trained once.
pytestmark = pytest.mark.xdist_group("trained-networks")

# the kernels measured to give torch other tanh bits than the default ones
VECTOR_KERNELS = ("AVX2", "AVX512")


def test_torch_kernels_change_its_bits_but_not_the_files(tmp_path):
    here, default = tmp_path / "here", tmp_path / "default"
    same_bytes.quick(here)
    done = same_bytes.run(["-m", "micrograd_lab.harness.companion.same_bytes", "--quick", str(default)],
                          "default", capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in here.iterdir()) == [
        same_bytes.RAW, "sections.md", "training_lecture_loss.png"]
    assert "≈" in (here / "sections.md").read_text()  # torch's numbers are there, rounded
    assert same_bytes.differing(default, here) == []
    if torch.backends.cpu.get_cpu_capability() in VECTOR_KERNELS:
        raw = [(d / same_bytes.RAW).read_text() for d in (here, default)]
        assert raw[0] != raw[1]  # the kernels differ in torch's bits: the check is not vacuous


def test_a_file_that_differs_is_named(tmp_path):
    kept, made = tmp_path / "kept", tmp_path / "made"
    kept.mkdir(), made.mkdir()
    for folder, last in ((kept, b"1"), (made, b"2")):
        (folder / "same.png").write_bytes(b"png")
        (folder / "other.md").write_bytes(b"text " + last)
        (folder / same_bytes.UNTRACKED[0]).write_bytes(last)  # not kept in git: not compared
    (made / "new.svg").write_bytes(b"svg")
    assert same_bytes.differing(made, kept) == ["new.svg", "other.md"]


def test_the_long_run_says_what_it_is_doing_before_each_capability(monkeypatch, capsys):
    # make same-bytes was silent for minutes per capability
    def render_all(outdir, capability):
        print(f"rendering {capability}")   # stands for minutes of plots and notes
        (outdir / "walkthrough.md").write_bytes((same_bytes.PLOTS_DIR / "walkthrough.md").read_bytes())
    monkeypatch.setattr(same_bytes, "render_all", render_all)
    assert same_bytes.main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    n = len(same_bytes.CAPABILITIES)
    for i, capability in enumerate(same_bytes.CAPABILITIES):
        assert lines[3 * i].startswith(f"[{i + 1}/{n}] ATEN_CPU_CAPABILITY={capability}: make plots")
        assert lines[3 * i + 1] == f"rendering {capability}"
        assert lines[3 * i + 2] == f"ATEN_CPU_CAPABILITY={capability}: every file the same as in plots/"

"""python -m micrograd_lab.harness.companion.same_bytes (make same-bytes): are the files
`make plots notes` writes into plots/ the same on any machine?

torch picks its CPU kernels when it starts (ATEN_CPU_CAPABILITY: default,
avx2, avx512 on x86), and their tanh and exp differ in the last bits.  This
draws every figure and writes the notes once per capability, each in a fresh
process and a folder of its own, and compares every file with the one git
keeps in plots/.  Exit 1, naming each file that differs.

--quick OUT writes the part of the output that torch's numbers reach (the
torch sections of the notes, the lecture's loss figure) into OUT, and
torch's raw losses beside it (raw.txt, not a tracked file): the test runs
it under two capabilities and checks the raw numbers differ and the files
do not.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .paths import PLOTS_DIR

CAPABILITIES = ("default", "avx2", "avx512")
# What `make plots` writes but git does not keep: the heatmap draws this
# machine's parity report, torch's column and all (see .gitignore).
UNTRACKED = ("parity_heatmap.png", "parity_heatmap_fixtures.png")
RAW = "raw.txt"


def run(argv, capability, **kwargs):
    env = dict(os.environ, ATEN_CPU_CAPABILITY=capability)
    return subprocess.run([sys.executable, *argv], env=env, **kwargs)


def render_all(outdir, capability):
    """make plots and make notes into outdir, under one torch capability."""
    for argv in (["-m", "micrograd_lab.harness", "plots", "--out", str(outdir)],
                 ["-m", "micrograd_lab.harness", "notes", "--markdown", str(outdir / "walkthrough.md")]):
        done = run(argv, capability, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(argv)} (ATEN_CPU_CAPABILITY={capability}) exited "
                               f"{done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def differing(outdir, reference_dir=PLOTS_DIR):
    """Files in outdir that reference_dir keeps with other bytes (or lacks)."""
    out = []
    for path in sorted(outdir.iterdir()):
        if path.name in UNTRACKED or path.name == RAW:
            continue
        kept = reference_dir / path.name
        if not kept.exists() or kept.read_bytes() != path.read_bytes():
            out.append(path.name)
    return out


def quick(outdir):
    """What torch's numbers reach, written into outdir (see the module doc)."""
    from micrograd_lab.harness.training.task import lecture_task

    from . import engines
    from .figures import training as training_figures
    from .report import section_markdown
    from .training import trained
    from .walkthrough import run_section, sections

    outdir.mkdir(parents=True, exist_ok=True)
    quick_engines = (engines.REFERENCE, engines.TORCH)
    task = lecture_task()
    training_figures.loss_figure(task, quick_engines, outdir / training_figures.FILES[0])
    text = []
    for number, section in enumerate(sections(), 1):
        if section.with_torch and "moons" not in section.title:
            text += section_markdown(number, section, run_section(section, quick_engines),
                                     quick_engines)
    (outdir / "sections.md").write_text("\n".join(text) + "\n")
    (outdir / RAW).write_text(repr(trained(task, engines.TORCH).losses) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m micrograd_lab.harness.companion.same_bytes",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--quick", type=Path, metavar="OUT",
                        help="write only what torch's numbers reach into OUT")
    args = parser.parse_args(argv)
    if args.quick:
        quick(args.quick)
        return 0
    failed = False
    for n, capability in enumerate(CAPABILITIES, 1):
        # each capability is minutes of work: say what runs (it was silent)
        print(f"[{n}/{len(CAPABILITIES)}] ATEN_CPU_CAPABILITY={capability}: make plots and make "
              "notes, in a fresh process ...", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            render_all(Path(tmp), capability)
            changed = differing(Path(tmp))
        print(f"ATEN_CPU_CAPABILITY={capability}: "
              + (f"{len(changed)} file(s) differ from plots/: {', '.join(changed)}"
                 if changed else "every file the same as in plots/"))
        failed |= bool(changed)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

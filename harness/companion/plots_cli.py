"""mglab plots: draw every figure into plots/ (make plots)."""
import sys
import time
from pathlib import Path

from .figures import FIGURES, figure_module
from .paths import PLOTS_DIR


def add_arguments(parser):
    parser.add_argument("--out", type=Path, default=PLOTS_DIR,
                        help="folder to write into (default: plots/)")
    parser.add_argument("--only", nargs="+", choices=FIGURES, metavar="FIGURE",
                        help=f"draw only these: {', '.join(FIGURES)}")


def _shown(path):
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(args):
    failures = 0
    for name in args.only or FIGURES:
        start = time.perf_counter()
        try:
            written = figure_module(name).draw(args.out)
        except Exception as exc:  # one figure failing must not hide the others
            print(f"{name}: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            failures += 1
            continue
        print(f"{name}: {len(written)} file(s) in {time.perf_counter() - start:.1f} s")
        for path in written:
            print(f"  {_shown(path)}")
    return 1 if failures else 0

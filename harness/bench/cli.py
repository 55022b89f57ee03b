"""mglab bench: speed and memory side by side with micrograd 0.1.0.

Writes bench.json, RESULTS.md and bench_time_per_node.png into --out; a full
run (not --quick, every part) also refreshes plots/bench_time_per_node.png
and harness/bench/RESULTS.md, the copies docs/bench.md quotes.
"""
import json
import shlex
import sys
from dataclasses import fields
from pathlib import Path

from . import graphs, machine, matrix, report, results, targets, training

PARTS = ("training", "graphs", "matrix")
FULL_SIZES = (1_000, 10_000, 100_000, 1_000_000)
QUICK_SIZES = (200, 2_000)
QUICK_POINTS = 20        # moons points in the --quick training step
REPO_ROOT = Path(__file__).resolve().parents[2]
PLOT_NAME = "bench_time_per_node.png"


def add_arguments(parser):
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (20 moons points, graphs of 200 and 2,000 nodes, no deep "
                             "fixtures), 1 repetition, no `make parity` run (the smoke test; "
                             "its targets read 'not judged (quick)')")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts to run (default: {','.join(PARTS)})")
    parser.add_argument("--repeat", type=int, default=None,
                        help="repetitions of each measurement, median reported (default 3, 1 with --quick)")
    parser.add_argument("--out", type=Path, default=Path("report/bench"),
                        help="directory for bench.json, RESULTS.md and the plot (default report/bench/)")
    parser.add_argument("--runtimes", default=None,
                        help="comma-separated Lua runtimes (default: every one lupa loads)")
    parser.add_argument("--render", type=Path, default=None, metavar="BENCH_JSON",
                        help="measure nothing: redraw the tables, plot and RESULTS.md of a saved bench.json")


def _parse_parts(text):
    parts = [p.strip() for p in text.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        return None, f"--only: unknown part {', '.join(unknown) or '(none)'}; choose from {', '.join(PARTS)}"
    return parts, None


def main(args):
    if args.render is not None:
        return render(args.render, args.out)
    parts, problem = _parse_parts(args.only)
    if problem is None and args.repeat is not None and args.repeat < 1:
        problem = f"--repeat: must be at least 1, got {args.repeat}"
    if problem:
        print(f"harness bench: {problem}", file=sys.stderr)
        return 2
    repeat = args.repeat or (1 if args.quick else 3)
    runtimes = None if args.runtimes is None else [r for r in args.runtimes.split(",") if r]
    sizes = QUICK_SIZES if args.quick else FULL_SIZES

    out = {"command": "mglab bench " + shlex.join(sys.argv[2:] if sys.argv[1:2] == ["bench"] else []),
           "options": {"quick": args.quick, "only": parts, "repeat": repeat, "sizes": list(sizes),
                       "points": QUICK_POINTS if args.quick else 100, "runtimes": runtimes},
           "machine": machine.describe()}
    if "training" in parts:
        print("training step ...", file=sys.stderr)
        out["training"] = results.training_part(
            training.run(repeat=repeat, steps=1 if args.quick else 5, runtimes=runtimes,
                         n_points=out["options"]["points"]))
    if "graphs" in parts:
        print("graphs ...", file=sys.stderr)
        out["graphs"] = results.graphs_part(graphs.run(sizes, repeat=repeat, runtimes=runtimes))
    if "matrix" in parts:
        print("parity matrix ...", file=sys.stderr)
        backend_rows, parity = matrix.run(repeat=repeat, parity=not args.quick,
                                          skip_tags=("deep",) if args.quick else ())
        out["matrix"] = results.matrix_part(backend_rows, parity)
    full_run = not args.quick and parts == list(PARTS) and runtimes is None
    return write_outputs(out, args.out, full_run)


def write_outputs(out, out_dir, full_run):
    """bench.json, RESULTS.md and the plot into out_dir (and, for a full run,
    the copies docs/bench.md quotes), then the tables on the terminal."""
    out["targets"] = targets.judge(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    report.write_json(out, out_dir / "bench.json")
    (out_dir / "RESULTS.md").write_text(report.markdown(out))
    if "graphs" in out:
        report.plot_time_per_node(out["graphs"], out_dir / PLOT_NAME)
        if full_run:
            report.plot_time_per_node(out["graphs"], REPO_ROOT / "plots" / PLOT_NAME)
    if full_run:
        (REPO_ROOT / "harness" / "bench" / "RESULTS.md").write_text(report.markdown(out))
    report.print_tables(out)
    print(f"wrote {out_dir / 'bench.json'}")
    return 0


def render(path, out_dir):
    """Redraw a saved run (fits and targets recomputed from its rows)."""
    try:
        out = json.loads(path.read_text())
        if "graphs" in out:
            names = [f.name for f in fields(graphs.Row)]
            out["graphs"] = results.graphs_part(
                [graphs.Row(**{n: r[n] for n in names}) for r in out["graphs"]["rows"]])
        options = out["options"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"harness bench: {path}: not a bench.json this version can read ({exc})", file=sys.stderr)
        return 2
    full_run = not options["quick"] and options["only"] == list(PARTS) and options.get("runtimes") is None
    return write_outputs(out, out_dir, full_run)

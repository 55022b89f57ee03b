"""The results dict drawn as tables (terminal and Markdown), JSON and a plot.

Each table is built once as (title, headers, rows of strings), so the
terminal and RESULTS.md show the same cells.
"""
import json
import sys

from . import machine


def _num(x, fmt):
    return "-" if x is None else format(x, fmt)


def _ms(seconds):
    return _num(None if seconds is None else seconds * 1e3, ".2f")


def training_table(training, points=100):
    rows = []
    for r in training:
        rows.append([r["engine"], _ms(r["seconds"]),
                     _num(r["speedup_vs_micrograd"], ".1f") + ("x" if r["speedup_vs_micrograd"] else ""),
                     _num(r["first_loss"], ".12g"), _num(r["loss_rel_diff"], ".1e"),
                     r["error"] or r["note"]])
    return (f"Training step: micrograd's moons demo, MLP(2, [16, 16, 1]), {points} points",
            ["engine", "ms / step", "vs micrograd", "first loss", "rel. diff", "note"], rows)


def _column(size, sizes):
    """The requested size a graph belongs to (a chain has 2k + 1 nodes, a wide graph 2k)."""
    return min(sizes, key=lambda s: abs(s - size))


def graphs_table(graphs, sizes):
    by_key = {(r["engine"], r["shape"], _column(r["size"], sizes)): r for r in graphs["rows"]}
    rows = []
    for fit in graphs["fits"]:
        cells = []
        for size in sizes:
            r = by_key.get((fit["engine"], fit["shape"], size))
            if r is None:
                cells.append("")
            elif r["error"]:
                cells.append("error")
            else:
                cells.append(_num(r["ns_per_node"], ".0f") + ("" if r["grad_ok"] else " (grad!)"))
        rows.append([fit["engine"], fit["shape"], *cells, _num(fit["slope"], ".2f"),
                     _num(fit.get("bytes_per_node"), ".0f"), fit["stopped"]])
    return ("Graphs: build + backward, ns per node (log-log slope from 10,000 nodes up: 1.00 is linear)",
            ["engine", "shape", *[f"{s:,}" for s in sizes], "slope", "bytes/node", "note"], rows)


def matrix_table(matrix):
    rows = [[r["backend"], str(r["fixtures"]), _num(r["fixtures_per_s"], ".1f"),
             _ms(r["startup_s"]), str(r["errors"]), r["error"]] for r in matrix["backends"]]
    parity = matrix["parity"]
    if parity["seconds"] is not None:
        rows.append(["make parity (wall)", "", "", "", "", f"{parity['seconds']:.1f} s, exit "
                     f"{parity['exit_code']}: {parity['summary']}"])
    else:
        rows.append(["make parity (wall)", "", "", "", "", parity["skipped"]])
    return ("Parity matrix: the whole corpus per backend",
            ["backend", "fixtures", "fixtures / s", "start-up ms", "raised", "note"], rows)


def targets_table(targets):
    return ("Targets", ["target", "measured", "verdict"],
            [[t["target"], t["value"], t["verdict"]] for t in targets])


def tables(results):
    out = []
    if "training" in results:
        out.append(training_table(results["training"], results["options"].get("points", 100)))
    if "graphs" in results:
        out.append(graphs_table(results["graphs"], results["options"]["sizes"]))
    if "matrix" in results:
        out.append(matrix_table(results["matrix"]))
    out.append(targets_table(results["targets"]))
    return out


def print_tables(results, console=None):
    from rich.console import Console
    from rich.table import Table

    # Not a terminal (a log, CI): wide enough that notes do not wrap into columns.
    console = console or (Console() if sys.stdout.isatty() else Console(width=160))
    for title, headers, rows in tables(results):
        table = Table(title=title, title_justify="left")
        for i, header in enumerate(headers):
            table.add_column(header, justify="left" if i == 0 or header in ("note", "target") else "right")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    console.print(f"machine: {machine.one_line(results['machine'])}")


HOW_TO_READ = """\
How to read it: times are medians; ratios inside one run are what carries
over to another machine.  A training step is timed over 5 consecutive steps,
as a training loop runs them, every engine in a fresh process, all from the
same seeded weights (the equal first losses show they computed the same
thing).  "python_ref (gc off)" is the same run under `gc.disable()`: the gap
is CPython's cyclic garbage collector.  Lua is timed inside Lua with the
sandbox's `clock()`; the stand-alone rows run the system's interpreters with
`os.clock`.  Memory is what the built graph holds per node: tracemalloc for
Python, the resident-set growth for torch (approximate), `collectgarbage
("count")` for Lua.  micrograd 0.1.0's recursive topological sort stops at
Python's recursion limit (1,000 frames).

Why the slopes of python_ref and Lua stay above 1.05 (the goal), in the
rows beside them ("gc off", "gc stopped": the same runs with the collector
off while timed):
* python_ref: the collector alone.  With it off the slopes are 0.97 (chain)
  and 0.98 (wide).  With it on, CPython runs a full collection each time its
  tracked objects have grown by a quarter: none while a 10,000-node graph is
  built, 1 or 2 at 100,000 nodes, 9 (chain) and 11 (wide) at 1,000,000, which
  then cost 470 and 910 ns per node (gc.callbacks, one run).  A node is one
  or two tracked objects (the node, its tuple of children) in no cycle, but
  every full pass still visits them all.
* Lua: the processor's cache first, then the collector.  With the collector
  stopped the time per node is flat from 100,000 to 1,000,000 nodes (lua54
  951 and 969 ns on a chain, luajit21 284 and 275), but it steps up between
  10,000 and 100,000 nodes, where the graph (290-352 bytes per node: 3 MB,
  then 30 MB) outgrows the 32 MB L3 cache with the rest of the heap: lua54
  721 to 951, luajit21 83 to 284.  That step alone puts the stopped rows at
  slope 1.05-1.26.  The collector adds the rest: its passes traverse a graph
  that no longer fits the cache (luajit21 chain at 10^6 nodes: 494 ns per
  node with it, 275 without).
(Measured on the lab's 2-core machine: AMD EPYC, 1 MB L2 per core, 32 MB L3.)
"""


def markdown(results):
    lines = ["# Benchmark results", "",
             f"Machine: {machine.one_line(results['machine'])}.", "",
             f"Command: `{results['command'].strip()}`, {results['options']['repeat']} repetitions "
             f"each, median reported.", ""]
    lua = results["machine"].get("lua") or {}
    if lua:
        lines += ["Lua runtimes: " + ", ".join(f"{k} ({v})" for k, v in lua.items()) + ".", ""]
    lines += [HOW_TO_READ]
    for title, headers, rows in tables(results):
        lines += [f"## {title}", "", "| " + " | ".join(headers) + " |",
                  "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        lines.append("")
    return "\n".join(lines)


def write_json(results, path):
    path.write_text(json.dumps(results, indent=2, allow_nan=True) + "\n")


def _style(engine):
    """Line style by family: Python solid, Lua in lupa dashed, stand-alone Lua
    dotted, torch dash-dot (colours alone repeat past ten lines)."""
    if "stand-alone" in engine:
        return ":"
    if engine.startswith("lua"):
        return "--"
    if engine.startswith("torch"):
        return "-."
    return "-"


def time_per_node_figure(graphs):
    """Log-log: ns per node against nodes, one panel per shape (the Figure)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shapes = list(dict.fromkeys(fit["shape"] for fit in graphs["fits"]))
    engines = list(dict.fromkeys(fit["engine"] for fit in graphs["fits"]))
    colours = plt.get_cmap("tab20")
    fig, axes = plt.subplots(1, len(shapes), figsize=(6 * len(shapes) + 3, 5), squeeze=False,
                             sharey=True)
    for ax, shape in zip(axes[0], shapes):
        for fit in graphs["fits"]:
            if fit["shape"] != shape or not fit["sizes"]:
                continue
            ns = [1e9 * t / n for n, t in zip(fit["sizes"], fit["seconds"])]
            slope = "" if fit["slope"] is None else f" (slope {fit['slope']:.2f})"
            i = engines.index(fit["engine"])
            ax.plot(fit["sizes"], ns, marker="o", linestyle=_style(fit["engine"]),
                    color=colours(i % 20), label=fit["engine"] + slope)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(f"{shape}: build + backward")
        ax.set_xlabel("nodes in the graph")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0) if ax is axes[0][-1] else None)
    axes[0][0].set_ylabel("ns per node (flat = linear)")
    fig.tight_layout()
    return fig


def plot_time_per_node(graphs, path):
    import matplotlib.pyplot as plt

    fig = time_per_node_figure(graphs)
    fig.savefig(path, dpi=110)
    plt.close(fig)

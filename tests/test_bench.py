"""The benchmarks compute what their rows claim: the same first loss in every
engine, ratios and slopes computed from the times they sit beside, graphs
of the size and gradient they name, a bench.json with a row for every
engine, and targets a --quick run does not judge.  Tiny sizes; nothing here
asserts a time (machines are noisy: `make bench` is where speed is measured)."""
import argparse
import contextlib
import io
import json
import shutil

import pytest

from micrograd_lab.harness import lua_engines
from micrograd_lab.harness.bench import cli, graphs, isolated, matrix, report, results, standalone, targets, training
from micrograd_lab.harness.bench.timing import loglog_slope
from micrograd_lab.harness.training.task import moons_task
from micrograd_lab.python_ref import Value

# One pytest-xdist worker runs this file: quick_run (one bench run) is shared.
pytestmark = pytest.mark.xdist_group("bench-quick-run")

LUA = lua_engines.runtimes()[-1:]  # one runtime is enough here (LuaJIT 2.1 if there)
POINTS = 8
# Engines that build python_ref's loss graph in python_ref's order: the first
# loss is python_ref's to the bit.  micrograd multiplies by 1/n where python_ref
# divides by n, and torch sums in its own order: theirs agree to ~1e-16.
SAME_ORDER = {training.REFERENCE, training.PYTHON_REF_GC_OFF, training.PYTHON_REF_PRIMITIVE,
              *LUA, *(r + lua_engines.JIT_OFF for r in LUA),
              *(f"{b} (stand-alone)" for b in standalone.available())}


def first_loss_by_hand(task):
    """The moons loss of python_ref's seeded weights in plain floats, summed in
    the order python_ref's graph sums (b + w0*x0 + ..., left to right)."""
    params = training.initial_parameters(task)
    sizes, i = [task.nin, *task.nouts], 0
    layers = []
    for nin, nout in zip(sizes, sizes[1:]):
        layers.append([(params[i + n * (nin + 1):i + n * (nin + 1) + nin], params[i + n * (nin + 1) + nin])
                       for n in range(nout)])
        i += nout * (nin + 1)
    margins = []
    for x, y in zip(task.xs, task.ys):
        h = list(x)
        for depth, layer in enumerate(layers):
            out = []
            for w, b in layer:
                act = b
                for wi, hi in zip(w, h):
                    act += wi * hi
                out.append(max(act, 0.0) if depth < len(layers) - 1 else act)
            h = out
        margins.append(max(1.0 - y * h[0], 0.0))
    data_loss, reg = 0.0, 0.0
    for m in margins:
        data_loss += m
    for p in params:
        reg += p * p
    return data_loss / len(margins) + task.alpha * reg


# -- the timing arithmetic ----------------------------------------------------------

def test_loglog_slope_recovers_a_known_slope():
    sizes = [1e3, 1e4, 1e5, 1e6]
    assert loglog_slope(sizes, [2e-6 * n for n in sizes]) == pytest.approx(1.0, abs=1e-12)
    assert loglog_slope(sizes, [3e-9 * n * n for n in sizes]) == pytest.approx(2.0, abs=1e-12)
    assert loglog_slope(sizes, [5e-8 * n ** 1.27 for n in sizes]) == pytest.approx(1.27, abs=1e-12)
    assert loglog_slope([1000], [1.0]) is None


def test_the_fit_uses_graphs_from_fit_from_nodes_up_and_names_where_it_stopped():
    sizes = [1_000, 10_000, 100_000, 1_000_000]
    rows = [graphs.Row("e", "chain", n, build_s=2e-8 * n ** 1.2 if n >= results.FIT_FROM else 1.0,
                       backward_s=1e-8 * n ** 1.2 if n >= results.FIT_FROM else 1.0) for n in sizes]
    rows.append(graphs.Row("e", "wide", 1_000, build_s=1e-3, backward_s=1e-3))
    rows.append(graphs.Row("e", "wide", 10_000, build_s=1e-2, backward_s=3e-2))
    rows.append(graphs.Row("e", "wide", 100_000, error="RecursionError"))
    chain, wide = results.graphs_part(rows)["fits"]
    # the 1,000-node graph (1 s, far off the line) is left out of the fit
    assert chain["slope"] == pytest.approx(1.2, abs=1e-12) and chain["largest"] == 1_000_000
    assert chain["sizes"] == sizes and chain["seconds"] == [r.seconds for r in rows[:4]]
    assert chain["stopped"] == ""
    # fewer than two sizes from FIT_FROM up: every size is fitted
    assert wide["slope"] == pytest.approx(loglog_slope([1_000, 10_000], [2e-3, 4e-2]), abs=1e-12)
    assert wide["stopped"] == "stopped at 100,000 nodes: RecursionError" and wide["largest"] == 10_000


def test_training_ratios_are_computed_from_the_times():
    rows = [training.Row(training.MICROGRAD, seconds=2.0, first_loss=1.5),
            training.Row(training.REFERENCE, seconds=0.08, first_loss=1.5),
            training.Row("lua54", seconds=0.05, first_loss=1.5 * (1 + 2 ** -52)),
            training.Row("broken", error="exit 1: boom")]
    part = results.training_part(rows)
    assert [r["speedup_vs_micrograd"] for r in part] == [1.0, 2.0 / 0.08, 2.0 / 0.05, None]
    assert [r["loss_rel_diff"] for r in part] == [0.0, 0.0, abs(1.5 * (1 + 2 ** -52) - 1.5) / 1.5, None]
    assert part[3]["error"] == "exit 1: boom"
    without_baseline = results.training_part(rows[1:])
    assert all(r["speedup_vs_micrograd"] is None for r in without_baseline)


# -- what a row holds ------------------------------------------------------------------

@pytest.mark.parametrize("shape", graphs.SHAPES)
@pytest.mark.parametrize("size", [2, 7, 300])
def test_graph_shapes_have_the_node_count_and_gradient_they_claim(shape, size):
    x = Value(graphs.X)
    y = graphs.build(shape, size, x, lambda v: v.relu())
    assert len(y.topological_order()) == graphs.node_count(shape, size)
    y.backward()
    assert x.grad == graphs.expected_grad(shape, size)


def _check_graph_row(r, shape, size):
    assert r["error"] == "" and r["grad_ok"] is True
    assert (r["shape"], r["size"]) == (shape, graphs.node_count(shape, size))
    assert r["build_s"] > 0 and r["backward_s"] > 0


def test_graph_series_rows_for_python_ref():
    rows = list(graphs.series("python_ref", "wide", [64, 512], repeat=1, max_seconds=60,
                              memory=True, lua=False))
    for r, size in zip(rows, [64, 512]):
        _check_graph_row(r, "wide", size)
        # A node is a Value with its tuple of children and its closure: well over 100 bytes.
        assert 100 < r["bytes_per_node"] < 10_000
    assert len(rows) == 2


def test_micrograd_chain_stops_at_its_recursion_limit():
    pytest.importorskip("micrograd")
    rows = list(graphs.series("micrograd 0.1.0", "chain", [100, 5_000], repeat=1, max_seconds=60,
                              memory=False, lua=False))
    assert rows[0]["grad_ok"] is True and rows[0]["error"] == ""
    assert "RecursionError" in rows[1]["error"] and rows[1]["size"] == graphs.node_count("chain", 5_000)


@pytest.mark.skipif(not LUA, reason="lua_port has no runtime here")
def test_lua_graph_series_counts_nodes_and_memory():
    (row,) = graphs.series(LUA[0], "chain", [400], repeat=1, max_seconds=60, memory=True, lua=True)
    _check_graph_row(row, "chain", 400)
    assert 50 < row["bytes_per_node"] < 10_000  # a Value table and its children


@pytest.mark.skipif("lua54" not in lua_engines.runtimes(), reason="lupa has no lua54 here")
def test_a_gc_stopped_lua_row_stops_the_collector_only_while_timed():
    # lua54: on 5.1 and LuaJIT a full collection restarts a stopped collector anyway
    name = "lua54" + graphs.GC_STOPPED
    (row,) = graphs.series(name, "wide", [400], repeat=1, max_seconds=60, memory=True, lua=True)
    _check_graph_row(row, "wide", 400)
    assert row["engine"] == name
    # the collector runs again afterwards: a million dropped tables (some 50 MB
    # with it stopped) leave the heap far smaller
    grown_kb = lua_engines.lua_engine("lua54").execute(
        "local keep, before = {}, collectgarbage('count') "
        "for i = 1, 1000000 do keep[1] = {i} end "   # stored: LuaJIT cannot sink it
        "return collectgarbage('count') - before")
    assert grown_kb < 20 * 1024
    # and it was stopped while timed (the row says so where it was not)
    script = lambda mode: lua_engines.lua_engine("lua54").run_file(graphs.LUA_SCRIPT, "chain", 50,
                                                                    graphs.X, mode)
    assert script("clocked-stopped")["stopped"] is True
    assert "stopped" not in script("clocked")
    assert graphs.is_lua(name, ["lua54"]) and not graphs.is_lua("python_ref", ["lua54"])
    assert [e for e in graphs.engines(["lua51", "lua54"]) if e.endswith(graphs.GC_STOPPED)] == [
        "lua54" + graphs.GC_STOPPED]


def test_the_first_loss_is_the_one_computed_by_hand():
    task = moons_task(n_points=POINTS)
    assert training.Trainer(task).step(0) == first_loss_by_hand(task)


def _row(engine, lua=False):
    return next(training.engine_series(engine, repeat=1, steps=1, n_points=POINTS, lua=lua))


@pytest.mark.parametrize("engine", [training.PYTHON_REF_PRIMITIVE, training.PYTHON_REF_GC_OFF,
                                    training.TORCH_VECTOR, training.TORCH_SCALAR, training.MICROGRAD])
def test_a_python_engine_row_starts_from_python_refs_loss(engine):
    if engine == training.MICROGRAD:
        pytest.importorskip("micrograd")
    row = _row(engine)
    expected = first_loss_by_hand(moons_task(n_points=POINTS))
    assert row["error"] == "" and row["seconds"] > 0
    assert row["note"] == training.PYTHON_ENGINES[engine][1]
    if engine in SAME_ORDER:
        assert row["first_loss"] == expected
    else:
        assert row["first_loss"] == pytest.approx(expected, rel=1e-15)


def test_training_step_updates_like_torch():
    """Three steps of python_ref and of vectorized torch give the same losses."""
    task = moons_task(n_points=POINTS)
    ours, theirs = training._python_ref_stepper(task), training._torch_vector_stepper(task)
    for k in range(3):
        assert ours(k) == pytest.approx(theirs(k), rel=1e-14)


@pytest.mark.skipif(not LUA, reason="lua_port has no runtime here")
def test_lua_row_starts_from_the_same_weights_and_loss():
    row = _row(LUA[0], lua=True)
    assert row["error"] == "" and row["note"] == "clock() inside Lua, 1 consecutive steps"
    assert row["first_loss"] == first_loss_by_hand(moons_task(n_points=POINTS))


@pytest.mark.skipif(not shutil.which("luajit"), reason="no stand-alone luajit")
def test_standalone_luajit_trains_from_the_same_weights():
    task = moons_task(n_points=POINTS)
    row = training.time_standalone("luajit", task, repeat=1, steps=1)
    assert row.error == "" and row.seconds > 0 and row.note.startswith("LuaJIT")
    assert row.first_loss == first_loss_by_hand(task)


def test_a_failing_standalone_interpreter_is_a_row_with_its_last_line(tmp_path):
    fake = tmp_path / "lua-broken"
    fake.write_text("#!/bin/sh\necho 'lua-broken: cannot open trainer' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(standalone.Failed, match="^exit 3: lua-broken: cannot open trainer$"):
        standalone.time_graph(str(fake), "chain", 10, 0.5, 1)
    (row,) = graphs.standalone_series(str(fake), "chain", [20, 200], repeat=1, max_seconds=60)
    assert row.error == "exit 3: lua-broken: cannot open trainer"


# -- targets ----------------------------------------------------------------------------

RESULTS_TO_JUDGE = {
    "training": [{"engine": "python_ref", "speedup_vs_micrograd": 31.0},
                 {"engine": "luajit21", "speedup_vs_micrograd": 30.0}],
    "graphs": {"fits": [
        {"engine": "a", "shape": "chain", "slope": 1.05, "largest": 1_000_001, "stopped": ""},
        {"engine": "a", "shape": "wide", "slope": 1.06, "largest": 1_000_001, "stopped": ""},
        {"engine": "b", "shape": "chain", "slope": 1.5, "largest": 1_000_001, "stopped": ""},
        {"engine": "c", "shape": "chain", "slope": 1.0, "largest": 1_001, "stopped": "stopped: x"},
        {"engine": "d", "shape": "wide", "slope": 1.0, "largest": 2_000, "stopped": ""}]},
    "matrix": {"parity": {"seconds": 25.0, "skipped": ""}},
}


def test_targets_pass_and_miss():
    judged = targets.judge(dict(RESULTS_TO_JUDGE, options={"quick": False}))
    assert [t["verdict"] for t in judged] == ["pass", "miss", "pass", "miss", "miss", "miss",
                                              "not measured", "miss"]
    assert [t["value"] for t in judged[:2]] == ["31.0x", "30.0x"]
    # the goals: python_ref >= 30x, LuaJIT >= 50x, slope <= 1.05, the matrix < 10 s
    assert (targets.PYTHON_REF_SPEEDUP, targets.LUAJIT_SPEEDUP, targets.LINEAR_SLOPE,
            targets.MATRIX_SECONDS) == (30.0, 50.0, 1.05, 10.0)


def test_quick_judges_no_target():
    judged = targets.judge(dict(RESULTS_TO_JUDGE, options={"quick": True}))
    assert {t["verdict"] for t in judged} == {"not judged (quick)"}
    full = targets.judge(dict(RESULTS_TO_JUDGE, options={"quick": False}))
    assert [t["value"] for t in judged] == [t["value"] for t in full]  # what was measured is still shown


# -- the command, once, quick --------------------------------------------------------------

def _parser():
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """One `mglab bench --quick --only training,graphs` with one Lua runtime."""
    out = tmp_path_factory.mktemp("bench")
    args = _parser().parse_args(["--quick", "--only", "training,graphs", "--runtimes", ",".join(LUA),
                                 "--out", str(out)])
    terminal = io.StringIO()
    with contextlib.redirect_stdout(terminal):
        assert cli.main(args) == 0
    return out, json.loads((out / "bench.json").read_text()), terminal.getvalue()


def test_quick_json_has_a_training_row_for_every_engine(quick_run):
    _, data, _ = quick_run
    names, _ = training.engines(list(LUA))
    standalone_rows = [f"{b} (stand-alone)" for b in standalone.available()]
    at = names.index(training.TORCH_SCALAR)
    rows = data["training"]
    assert [r["engine"] for r in rows] == names[:at] + standalone_rows + names[at:]
    assert data["options"]["points"] == cli.QUICK_POINTS
    expected = first_loss_by_hand(moons_task(n_points=cli.QUICK_POINTS))
    base = rows[0]["seconds"] if rows[0]["error"] == "" else None
    for r in rows:
        if r["engine"] == training.MICROGRAD and r["error"].startswith("not installed"):
            continue
        assert r["error"] == "", r["engine"]
        if r["engine"] in SAME_ORDER:
            assert r["first_loss"] == expected and r["loss_rel_diff"] == 0.0, r["engine"]
        else:
            assert r["first_loss"] == pytest.approx(expected, rel=1e-15), r["engine"]
        assert r["speedup_vs_micrograd"] == (base / r["seconds"] if base else None), r["engine"]


def test_quick_json_has_every_graph_row_with_consistent_fields(quick_run):
    _, data, _ = quick_run
    engines = graphs.engines(list(LUA)) + [f"{b} (stand-alone)" for b in standalone.available()]
    rows = data["graphs"]["rows"]
    assert [(r["engine"], r["shape"], r["size"]) for r in rows] == [
        (e, s, graphs.node_count(s, n)) for e in engines for s in graphs.SHAPES for n in cli.QUICK_SIZES]
    for r in rows:
        if r["engine"] == training.MICROGRAD and r["shape"] == "chain" and r["size"] > 1_000:
            assert r["error"] == "RecursionError (recursive topological sort)" and r["seconds"] is None
            continue
        assert r["error"] == "" and r["grad_ok"] is True, r
        assert r["seconds"] == r["build_s"] + r["backward_s"]
        assert r["ns_per_node"] == 1e9 * r["seconds"] / r["size"]
    for fit in data["graphs"]["fits"]:
        mine = [r for r in rows if (r["engine"], r["shape"]) == (fit["engine"], fit["shape"])]
        failed = [r for r in mine if r["error"]]
        assert fit["stopped"] == "".join(f"stopped at {r['size']:,} nodes: {r['error']}" for r in failed)
        mine = [r for r in mine if not r["error"]]
        assert fit["sizes"] == [r["size"] for r in mine] and fit["seconds"] == [r["seconds"] for r in mine]
        assert fit["slope"] == loglog_slope(fit["sizes"], fit["seconds"])


def test_quick_run_judges_no_target_anywhere(quick_run):
    out, data, terminal = quick_run
    assert data["targets"] and {t["verdict"] for t in data["targets"]} == {"not judged (quick)"}
    assert terminal.count("not judged (quick)") == len(data["targets"])
    assert " miss " not in terminal and " pass " not in terminal
    text = (out / "RESULTS.md").read_text()
    target_rows = text.split("## Targets")[1].strip().splitlines()[2:]
    assert len(target_rows) == len(data["targets"])
    assert all(row.endswith("| not judged (quick) |") for row in target_rows)
    assert "| miss |" not in text and "| pass |" not in text


def test_quick_markdown_shows_the_json_cells(quick_run):
    out, data, _ = quick_run
    text = (out / "RESULTS.md").read_text()
    for title, headers, rows in report.tables(data):
        assert f"## {title}" in text
        for row in rows:
            assert "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" in text
    assert f"{cli.QUICK_POINTS} points" in text


def test_the_time_per_node_plot_shows_each_fit(quick_run):
    out, data, _ = quick_run
    assert (out / cli.PLOT_NAME).is_file()
    fig = report.time_per_node_figure(data["graphs"])
    fits = data["graphs"]["fits"]
    assert [ax.get_title() for ax in fig.axes] == [f"{s}: build + backward" for s in graphs.SHAPES]
    for ax, shape in zip(fig.axes, graphs.SHAPES):
        mine = [f for f in fits if f["shape"] == shape]
        assert len(ax.lines) == len(mine)
        for line, fit in zip(ax.lines, mine):
            assert line.get_label().startswith(fit["engine"])
            assert list(line.get_xdata()) == fit["sizes"]
            assert list(line.get_ydata()) == [1e9 * t / n for n, t in zip(fit["sizes"], fit["seconds"])]
        assert ax.get_xscale() == ax.get_yscale() == "log"


def test_render_redraws_a_saved_run(quick_run, tmp_path, capsys):
    first, saved, _ = quick_run
    assert cli.main(_parser().parse_args(["--render", str(first / "bench.json"), "--out", str(tmp_path)])) == 0
    again = json.loads((tmp_path / "bench.json").read_text())
    assert again["graphs"]["fits"] == saved["graphs"]["fits"] and again["targets"] == saved["targets"]
    assert (tmp_path / "RESULTS.md").read_text() == (first / "RESULTS.md").read_text()
    (tmp_path / "bad.json").write_text("{}")
    assert cli.main(_parser().parse_args(["--render", str(tmp_path / "bad.json"), "--out", str(tmp_path)])) == 2
    assert "bad.json: not a bench.json" in capsys.readouterr().err


def test_cli_refuses_an_unknown_part(tmp_path, capsys):
    args = _parser().parse_args(["--only", "training,speed", "--out", str(tmp_path)])
    assert cli.main(args) == 2
    assert "--only: unknown part speed" in capsys.readouterr().err
    assert not (tmp_path / "bench.json").exists()


# -- the rest -------------------------------------------------------------------------------

def test_matrix_backend_rate_counts_fixtures_and_raises(monkeypatch):
    fixtures = matrix._corpus(skip_tags=("deep",))[:6]
    row = matrix.time_backend("python_ref", fixtures, repeat=1)
    assert row.fixtures == 6 and row.errors == 0 and row.fixtures_per_s == 6 / row.seconds

    from micrograd_lab.harness.engines import registry
    from micrograd_lab.harness.engines.base import Engine

    class Broken(Engine):
        def evaluate(self, program, *, integers=False):
            raise ValueError("no")

    broken = registry.EngineEntry("broken-for-test", "test", lambda entry: Broken(), None)
    monkeypatch.setitem(registry.ENGINES, broken.name, broken)
    try:
        row = matrix.time_backend("broken-for-test", fixtures, repeat=1)
    finally:
        registry.close_engines([broken])
    assert row.errors == 6 and row.fixtures_per_s is None and "raised on every fixture" in row.error


def test_a_failing_child_is_reported_with_its_last_line():
    items, failure = isolated.call("timing.no_such_function", {})
    assert items == [] and failure.startswith("exit 1:") and "no_such_function" in failure


def test_lua_literal_reads_back_in_lua():
    text = standalone.lua_literal({"xs": [[0.1, -2.5e-300]], "name": 'a"b', "n": 3, "ok": True})
    assert text == '{["xs"] = {{0.1, -2.5e-300}}, ["name"] = "a\\"b", ["n"] = 3, ["ok"] = true}'

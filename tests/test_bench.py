"""Smoke tests of the benchmarks: tiny sizes, checking that each benchmark
computes the right thing and writes the right files.  Nothing here asserts a
time: machines are noisy, and `make bench` is where speed is measured."""
import json
import math

import pytest

from harness import lua_engines
from harness.bench import cli, graphs, isolated, matrix, results, targets, training
from harness.training.task import moons_task
from harness.bench.timing import loglog_slope
from python_ref import Value

LUA = lua_engines.runtimes()[-1:]  # one runtime is enough for a smoke test (LuaJIT 2.1 if there)


def test_loglog_slope_reads_linear_and_quadratic_growth():
    sizes = [1e3, 1e4, 1e5]
    assert loglog_slope(sizes, [2e-6 * n for n in sizes]) == pytest.approx(1.0)
    assert loglog_slope(sizes, [3e-9 * n * n for n in sizes]) == pytest.approx(2.0)
    assert loglog_slope([1000], [1.0]) is None


@pytest.mark.parametrize("shape", graphs.SHAPES)
@pytest.mark.parametrize("size", [2, 7, 300])
def test_graph_shapes_have_the_node_count_and_gradient_they_claim(shape, size):
    x = Value(graphs.X)
    y = graphs.build(shape, size, x, lambda v: v.relu())
    assert len(y.topological_order()) == graphs.node_count(shape, size)
    y.backward()
    assert x.grad == graphs.expected_grad(shape, size)


def test_graph_series_rows_for_python_ref():
    rows = list(graphs.series("python_ref", "wide", [64, 512], repeat=1, max_seconds=60,
                              memory=True, lua=False))
    assert [r["size"] for r in rows] == [64, 512]
    for r in rows:
        assert r["error"] == "" and r["grad_ok"] is True
        assert r["build_s"] > 0 and r["backward_s"] > 0
        # A node is a Value with its tuple of children and its closure: well over 100 bytes.
        assert 100 < r["bytes_per_node"] < 10_000


def test_micrograd_chain_stops_at_its_recursion_limit():
    pytest.importorskip("micrograd")
    rows = list(graphs.series("micrograd 0.1.0", "chain", [100, 5_000], repeat=1, max_seconds=60,
                              memory=False, lua=False))
    assert rows[0]["grad_ok"] is True and rows[0]["error"] == ""
    assert "RecursionError" in rows[1]["error"]


@pytest.mark.skipif(not LUA, reason="lua_port has no runtime here yet")
def test_lua_graph_series_counts_nodes_and_memory():
    rows = list(graphs.series(LUA[0], "chain", [400], repeat=1, max_seconds=60, memory=True, lua=True))
    assert rows[0]["error"] == "" and rows[0]["grad_ok"] is True
    assert rows[0]["bytes_per_node"] > 0


def _row(engine, **kwargs):
    return next(training.engine_series(engine, repeat=1, steps=1, n_points=8, **kwargs))


def test_training_step_engines_agree_on_the_first_loss():
    problem = moons_task(n_points=8)
    expected = training._python_ref_stepper(problem)(0)
    assert math.isfinite(expected) and expected > 0
    names = [training.PYTHON_REF_PRIMITIVE, training.TORCH_SCALAR, training.TORCH_VECTOR]
    for name in names:
        row = _row(name, lua=False)
        assert row["error"] == "" and row["seconds"] > 0, name
        assert row["first_loss"] == pytest.approx(expected, rel=1e-12), name


def test_training_step_updates_like_torch():
    """Two steps of python_ref and of vectorized torch give the same loss."""
    problem = moons_task(n_points=8)
    ours, theirs = training._python_ref_stepper(problem), training._torch_vector_stepper(problem)
    ours(0), theirs(0)
    assert ours(1) == pytest.approx(theirs(1), rel=1e-12)


def test_micrograd_step_matches_python_ref():
    pytest.importorskip("micrograd")
    problem = moons_task(n_points=8)
    assert training._micrograd_stepper(problem)(0) == pytest.approx(
        training._python_ref_stepper(problem)(0), rel=1e-12)


@pytest.mark.skipif(not LUA, reason="lua_port has no runtime here yet")
def test_lua_training_step_starts_from_the_same_weights_and_loss():
    row = _row(LUA[0], lua=True)
    assert row["error"] == ""
    problem = moons_task(n_points=8)
    assert row["first_loss"] == pytest.approx(training._python_ref_stepper(problem)(0), rel=1e-12)


def test_matrix_backend_rate_counts_fixtures_and_raises():
    fixtures = matrix._corpus(skip_tags=("deep",))[:6]
    row = matrix.time_backend("python_ref", fixtures, repeat=1)
    assert row.fixtures == 6 and row.errors == 0 and row.fixtures_per_s > 0

    class Broken:
        def evaluate(self, program):
            raise ValueError("no")

    from harness import backends
    backends._CACHE["broken-for-test"] = Broken()
    try:
        row = matrix.time_backend("broken-for-test", fixtures, repeat=1)
    finally:
        del backends._CACHE["broken-for-test"]
    assert row.errors == 6 and row.fixtures_per_s is None and "raised on every fixture" in row.error


def test_a_failing_child_is_reported_with_its_last_line():
    items, failure = isolated.call("timing.no_such_function", {})
    assert items == [] and failure.startswith("exit 1:") and "no_such_function" in failure


def test_targets_pass_and_miss():
    judged = targets.judge({
        "training": [{"engine": "python_ref", "speedup_vs_micrograd": 12.0},
                     {"engine": "luajit21", "speedup_vs_micrograd": 30.0}],
        "graphs": {"fits": [
            {"engine": "a", "shape": "chain", "slope": 1.02, "largest": 1_000_001, "stopped": ""},
            {"engine": "b", "shape": "chain", "slope": 1.5, "largest": 1_000_001, "stopped": ""},
            {"engine": "c", "shape": "chain", "slope": 1.0, "largest": 1_001, "stopped": "stopped: x"}]},
        "matrix": {"parity": {"seconds": 25.0, "skipped": ""}},
    })
    assert [t["verdict"] for t in judged] == ["pass", "miss", "pass", "miss", "miss", "miss"]


def test_training_part_ratios():
    rows = [training.Row("micrograd 0.1.0", seconds=2.0, first_loss=1.0),
            training.Row("python_ref", seconds=0.1, first_loss=1.0)]
    part = results.training_part(rows)
    assert part[1]["speedup_vs_micrograd"] == pytest.approx(20.0)
    assert part[1]["loss_rel_diff"] == 0.0


def test_cli_quick_writes_json_markdown_and_plot(tmp_path, capsys):
    parser = _parser()
    args = parser.parse_args(["--quick", "--only", "graphs", "--runtimes", ",".join(LUA),
                              "--out", str(tmp_path)])
    assert cli.main(args) == 0
    data = json.loads((tmp_path / "bench.json").read_text())
    assert data["options"]["quick"] is True and "training" not in data
    fits = {(f["engine"], f["shape"]) for f in data["graphs"]["fits"]}
    assert ("python_ref", "chain") in fits and ("torch scalar graph", "wide") in fits
    if __import__("shutil").which("luajit"):
        assert ("luajit (stand-alone)", "wide") in fits
    assert all(r["grad_ok"] for r in data["graphs"]["rows"] if not r["error"])
    assert (tmp_path / cli.PLOT_NAME).stat().st_size > 10_000
    text = (tmp_path / "RESULTS.md").read_text()
    assert "## Graphs" in text and "| python_ref | chain |" in text
    assert "Targets" in capsys.readouterr().out


def test_cli_refuses_an_unknown_part(tmp_path, capsys):
    args = _parser().parse_args(["--only", "training,speed", "--out", str(tmp_path)])
    assert cli.main(args) == 2
    assert "--only: unknown part speed" in capsys.readouterr().err
    assert not (tmp_path / "bench.json").exists()


def _parser():
    import argparse
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    return parser


def test_lua_literal_reads_back_in_lua():
    from harness.bench import standalone
    text = standalone.lua_literal({"xs": [[0.1, -2.5e-300]], "name": 'a"b', "n": 3, "ok": True})
    assert text == '{["xs"] = {{0.1, -2.5e-300}}, ["name"] = "a\\"b", ["n"] = 3, ["ok"] = true}'


@pytest.mark.skipif(not __import__("shutil").which("luajit"), reason="no stand-alone luajit")
def test_standalone_luajit_trains_from_the_same_weights():
    problem = moons_task(n_points=8)
    row = training.time_standalone("luajit", problem, repeat=1, steps=1)
    assert row.error == "" and row.seconds > 0 and row.note.startswith("LuaJIT")
    assert row.first_loss == pytest.approx(training._python_ref_stepper(problem)(0), rel=1e-12)


def test_render_redraws_a_saved_run(tmp_path, capsys):
    first, second = tmp_path / "first", tmp_path / "second"
    args = _parser().parse_args(["--quick", "--only", "graphs", "--runtimes", "", "--out", str(first)])
    assert cli.main(args) == 0
    saved = json.loads((first / "bench.json").read_text())
    assert cli.main(_parser().parse_args(["--render", str(first / "bench.json"), "--out", str(second)])) == 0
    again = json.loads((second / "bench.json").read_text())
    assert again["graphs"]["fits"] == saved["graphs"]["fits"] and again["targets"] == saved["targets"]
    assert (second / "RESULTS.md").read_text() == (first / "RESULTS.md").read_text()
    (tmp_path / "bad.json").write_text("{}")
    assert cli.main(_parser().parse_args(["--render", str(tmp_path / "bad.json"), "--out", str(second)])) == 2
    assert "bad.json: not a bench.json" in capsys.readouterr().err

"""The matrix's Lua columns: lua_port as users run it (a worker process per
runtime, the engine any user's Lua port gets, LuaJIT with its JIT on, Lua
5.3+ with integers too), and LuaJIT's interpreter alone in the -interp
columns; the check of our own manifest gives the matrix's cells to the bit."""
import os
import re
import shutil
import struct
from pathlib import Path

import pytest

from micrograd_lab.harness.__main__ import main as harness_main
from micrograd_lab.harness.engines.base import UnavailableEngine
from micrograd_lab.harness.engines.lab_lua import OUR_MANIFEST, open_our_port
from micrograd_lab.harness.engines.lua import has_lua_integers, is_lua_integer
from micrograd_lab.harness.engines.manifest import load_manifest
from micrograd_lab.harness.engines.open import port_specs
from micrograd_lab.harness.engines.registry import ENGINE_NAMES, ENGINES, MATRIX_ENGINES, get_engine
from micrograd_lab.harness.fixture import load_corpus
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.judge import tolerances
from micrograd_lab.harness.judge.tolerances import BudgetCache
from micrograd_lab.harness.judge.verdict import CLOSE, ERROR, EXACT, FAIL, Cell, worse
from micrograd_lab.harness.parity.jit_coverage import ENGINE, engine_functions, measure
from micrograd_lab.harness.parity.jit_diff import compare_runtime, first_difference
from micrograd_lab.harness.parse import parse_program
from micrograd_lab.harness.program import FLOATS, INTEGERS
from micrograd_lab.harness.run import judge_runs, run
from micrograd_lab.lua_port import LuaEngine, available_runtimes
from micrograd_lab.lua_port.runtimes import (INTEGER_RUNTIMES, INTERPRETER_COLUMNS, JIT_RUNTIMES, LUA_COLUMNS,
                               RUNTIMES, column_runtime)

AVAILABLE = available_runtimes()
PORT_DIR = Path(__file__).resolve().parents[1] / "lua_port"


def needs(runtime):
    if runtime not in AVAILABLE:
        pytest.skip(f"lupa has no {runtime} runtime here")


def available(runtimes):
    return [pytest.param(r, marks=pytest.mark.skipif(
        r not in AVAILABLE, reason=f"lupa has no {r} runtime here")) for r in runtimes]


def port_copy(tmp_path, edit=None, **manifest):
    """lua_port/micrograd copied under tmp_path (engine.lua through edit),
    and a manifest for it: our own, with `manifest` fields replaced."""
    shutil.copytree(PORT_DIR / "micrograd", tmp_path / "port" / "micrograd")
    if edit is not None:
        engine = tmp_path / "port" / "micrograd" / "engine.lua"
        engine.write_text(edit(engine.read_text()))
    text = OUR_MANIFEST.read_text().replace('root = "../../lua_port"', 'root = "port"')
    for key, value in manifest.items():
        text, replaced = re.subn(rf"(?m)^{key} = .*$", f"{key} = {value}", text)
        if not replaced:
            text = text.replace("[port]\n", f"[port]\n{key} = {value}\n", 1)
    (tmp_path / "port.toml").write_text(text)
    return load_manifest(tmp_path / "port.toml")


def judged(engine, program):
    """The cell of every run engine has of program, against python_ref."""
    reference = interpret(program)
    return judge_runs(engine, program, reference, BudgetCache(program, reference))[0]


@pytest.fixture
def opened():
    """Our port (or a copy of it) on a runtime for a test, judged as the
    matrix's column is; the workers it starts are stopped after."""
    made = []

    def open_(runtime, manifest=None):
        engine = open_our_port(runtime, ENGINES[runtime].budget, manifest)
        made.append(engine)
        return engine
    yield open_
    for engine in made:
        engine.close()


# -- the columns ----------------------------------------------------------------------

def test_columns_are_derived_from_the_one_runtime_list():
    assert INTERPRETER_COLUMNS == tuple(f"{r}-interp" for r in RUNTIMES if r.startswith("luajit"))
    assert LUA_COLUMNS == RUNTIMES + INTERPRETER_COLUMNS
    assert ENGINE_NAMES == ("python_ref",) + LUA_COLUMNS + ("torch", "fd")
    assert set(LUA_COLUMNS) <= set(MATRIX_ENGINES)
    assert [column_runtime(c) for c in INTERPRETER_COLUMNS] == list(JIT_RUNTIMES)
    assert INTEGER_RUNTIMES == ("lua53", "lua54", "lua55")
    with pytest.raises(ValueError, match="unknown Lua column"):
        column_runtime("luajit22-interp")


@pytest.mark.parametrize("runtime", available(JIT_RUNTIMES))
def test_luajit_columns_run_compiled_code_and_the_interp_columns_do_not(runtime):
    on, off = get_engine(runtime), get_engine(runtime + "-interp")
    chain = parse_program("\n".join(f"x{i + 1} = x{i} * 1.0 + 0.5" for i in range(300)),
                          {"x0": 0.25}, "x300")
    assert on.evaluate(chain) == off.evaluate(chain) == interpret(chain)
    status = on.status()
    assert status["jit"] is True and status["traces"] > 0, "the JIT-on column compiled nothing"
    assert on.pid != os.getpid()                     # in a worker process of its own
    assert off.engine.jit_status() is False and off.engine.jit_traces() == 0
    assert on.version.endswith(", JIT on") and off.version.endswith(", JIT off")


@pytest.mark.parametrize("runtime", available(("lua51", "lua54")))
def test_puc_lua_columns_run_in_a_worker_without_a_jit(runtime):
    backend = get_engine(runtime)
    assert backend.status() == {"jit": None, "traces": None}
    assert backend.pid != os.getpid()
    assert backend.version == f"Lua {runtime[3]}.{runtime[4]}"


def test_parity_accepts_an_interp_column(tmp_path, capsys):
    needs("luajit21")
    code = harness_main(["parity", "--fixtures", "lecture-l-minus-8", "--backends",
                         "luajit21,luajit21-interp", "--jobs", "1", "--full",
                         "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "luajit21-interp" in (tmp_path / "parity.json").read_text()


def test_runaway_work_is_stopped_without_the_instruction_hook(tmp_path, opened):
    """A port that never returns: LuaJIT compiles its loop, which no hook
    would stop; the worker's time limit does, and the cell is an ERROR."""
    needs("luajit21")
    manifest = port_copy(tmp_path, timeout=1, backward='"while true do end"')
    backend = opened("luajit21", manifest)
    program = parse_program("y = x * 2.0", {"x": 0.5}, "y")
    cell = judged(backend, program)
    assert cell.status == ERROR and "timeout" in cell.message and "still running" in cell.message


def test_a_port_that_cannot_start_gives_error_cells_and_the_run_goes_on(tmp_path, opened):
    needs("lua54")
    backend = opened("lua54", port_copy(tmp_path, setup="'error(\"no setup\")'"))
    assert backend.version == "Lua 5.4"
    program = parse_program("y = x * 2.0", {"x": 0.5}, "y")
    cell = judged(backend, program)
    assert cell.status == ERROR and "error: setup:" in cell.message and "no setup" in cell.message


# -- integers as Lua users write them ----------------------------------------------------

@pytest.mark.parametrize("x, integral", [(3.0, True), (-2.0 ** 63, True), (2.0 ** 63, False),
                                         (0.5, False), (-0.0, False), (0.0, True),
                                         (float("inf"), False), (float("nan"), False)])
def test_which_numbers_reach_lua_as_integers(x, integral):
    assert is_lua_integer(x) is integral


def test_only_lua53_and_later_run_the_integer_variant(opened):
    integral = parse_program("y = x * 4", {"x": 0.5}, "y")      # the constant 4
    fractional = parse_program("y = x * 0.25", {"x": 0.5}, "y")
    assert has_lua_integers(integral) and not has_lua_integers(fractional)
    for runtime in AVAILABLE:
        backend = get_engine(runtime)
        want = (FLOATS, INTEGERS) if runtime in INTEGER_RUNTIMES else (FLOATS,)
        assert backend.variants(integral) == want, runtime
        assert backend.variants(fractional) == (FLOATS,), runtime
    for column in ("torch", "fd", "python_ref"):
        assert get_engine(column).variants(integral) == (FLOATS,)


@pytest.mark.parametrize("runtime", available(INTEGER_RUNTIMES))
def test_the_integer_variant_reaches_lua_as_integers(runtime, tmp_path, opened):
    """A port whose new() records math.type(x): 1.0 for an integer."""
    manifest = port_copy(tmp_path, new="\"Value(math.type(x) == 'integer' and 1 or 0)\"")
    backend = opened(runtime, manifest)
    program = parse_program("y = a + b", {"a": 3.0, "b": 0.5}, "y")
    as_integers = backend.evaluate(program, integers=True)
    as_floats = backend.evaluate(program)
    assert (as_integers["a"][0], as_integers["b"][0]) == (1.0, 0.0)
    assert (as_floats["a"][0], as_floats["b"][0]) == (0.0, 0.0)


def _integer_data(source):
    """The classic port mistake: data kept as given, so Lua 5.3+ integers stay integers."""
    assert source.count("data = data * 1.0,") == 1
    return source.replace("data = data * 1.0,", "data = data,")


WRAPPING = ["integers-*", "reuse-doubling-1000"]


def _cells(backend, names=WRAPPING):
    fixtures, errors = load_corpus(names=names)
    assert fixtures and not errors
    return {f.name: judged(backend, f.program) for f in fixtures}


def test_a_port_that_keeps_integers_fails_on_lua54(tmp_path, opened):
    needs("lua54")
    manifest = port_copy(tmp_path, _integer_data)
    cells = _cells(opened("lua54", manifest))
    failed = {name: cell for name, cell in cells.items() if cell.status == FAIL}
    assert {"integers-doubling-64", "integers-times-constant", "integers-negate-min",
            "reuse-doubling-1000"} <= set(failed)
    for cell in failed.values():
        assert cell.variant == INTEGERS
        assert cell.detail().startswith("as Lua integers: ") and cell.summary().endswith("(integers)")
    doubling = failed["integers-doubling-64"].first_fail
    assert (doubling.node, doubling.reference, doubling.candidate) == ("x#64", 2.0 ** 63, -2.0 ** 63)
    # the same copy passes where it gets floats: Lua 5.1 has no integers
    if "lua51" in AVAILABLE:
        assert {c.status for c in _cells(opened("lua51", manifest)).values()} == {EXACT}


@pytest.mark.parametrize("runtime", available(INTEGER_RUNTIMES))
def test_our_port_passes_the_integer_fixtures_on_both_runs(runtime):
    assert {cell.status for cell in _cells(get_engine(runtime)).values()} == {EXACT}


def test_a_cell_shows_the_worse_run_and_says_which():
    exact, close = Cell(EXACT), Cell(CLOSE, max_ulps=2)
    failed = Cell(FAIL, max_ulps=9, variant=INTEGERS)
    assert worse([exact, failed]) is failed
    assert worse([close, Cell(CLOSE, max_ulps=2, variant=INTEGERS)]) is close   # a tie: floats
    assert worse([close, Cell(CLOSE, max_ulps=3, variant=INTEGERS)]).variant == INTEGERS
    assert failed.to_json()["variant"] == INTEGERS and "variant" not in exact.to_json()


def test_the_matrix_judges_both_runs_of_a_lua54_cell(tmp_path):
    needs("lua54")
    fixtures, _ = load_corpus(names=["integers-times-constant"])
    result = run(fixtures, [ENGINES["lua51"], ENGINES["lua54"]], vs_torch=True, jobs=1)
    row = result.fixtures[0]
    assert row.cells["lua54"].status == EXACT and row.vs_torch["lua54"].status == EXACT


# -- one pipeline: the check of our manifest is the matrix's columns ------------------------

def _evaluations(engine, fixtures):
    """{(fixture, run): the evaluation} of every run engine has of each fixture."""
    return {(f.name, variant): engine.evaluate(f.program, integers=variant == INTEGERS)
            for f in fixtures for variant in engine.variants(f.program)}


def _bits(evaluation):
    return {node: tuple(None if x is None else struct.pack("<d", x) for x in pair)
            for node, pair in evaluation.items()}


def test_the_check_of_our_manifest_gives_the_matrix_cells_to_the_bit():
    """The engines `check harness/ports/lua_port.toml` opens and the matrix's
    columns answer every run (integers included) with the same bits, and the
    check and the matrix read the same verdicts from them."""
    runtimes = [r for r in ("lua51", "lua54", "luajit21") if r in AVAILABLE]
    fixtures, _ = load_corpus(tags=["lecture", "integers", "reuse", "nn"])
    fixtures = [f for f in fixtures if len(f.program.node_ids()) <= 5000]
    manifest = load_manifest(OUR_MANIFEST)
    specs = port_specs(manifest, runtimes)
    for spec in specs:
        checked, column = spec.open(), get_engine(spec.name)
        try:
            ours, theirs = _evaluations(checked, fixtures), _evaluations(column, fixtures)
        finally:
            checked.close()
        assert {k: _bits(v) for k, v in ours.items()} == \
            {k: _bits(v) for k, v in theirs.items()}
        if spec.name in INTEGER_RUNTIMES:
            assert any(variant == INTEGERS for _, variant in ours)
    check = run(fixtures, specs, jobs=1)
    matrix = run(fixtures, [ENGINES[r] for r in runtimes], jobs=1)
    for mine, theirs in zip(check.fixtures, matrix.fixtures):
        for runtime in runtimes:
            a, b = mine.cells[runtime], theirs.cells[runtime]
            assert (a.status, a.max_ulps, a.variant) == (b.status, b.max_ulps, b.variant), \
                (mine.name, runtime)


def test_a_port_that_keeps_integers_fails_through_the_check_as_in_the_matrix(tmp_path, capsys):
    """A copy of engine.lua without `data * 1.0`, checked the way a user checks
    a port: the integers fixtures FAIL on lua54, as the matrix's column would."""
    needs("lua54")
    port_copy(tmp_path, _integer_data)
    code = harness_main(["check", str(tmp_path / "port.toml"), "--runtimes", "lua54",
                         "--tags", "integers", "--probes", "none",
                         "--report-dir", str(tmp_path / "report")])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "integers-times-constant[lua54] FAIL: as Lua integers:" in out
    assert "integers-negate-min[lua54] FAIL: as Lua integers:" in out


# -- JIT on against JIT off ----------------------------------------------------------------

@pytest.mark.parametrize("runtime", available(JIT_RUNTIMES))
def test_jit_on_and_off_give_the_same_bits_on_a_corpus_sample(runtime):
    """The fast subset of `python -m micrograd_lab.harness.parity.jit_diff` (the whole
    corpus there): no budget covers a JIT-only difference, so none may exist."""
    fixtures, _ = load_corpus(tags=["lecture", "pow", "nn", "integers", "found"])
    diff = compare_runtime(runtime, fixtures)
    assert diff.cells == len(fixtures) and not diff.failed
    assert diff.differing == []
    assert diff.traces > 0


def test_a_jit_difference_is_found_to_the_bit():
    program = parse_program("y = x * 2.0", {"x": 0.0}, "y")
    same = {"x": (0.0, 2.0), "y": (0.0, 1.0)}
    assert first_difference(program, same, dict(same)) is None
    signed = {"x": (0.0, 2.0), "y": (-0.0, 1.0)}
    assert first_difference(program, same, signed) == ("y", "data", 0.0, -0.0)
    one_ulp = {"x": (0.0, 2.0000000000000004), "y": (0.0, 1.0)}
    assert first_difference(program, one_ulp, same) == ("x", "grad", 2.0000000000000004, 2.0)


def test_jit_coverage_says_what_is_compiled_and_where_traces_stop():
    needs("luajit21")
    labels = [label for label, _, _ in engine_functions()]
    assert {"add", "add backward", "pow", "pow backward", "topological_order",
            "backward"} <= set(labels)
    fixtures, _ = load_corpus(tags=["lecture"])
    coverage = measure("luajit21", fixtures)
    assert sorted(coverage.compiled + [label for label, _ in coverage.interpreted]) == sorted(labels)
    assert {"backward", "topological_order", "add backward", "mul backward"} <= set(coverage.compiled)
    assert coverage.traces > 0
    if "_backward = function(" in ENGINE.read_text():   # a closure per node: never compiled
        where, count = dict(coverage.interpreted)["add"]
        assert where.endswith(" FNEW") and count > 0


def test_jit_on_and_off_share_one_budget_table_each_with_its_reason():
    for column in INTERPRETER_COLUMNS:
        runtime = column_runtime(column)
        assert ENGINES[column].budget is ENGINES[runtime].budget
    for column in LUA_COLUMNS:
        for op, budget in ENGINES[column].budget.table.items():
            assert budget.reason.strip(), (column, op)
    budgets = {name: e.budget for name, e in ENGINES.items() if e.allowance == "ulps"}
    assert "luajit20-interp" in tolerances.describe(budgets)


def test_an_unavailable_runtime_makes_an_unavailable_column(monkeypatch):
    from micrograd_lab import lua_port
    monkeypatch.setattr(lua_port, "available_runtimes", lambda: ())
    engine = ENGINES["luajit21-interp"].open()
    assert isinstance(engine, UnavailableEngine) and engine.name == "luajit21-interp"

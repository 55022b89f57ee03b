"""The check's runner on fake runtimes: UNSUPPORTED from the op probe, sum
and dot lowered for a port without them, ERROR for a port that fails, the
port budgets (a CLOSE that can FAIL), and the final line's counts."""
import pytest

from harness.engines.base import EngineFailure
from harness.check.probes import LOWERED, SUPPORTED, UNSUPPORTED_OP
from harness.check.runner import Settings, budget_name, run_check
from harness.judge.verdict import UNSUPPORTED
from harness.judge.verdict import CLOSE, ERROR, EXACT, FAIL
from harness.fixture import load_corpus
from harness.ops import OPS

from check_fakes import FakeRuntime, tanh_off_by

NO_PROBES = Settings(jobs=2, probes=())


def fixtures(*names):
    found, errors = load_corpus(names=list(names))
    assert not errors and len(found) == len(names)
    return found


def check(runtimes, corpus, **kw):
    return run_check("fake", "lua", "fake.toml", corpus, runtimes, settings=NO_PROBES, **kw)


def test_a_port_without_an_op_reads_unsupported_naming_it():
    corpus = fixtures("tanh-at-0p5", "lecture-neuron-tanh", "lecture-l-minus-8")
    result = check([FakeRuntime("lua54", lacks={"tanh"})], corpus)
    run = result.runs[0]
    assert run.ops["tanh"].state == UNSUPPORTED_OP and run.ops["add"].state == SUPPORTED
    cells = run.cells
    assert cells["tanh-at-0p5"].status == UNSUPPORTED
    assert cells["tanh-at-0p5"].message == "the port has no tanh"
    assert cells["lecture-neuron-tanh"].status == UNSUPPORTED
    assert cells["lecture-l-minus-8"].status == EXACT
    assert result.final_line() == "1 passed, 0 failed, 0 skipped, 2 unsupported, 0 convention"
    assert result.ok()


def test_declared_ops_skip_the_probe_and_sum_dot_are_lowered():
    corpus = fixtures("nn-relu-neuron-2", "wide-sum-1000-inputs")
    declared = set(OPS) - {"sum", "dot", "exp"}
    runtime = FakeRuntime("lua51", declared=declared, lacks={"sum", "dot"})
    run = check([runtime], corpus).runs[0]
    assert run.ops["sum"].state == run.ops["dot"].state == LOWERED
    assert run.ops["exp"].state == UNSUPPORTED_OP
    assert {c.status for c in run.cells.values()} == {EXACT}
    assert not runtime.seen_ops & {"sum", "dot", "exp"}   # never sent, not even by the probe


def test_a_failing_port_is_one_error_cell_and_the_run_goes_on():
    corpus = fixtures("lecture-l-minus-8", "lecture-d-abc")
    result = check([FakeRuntime("lua54", fails={"L"}), FakeRuntime("lua51")], corpus)
    failing, fine = result.runs
    assert failing.cells["lecture-l-minus-8"].status == ERROR
    assert failing.cells["lecture-l-minus-8"].message.startswith("crash: the port died")
    assert failing.cells["lecture-d-abc"].status == EXACT
    assert {c.status for c in fine.cells.values()} == {EXACT}
    assert result.final_line() == "3 passed, 1 failed, 0 skipped, 0 unsupported, 0 convention"
    assert not result.ok()


def test_a_port_tanh_within_its_budget_is_close_beyond_it_fails():
    corpus = fixtures("tanh-at-0p5")
    close = check([FakeRuntime("lua54", value_class=tanh_off_by(2))], corpus).runs[0]
    assert close.cells["tanh-at-0p5"].status == CLOSE
    failed = check([FakeRuntime("lua54", value_class=tanh_off_by(5))], corpus).runs[0]
    cell = failed.cells["tanh-at-0p5"]
    assert cell.status == FAIL and (cell.first_fail.node, cell.first_fail.field) == ("y", "data")


def test_the_matrix_own_columns_stay_exact_only():
    # a port on lua51 has a tanh budget; the matrix's lua51 column (our port) has none
    from harness.judge import tolerances
    assert "tanh" in tolerances.budget_table("port-lua51")
    assert "tanh" not in tolerances.budget_table("lua51")


@pytest.mark.parametrize("hello, expected", [
    ({"language": "python"}, "port-python"), ({"language": "JavaScript"}, "port-javascript"),
    ({"language": "cobol"}, "port-command"), (None, "port-command"),
    ({"language": "lua", "version": "Lua 5.4"}, "port-lua54"),
    ({"language": "lua", "version": "LuaJIT 2.1.1774896198"}, "port-luajit21"),
    ({"language": "lua", "version": "Ravi 1.0"}, "port-command")])
def test_command_ports_are_judged_by_their_language(hello, expected):
    assert budget_name("command", FakeRuntime("p", hello=hello)) == expected
    assert budget_name("lua", FakeRuntime("luajit20")) == "port-luajit20"


def test_every_runtime_is_judged_against_one_reference_per_fixture(monkeypatch):
    from harness.check import runner
    calls = []
    real = runner.References.get

    def counting(self, index):
        calls.append(index)
        return real(self, index)
    corpus = fixtures("lecture-l-minus-8", "lecture-d-abc", "nn-relu-neuron-2")
    runtimes = [FakeRuntime(name) for name in ("lua51", "lua52", "lua53")]
    monkeypatch.setattr(runner.References, "get", counting)
    computed = []
    from harness.backends import get_backend
    backend = get_backend("python_ref")
    original = type(backend).evaluate
    monkeypatch.setattr(type(backend), "evaluate",
                        lambda self, p: computed.append(p) or original(self, p))
    result = check(runtimes, corpus)
    assert sorted(calls) == sorted([0, 1, 2] * 3)
    assert len(computed) == 3
    assert result.final_line() == "9 passed, 0 failed, 0 skipped, 0 unsupported, 0 convention"


class Stubborn(FakeRuntime):
    """A port that cannot restart and cannot say its ops."""

    def restart(self):
        raise EngineFailure("crash", "cannot start: no such file")

    def declared_ops(self):
        raise RuntimeError("the hello was lost")


def test_a_port_that_cannot_restart_or_say_its_ops_does_not_stop_the_run():
    corpus = fixtures("lecture-l-minus-8")
    settings = Settings(probes=("determinism", "depth-chain"), depth_max=500)
    result = run_check("fake", "lua", "fake.toml", corpus, [Stubborn("lua54")],
                       settings=settings)
    run = result.runs[0]
    assert run.cells["lecture-l-minus-8"].status == EXACT
    assert run.probes["determinism"].status == "not run"
    assert run.probes["determinism"].summary.startswith("not measured: crash: cannot start")
    assert run.probes["depth-chain"].status == "ok"
    assert run.ops["add"].message == "RuntimeError: the hello was lost"

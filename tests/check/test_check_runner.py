"""The runner on fake engines, as a check runs it: UNSUPPORTED from the op
probe, sum and dot lowered for a port without them, ERROR for a port that
fails, the port budgets (a CLOSE that can FAIL), and the final line's counts."""
import pytest

from micrograd_lab.harness.engines.base import EngineFailure
from micrograd_lab.harness.engines.budgets import command_port_budget, lua_port_budget
from micrograd_lab.harness.engines.command import lua_runtime_of
from micrograd_lab.harness.engines.registry import ENGINES
from micrograd_lab.harness.fixture import load_corpus
from micrograd_lab.harness.judge.verdict import CLOSE, ERROR, EXACT, FAIL, UNSUPPORTED
from micrograd_lab.harness.ops import OPS
from micrograd_lab.harness.probes import LOWERED, SUPPORTED, UNSUPPORTED_OP
from micrograd_lab.harness.run import CheckSettings, Port, run

from check_fakes import FakeEngine, FakeSpec, tanh_off_by

NO_PROBES = CheckSettings(probes=())
PORT = Port("fake", "lua", "fake.toml")


def fixtures(*names):
    found, errors = load_corpus(names=list(names))
    assert not errors and len(found) == len(names)
    return found


def check(specs, corpus, settings=NO_PROBES):
    return run(corpus, specs, check=settings, port=PORT, jobs=1)


def test_a_port_without_an_op_reads_unsupported_naming_it():
    corpus = fixtures("tanh-at-0p5", "lecture-neuron-tanh", "lecture-l-minus-8")
    result = check([FakeSpec("lua54", lacks={"tanh"})], corpus)
    ops = result.ops["lua54"]
    assert ops["tanh"].state == UNSUPPORTED_OP and ops["add"].state == SUPPORTED
    cells = result.cells_of("lua54")
    assert cells["tanh-at-0p5"].status == UNSUPPORTED
    assert cells["tanh-at-0p5"].message == "the port has no tanh"
    assert cells["lecture-neuron-tanh"].status == UNSUPPORTED
    assert cells["lecture-l-minus-8"].status == EXACT
    assert result.final_line() == "1 passed, 0 failed, 2 unsupported"
    assert result.ok()


def test_declared_ops_skip_the_probe_and_sum_dot_are_lowered():
    corpus = fixtures("nn-relu-neuron-2", "wide-sum-1000-inputs")
    declared = set(OPS) - {"sum", "dot", "exp"}
    spec = FakeSpec("lua51", declared=declared, lacks={"sum", "dot"})
    result = check([spec], corpus)
    ops = result.ops["lua51"]
    assert ops["sum"].state == ops["dot"].state == LOWERED
    assert ops["exp"].state == UNSUPPORTED_OP
    assert {c.status for c in result.cells_of("lua51").values()} == {EXACT}
    assert not spec.engine.seen_ops & {"sum", "dot", "exp"}   # never sent, not even by the probe


def test_a_failing_port_is_one_error_cell_and_the_run_goes_on():
    corpus = fixtures("lecture-l-minus-8", "lecture-d-abc")
    result = check([FakeSpec("lua54", fails={"L"}), FakeSpec("lua51")], corpus)
    failing, fine = result.cells_of("lua54"), result.cells_of("lua51")
    assert failing["lecture-l-minus-8"].status == ERROR
    assert failing["lecture-l-minus-8"].message.startswith("crash: the port died")
    assert failing["lecture-d-abc"].status == EXACT
    assert {c.status for c in fine.values()} == {EXACT}
    assert result.final_line() == "3 passed, 1 failed"
    assert not result.ok()


def test_a_port_tanh_within_its_budget_is_close_beyond_it_fails():
    # a port's own tanh: 2 ulp (doubled); on the lecture level, tanh through
    # exp's 6 ulp of max(|t|, 1 - t**2) (doubled: 24 ulp of t at 0.5)
    corpus = fixtures("tanh-at-0p5", "tanh-at-7")
    statuses = {}
    for ulps in (2, 5, 30):
        result = check([FakeSpec("lua54", value_class=tanh_off_by(ulps))], corpus)
        statuses[ulps] = {name: cell.status for name, cell in result.cells_of("lua54").items()}
        for cell in result.cells_of("lua54").values():
            assert cell.status == CLOSE or (cell.first_fail.node, cell.first_fail.field) == \
                ("y", "data")
    assert statuses == {2: {"tanh-at-0p5": CLOSE, "tanh-at-7": CLOSE},
                        5: {"tanh-at-0p5": CLOSE, "tanh-at-7": FAIL},
                        30: {"tanh-at-0p5": FAIL, "tanh-at-7": FAIL}}


def test_the_matrix_own_columns_stay_exact_only():
    # a port on lua51 has a tanh budget; the matrix's lua51 column (our port) has none
    assert "tanh" in lua_port_budget("lua51").table
    assert "tanh" not in ENGINES["lua51"].budget.table


@pytest.mark.parametrize("hello, expected", [
    ({"language": "python"}, "port-python"), ({"language": "JavaScript"}, "port-javascript"),
    ({"language": "cobol"}, "port-cobol"), ({"language": ""}, "port-command"),
    ({"language": "lua", "version": "Lua 5.4"}, "port-lua54"),
    ({"language": "lua", "version": "LuaJIT 2.1.1774896198"}, "port-luajit21"),
    ({"language": "lua", "version": "Ravi 1.0"}, "port-lua")])
def test_command_ports_are_judged_by_their_language(hello, expected):
    budget = command_port_budget(hello["language"], lua_runtime_of(hello))
    assert budget.name == expected
    # what the budget allows follows the libm, not the name
    fdlibm = expected in ("port-javascript", "port-cobol", "port-command", "port-lua")
    assert ("exp" in budget.table) == fdlibm
    assert lua_port_budget("luajit20").table["exp"].data == 1


def test_every_engine_is_judged_against_one_reference_per_fixture(monkeypatch):
    corpus = fixtures("lecture-l-minus-8", "lecture-d-abc", "nn-relu-neuron-2")
    specs = [FakeSpec(name) for name in ("lua51", "lua52", "lua53")]
    computed = []
    from micrograd_lab.harness.engines.registry import get_engine
    reference = get_engine("python_ref")
    original = type(reference).evaluate
    monkeypatch.setattr(type(reference), "evaluate",
                        lambda self, p, **kw: computed.append(p) or original(self, p))
    result = check(specs, corpus)
    assert len(computed) == 3
    assert result.final_line() == "9 passed, 0 failed"


class Stubborn(FakeEngine):
    """A port that cannot restart and cannot say its ops."""

    def restart(self):
        raise EngineFailure("crash", "cannot start: no such file")

    def declared_ops(self):
        raise RuntimeError("the hello was lost")


def test_a_port_that_cannot_restart_or_say_its_ops_does_not_stop_the_run():
    corpus = fixtures("lecture-l-minus-8")
    settings = CheckSettings(probes=("determinism", "depth-chain"), depth_max=500)
    result = check([FakeSpec("lua54", engine_class=Stubborn)], corpus, settings)
    probes = result.probes["lua54"]
    assert result.cells_of("lua54")["lecture-l-minus-8"].status == EXACT
    assert probes["determinism"].status == "not run"
    assert probes["determinism"].summary.startswith("not measured: crash: cannot start")
    assert probes["depth-chain"].status == "ok"
    assert result.ops["lua54"]["add"].message == "RuntimeError: the hello was lost"


def test_a_run_never_reuses_an_earlier_runs_lowered_programs():
    # both lowered (no sum, no dot), the second corpus at the first one's places
    lacking = dict(declared=set(OPS) - {"sum", "dot"}, lacks={"sum", "dot"})
    first = check([FakeSpec("lua51", **lacking)], fixtures("nn-relu-neuron-2"))
    assert first.cells_of("lua51")["nn-relu-neuron-2"].status == EXACT
    second = check([FakeSpec("lua51", **lacking)], fixtures("wide-sum-1000-inputs"))
    assert second.cells_of("lua51")["wide-sum-1000-inputs"].status == EXACT

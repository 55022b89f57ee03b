"""The nn half through the check, on real ports: our own two pass every row;
micrograd 0.1.0 passes its kind of MLP; a port without nn reads
UNSUPPORTED, one whose MLP throws ERROR with its own message, one with a
wrong gradient FAIL naming the parameter, one whose zero_grad forgets the
biases FAIL after the first SGD step; a Lua port whose neurons add their
terms in their own order, with its own tanh, passes."""
import shutil

import pytest
from command_helpers import REPO, lua_has_dkjson, python_driver_port

from micrograd_lab.harness.__main__ import main as harness_main
from micrograd_lab.harness.check.cli import check_port
from micrograd_lab.harness.engines.manifest import load_manifest
from micrograd_lab.harness.engines.open import open_port
from micrograd_lab.harness.judge.verdict import CLOSE, EXACT, FAIL, UNSUPPORTED
from micrograd_lab.harness.nn.cases import names as case_names
from micrograd_lab.harness.nn.cases import select
from micrograd_lab.harness.run import CheckSettings, nn_case_cell
from micrograd_lab.lua_port import available_runtimes

PORTS = REPO / "harness" / "ports"
TEST_PORTS = REPO / "tests" / "ports"
JS_NN = TEST_PORTS / "js-nn"
PASSED = {EXACT, CLOSE}
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="`node` is not installed")


def nn_cells(manifest, names=("mlp-*",), runtimes=None):
    """{row: {engine: Cell}} of the nn rows the names choose, as the check
    judges them (its op probe and pool aside)."""
    engines = open_port(load_manifest(manifest), runtimes)
    try:
        return {case.name: {e.name: nn_case_cell(e, case.request) for e in engines}
                for case in select(names)}
    finally:
        for engine in engines:
            engine.close()


def passed(cells):
    return all(c.status in PASSED for row in cells.values() for c in row.values())


def statuses(cells):
    return {row: {engine: cell.status for engine, cell in by_engine.items()}
            for row, by_engine in cells.items()}


def lua_runtimes(*wanted):
    present = [r for r in wanted if r in available_runtimes()]
    if not present:
        pytest.skip(f"lupa has none of {', '.join(wanted)} here")
    return present


def test_python_ref_through_its_driver_is_exact_on_every_row():
    cells = nn_cells(PORTS / "python_ref.toml")
    assert set(cells) == set(case_names())
    assert {c.status for row in cells.values() for c in row.values()} == {EXACT}


def test_our_lua_port_passes_every_row_its_own_tanh_on_lua_5_4_included():
    cells = nn_cells(PORTS / "lua_port.toml", runtimes=lua_runtimes("lua54"))
    assert set(cells) == set(case_names())
    assert passed(cells), statuses(cells)
    assert cells["mlp-moons-sgd-tanh-tanh"]["lua54"].status == CLOSE   # its own tanh


def test_micrograd_0_1_0_passes_its_mlp_and_builds_no_tanh_one():
    """Its MLP (relu hidden layers, a linear output) is found beside its
    Value class; it adds a neuron from b as python_ref does, but walks its
    graph by sets, so its gradients may sum in another order (CLOSE)."""
    cells = nn_cells(PORTS / "micrograd-0.1.0.toml")
    got = {row: cell for row, by_engine in cells.items() for cell in by_engine.values()}
    assert {got["mlp-lecture-relu-linear"].status, got["mlp-moons-sgd-relu-linear"].status} <= PASSED
    for row in ("mlp-lecture-tanh-tanh", "mlp-moons-sgd-tanh-tanh"):
        assert got[row].status == UNSUPPORTED
        assert got[row].message == "the port's MLP is relu-linear, not tanh-tanh"


@needs_node
def test_a_command_port_without_nn_reads_unsupported():
    cells = nn_cells(TEST_PORTS / "js" / "port.toml", ["mlp-lecture-*"])
    assert {(c.status, c.message) for row in cells.values() for c in row.values()} == {
        (UNSUPPORTED, 'the port has no nn (no MLP: docs/protocol.md, "The nn half")')}


def test_a_lua_port_without_an_mlp_reads_unsupported(tmp_path):
    [runtime] = lua_runtimes("lua54")
    cells = nn_cells(TEST_PORTS / "correct" / "port.toml", ["mlp-lecture-*"], [runtime])
    # its setup leaves no global MLP: [nn] mlp's own call hits nil
    assert cells["mlp-lecture-relu-linear"][runtime].status == UNSUPPORTED
    assert cells["mlp-lecture-relu-linear"][runtime].message == "the port has no mlp"
    assert cells["mlp-lecture-tanh-tanh"][runtime].message == \
        "the port's MLP is relu-linear, not tanh-tanh"
    manifest = tmp_path / "port.toml"
    manifest.write_text(f'[port]\nname = "no-mlp"\nlanguage = "lua"\n'
                        f'root = "{TEST_PORTS / "correct"}"\nsetup = \'Value = require("scalar")\'\n'
                        '[nn]\nmlp = false\n')
    cells = nn_cells(manifest, ["mlp-lecture-*"], [runtime])
    assert {c.message for row in cells.values() for c in row.values()} == {
        'the port has no nn (no MLP: docs/protocol.md, "The nn half")'}


@needs_node
def test_an_mlp_that_throws_reads_error_with_the_ports_message(tmp_path, capsys):
    code = harness_main(["check", str(JS_NN / "throws.toml"), "--fixtures", "mlp-lecture-*",
                         "--probes", "none", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[-1] == "0 passed, 1 failed, 1 unsupported"
    # the port's own message, and where in its code it was thrown
    line = next(l for l in out if l.startswith("mlp-lecture-tanh-tanh[js-nn-throws] ERROR"))
    assert line.startswith("mlp-lecture-tanh-tanh[js-nn-throws] ERROR: error: ReferenceError: "
                           "random is not defined [at nn.js:")


@needs_node
def test_a_wrong_gradient_fails_naming_the_parameter():
    cells = nn_cells(JS_NN / "detached-bias.toml", ["mlp-lecture-tanh-tanh"])
    cell = cells["mlp-lecture-tanh-tanh"]["js-nn-detached-bias"]
    assert cell.status == FAIL
    assert cell.summary() == "FAIL b1_0.grad"
    assert cell.detail().startswith("node b1_0 (parameter, parameters()[3]) grad: expected ")


@needs_node
def test_a_zero_grad_that_forgets_the_biases_fails_after_the_first_step():
    cells = nn_cells(JS_NN / "keeps-bias-grad.toml", ["mlp-*-tanh-tanh"])
    engine = "js-nn-keeps-bias-grad"
    assert cells["mlp-lecture-tanh-tanh"][engine].status in PASSED
    moons = cells["mlp-moons-sgd-tanh-tanh"][engine]
    assert moons.status == FAIL
    assert moons.first_fail.node.startswith("b") and moons.first_fail.node.endswith("@step1")
    assert "after 1 SGD step" in moons.detail()


@needs_node
def test_a_javascript_mlp_with_nodes_own_tanh_passes_the_kind_it_builds():
    cells = nn_cells(JS_NN / "port.toml")
    got = {row: cell.status for row, by_engine in cells.items() for cell in by_engine.values()}
    assert got["mlp-lecture-relu-linear"] == got["mlp-moons-sgd-relu-linear"] == UNSUPPORTED
    assert {got["mlp-lecture-tanh-tanh"], got["mlp-moons-sgd-tanh-tanh"]} <= PASSED


def test_a_lua_mlp_that_orders_its_neurons_own_way_and_brings_its_tanh_passes():
    cells = nn_cells(TEST_PORTS / "correct" / "nn.toml", ["mlp-lecture-*"],
                     lua_runtimes("lua51", "lua54"))
    assert passed(cells), statuses(cells)


@pytest.mark.skipif(not lua_has_dkjson("lua5.4"), reason="lua5.4 with dkjson is not installed")
def test_the_stand_alone_lua_driver_answers_the_nn_half():
    assert passed(nn_cells(PORTS / "lua_port-lua5.4.toml", ["mlp-lecture-*"]))


def test_the_check_adds_the_nn_rows_its_filters_choose(tmp_path, capsys):
    result, _ = check_port(PORTS / "python_ref.toml", ["lecture-d-abc", "mlp-lecture-*"], (), (),
                           CheckSettings(probes=()))
    assert [(f.name, f.tags[-1]) for f in result.fixtures] == [
        ("lecture-d-abc", "ops"), ("mlp-lecture-relu-linear", "nn"),
        ("mlp-lecture-tanh-tanh", "nn")]
    assert result.final_line() == "3 passed, 0 failed"
    assert select(["lecture-*"]) == () and select((), ["lecture"]) == ()
    assert [c.name for c in select((), ["nn"])] == list(case_names())
    code = harness_main(["check", str(PORTS / "python_ref.toml"), "--fixtures",
                         "mlp-no-such-case", "--report-dir", str(tmp_path)])
    assert code == 2
    assert "no fixture matches mlp-no-such-case" in capsys.readouterr().err


@pytest.mark.parametrize("options, kinds", [
    ([], ("relu-linear",)),     # python_ref.nn.MLP, beside the Value class (--nn-kinds: python_ref.toml)
    (["--nn", "none"], ()),
])
def test_the_python_driver_finds_the_mlp_beside_the_value_class(tmp_path, options, kinds):
    manifest = python_driver_port(tmp_path, "python_ref.engine:Value", "--path", REPO, *options)
    [engine] = open_port(load_manifest(manifest))
    try:
        assert engine.nn_kinds() == kinds
    finally:
        engine.close()


def test_an_nn_module_whose_own_import_fails_is_no_port_without_nn(tmp_path):
    # nn.py importing a misspelt module read "the port has no nn", and the check passed
    package = tmp_path / "mg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "engine.py").write_text("from micrograd_lab.python_ref import Value\n")
    (package / "nn.py").write_text("from mg.engin import Value\n\nclass MLP:\n    pass\n")
    manifest = python_driver_port(tmp_path, "mg.engine:Value", "--path", tmp_path)
    [engine] = open_port(load_manifest(manifest))
    try:
        failure = engine.start_failure()
        assert failure is not None and "No module named 'mg.engin'" in failure.message
    finally:
        engine.close()


def _trajectory(request, grads_of):
    """An MlpAnswer of a port whose gradients at each pass are grads_of(step,
    python_ref's gradients at its parameters, its gradients of the pass before)."""
    from micrograd_lab.harness.nn.reference import reference_pass
    from micrograd_lab.harness.nn.request import MlpAnswer

    parameters, losses, gradients = tuple(request.parameters), [], []
    for step in range(request.steps + 1):
        if step:
            parameters = tuple(p - request.learning_rate * g
                               for p, g in zip(parameters, gradients[-1]))
        loss, want = reference_pass(request, parameters)
        losses.append(loss)
        gradients.append(tuple(grads_of(step, want, gradients[-1] if gradients else None)))
    return MlpAnswer(tuple(losses), tuple(gradients))


def test_gradients_that_add_up_from_step_to_step_are_named_and_no_other_fault_is():
    from micrograd_lab.harness.diagnoses import examine_nn
    from micrograd_lab.harness.judge.tolerances import port_budget
    from micrograd_lab.harness.nn.cell import judge_answer
    from micrograd_lab.harness.nn.request import parameter_names

    [case] = select(["mlp-moons-sgd-tanh-tanh"])
    request = case.request
    biases = [i for i, n in enumerate(parameter_names(request.sizes)) if n.startswith("b")]

    def findings(grads_of):
        answer = _trajectory(request, grads_of)
        cell = judge_answer(port_budget("port-lua"), request, answer)
        return cell.status, [e.bug for e in examine_nn(case, answer, cell, "lua54")]

    # a zero_grad that skips the biases: theirs add up
    assert findings(lambda step, want, before: [
        w + (before[i] if step and i in biases else 0.0) for i, w in enumerate(want)]) == (
        FAIL, ["zero-grad"])
    # no zero_grad at all: every gradient adds up
    assert findings(lambda step, want, before: [
        w + (before[i] if step else 0.0) for i, w in enumerate(want)]) == (FAIL, ["zero-grad"])
    # a bias gradient off another way after a step (twice python_ref's): not this bug
    assert findings(lambda step, want, before: [
        w * (2.0 if step and i in biases else 1.0) for i, w in enumerate(want)]) == (FAIL, [])
    # right: nothing
    assert findings(lambda step, want, before: want)[1] == []


def test_an_mlp_of_another_kind_than_the_row_is_named_with_the_kind_it_builds():
    from dataclasses import replace
    from micrograd_lab.harness.diagnoses import nn_kind
    from micrograd_lab.harness.judge.verdict import FAIL as FAILED
    from micrograd_lab.harness.nn.cases import lecture_case
    from micrograd_lab.harness.nn.reference import reference_pass
    from micrograd_lab.harness.nn.request import MlpAnswer

    case = lecture_case("relu-linear")
    failed = type("Cell", (), {"status": FAILED})()

    def answer(kind, nudge=0.0):
        loss, grads = reference_pass(replace(case.request, kind=kind), case.request.parameters)
        return MlpAnswer((loss + nudge,), (grads,))
    # micrograd's nonlin on every layer: a relu on the output too
    [found] = nn_kind.examine_nn(case, answer("relu-relu"), failed, "lua54")
    assert found.bug == "nn-kind" and "are python_ref's relu-relu MLP's" in found.detail
    [found] = nn_kind.examine_nn(case, answer("tanh-tanh"), failed, "lua54")
    assert "the row asks a relu-linear MLP" in found.detail and "tanh-tanh MLP's" in found.detail
    # the row's own kind, or a loss off another way: nothing to say
    assert nn_kind.examine_nn(case, answer("relu-linear"), failed, "lua54") == []
    assert nn_kind.examine_nn(case, answer("tanh-tanh", nudge=0.5), failed, "lua54") == []


@pytest.mark.parametrize("what", ["each neuron's bias before its weights",
                                  "each layer's weights, then its biases"])
def test_parameters_in_another_order_are_named_with_the_order(what):
    from micrograd_lab.harness.diagnoses import parameter_order
    from micrograd_lab.harness.judge.verdict import FAIL as FAILED
    from micrograd_lab.harness.nn.cases import lecture_case
    from micrograd_lab.harness.nn.reference import reference_pass
    from micrograd_lab.harness.nn.request import MlpAnswer

    case = lecture_case("tanh-tanh")
    failed = type("Cell", (), {"status": FAILED})()
    order = parameter_order.orders(case.request.sizes)[what]
    values = [0.0] * len(order)
    for k, index in enumerate(order):   # what the port's MLP holds once the check set it
        values[index] = case.request.parameters[k]
    loss, grads = reference_pass(case.request, tuple(values))
    answer = MlpAnswer((loss,), (tuple(grads[index] for index in order),))
    [found] = parameter_order.examine_nn(case, answer, failed, "lua54")
    assert found.bug == "parameter-order" and found.detail.endswith(what)
    # micrograd's own order is no finding
    loss, grads = reference_pass(case.request, case.request.parameters)
    assert parameter_order.examine_nn(case, MlpAnswer((loss,), (grads,)), failed, "lua54") == []


def test_an_nn_rows_leaves_are_named_parameters():
    # "farthest off: node b1_1 (input)" read as an input of the student's MLP
    cells = nn_cells(TEST_PORTS / "nn-kind" / "port.toml", ["mlp-lecture-relu-linear"],
                     lua_runtimes("lua54"))
    [cell] = cells["mlp-lecture-relu-linear"].values()
    assert "farthest off: node w2_0_0 (parameter) grad" in cell.detail()


"""The Python driver (harness/drivers/python_driver.py): python_ref
through it is python_ref to the bit; micrograd 0.1.0 from PyPI through it
shows its own faults, unmended."""
import sys

import pytest
from command_helpers import (PORTS, PYTHON_DRIVER, REPO, awkward_program, backward_twice, chain,
                             differing, opened, ops_by_state, program, python_driver_port,
                             same_bits, small_corpus)

from micrograd_lab.harness.check.cli import check_port
from micrograd_lab.harness.engines.command import CommandEngine
from micrograd_lab.harness.engines.command_protocol import validator
from micrograd_lab.harness.engines.manifest import load_manifest
from micrograd_lab.harness.engines.open import open_port
from micrograd_lab.harness.engines.base import NUMBER_EXPONENT, VALUE_EXPONENT, EngineFailure, Unsupported
from micrograd_lab.harness.run import CheckSettings
from micrograd_lab.harness.probes import BROKEN, LOWERED, SUPPORTED, UNSUPPORTED_OP
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.ops import OPS

MICROGRAD_OPS = frozenset(["add", "sub", "mul", "div", "pow", "neg", "relu"])


@pytest.fixture(scope="module")
def python_ref():
    with opened(PORTS / "python_ref.toml") as runtime:
        yield runtime


@pytest.fixture(scope="module")
def micrograd():
    pytest.importorskip("micrograd", reason="micrograd 0.1.0 is not installed (pip install -e '.[dev]')")
    with opened(PORTS / "micrograd-0.1.0.toml") as runtime:
        yield runtime


def failure(runtime, p):
    with pytest.raises(EngineFailure) as caught:
        runtime.evaluate(p)
    return caught.value


# -- python_ref: the driver loses nothing ---------------------------------------

def test_python_ref_says_a_valid_hello_and_runs_every_op(python_ref):
    validator().validate(python_ref.hello)
    assert python_ref.hello["language"] == "python"
    assert "CPython" in python_ref.version
    assert python_ref.declared_ops() is None    # the driver has no list of ops
    assert ops_by_state(python_ref) == {SUPPORTED: set(OPS)}


def test_python_ref_through_the_driver_is_python_ref_to_the_bit(python_ref):
    assert differing(python_ref, small_corpus()) == []


@pytest.mark.parametrize("integers", [False, True])
def test_awkward_numbers_cross_exactly(python_ref, integers):
    p = awkward_program()
    got = python_ref.evaluate(p, integers=integers)
    assert same_bits(got, interpret(p))
    assert repr(got["t"][0]) == "0.30000000000000004"


def test_a_long_chain_crosses_whole(python_ref):
    p = chain(5_000)
    assert same_bits(python_ref.evaluate(p), interpret(p))


@pytest.mark.parametrize("manifest", ["python_ref.toml", "micrograd-0.1.0.toml"])
def test_backward_twice_accumulates(manifest):
    if manifest.startswith("micrograd"):
        pytest.importorskip("micrograd")
    assert backward_twice(PORTS / manifest) == (-4.0, 6.0)


# -- micrograd 0.1.0: its real faults -----------------------------------------------

def test_micrograd_has_the_ops_it_has(micrograd):
    assert micrograd.version.startswith("micrograd 0.1.0 (CPython")
    found = ops_by_state(micrograd)
    assert found[SUPPORTED] == MICROGRAD_OPS and found[LOWERED] == {"sum", "dot"}
    assert found[UNSUPPORTED_OP] == set(OPS) - MICROGRAD_OPS - {"sum", "dot"}


def test_micrograd_agrees_where_it_computes_the_same_way(micrograd):
    p = program("c = a * b + 1.0\nd = c - a\ne = (d * d).relu()\nf = e ** 2.0 - 3.0 * a",
                {"a": 0.1, "b": -2.5}, "f")
    assert same_bits(micrograd.evaluate(p), interpret(p))


@pytest.mark.parametrize("op", ["tanh", "exp", "log", "sigmoid"])
def test_micrograd_has_no_tanh_exp_log_sigmoid(micrograd, op):
    with pytest.raises(Unsupported) as caught:
        micrograd.evaluate(program(f"y = x.{op}()", {"x": 0.5}, "y"))
    assert caught.value.op == op


@pytest.mark.parametrize("integers", [False, True])
def test_micrograd_raises_zero_division_error_on_x_over_0(micrograd, integers):
    pid = micrograd.pid
    fault = failure(micrograd, program("y = x / z", {"x": 1.0, "z": 0.0}, "y"))
    assert fault.kind == "error"
    assert fault.message.startswith("ZeroDivisionError: ")
    assert micrograd.pid == pid    # the port said so itself: no restart


def test_micrograd_divides_as_x_times_y_to_the_minus_1(micrograd):
    p = program("y = x / z", {"x": 3.0, "z": 10.0}, "y")
    assert interpret(p)["y"][0] == 0.3
    assert micrograd.evaluate(p)["y"][0] == 3.0 * 10.0 ** -1 == 0.30000000000000004


def test_micrograd_backward_recurses_past_about_1000_nodes(micrograd):
    assert same_bits(micrograd.evaluate(chain(900)), interpret(chain(900)))
    fault = failure(micrograd, chain(1_000))
    assert fault.kind == "error"
    assert fault.message.startswith("RecursionError: maximum recursion depth exceeded")
    assert same_bits(micrograd.evaluate(chain(900)), interpret(chain(900)))


def test_micrograd_says_its_pow_takes_a_number_exponent_and_is_sent_no_other(micrograd):
    assert micrograd.hello["pow"] == NUMBER_EXPONENT and micrograd.number_exponent_only
    for text in ("y = x ** z", "y = 2.0 ** x"):
        with pytest.raises(Unsupported) as caught:
            micrograd.evaluate(program(text, {"x": 2.0, "z": 3.0}, "y"))
        assert caught.value.op == VALUE_EXPONENT
    assert micrograd.evaluate(program("y = x ** 3.0", {"x": 2.0}, "y"))["x"] == (2.0, 12.0)


def test_micrograd_without_the_declaration_refuses_a_value_exponent_itself():
    pytest.importorskip("micrograd", reason="micrograd 0.1.0 is not installed")
    command = [sys.executable, "-B", str(PYTHON_DRIVER), "micrograd.engine:Value"]
    with CommandEngine("micrograd", command, REPO, timeout=10, max_memory=512) as runtime:
        assert not runtime.number_exponent_only and "pow" not in runtime.hello
        fault = failure(runtime, program("y = x ** z", {"x": 2.0, "z": 3.0}, "y"))
    assert fault.kind == "error"
    # the driver names the place in micrograd's own file (under site-packages)
    assert fault.message.startswith("AssertionError: only supporting int/float powers for now "
                                    "[at micrograd/engine.py:")
    assert fault.message.endswith(" in __pow__]")


# -- the driver's options, on a class written here -----------------------------------

SMALL_CLASS = '''
class Scalar:
    def __init__(self, x):
        self.value, self.gradient = x, 0.0

    def __mul__(self, other):
        other = other if isinstance(other, Scalar) else Scalar(other)
        out = Scalar(self.value * other.value)
        print("multiplying", self.value, other.value)   # must not reach the protocol
        def step():
            self.gradient += other.value * out.gradient
            other.gradient += self.value * out.gradient
        out.step = step
        return out

    def squash(self):
        raise OverflowError("squash is not written yet")

    def run_backward(self):
        self.gradient = 1.0
        self.step()
'''


@pytest.fixture
def small_class(tmp_path):
    (tmp_path / "scalar.py").write_text(SMALL_CLASS)
    return tmp_path


def scalar_port(folder, *options):
    command = [sys.executable, "-B", str(PYTHON_DRIVER), "scalar:Scalar", "--path", ".",
               "--data", "value", "--grad", "gradient", "--backward", "run_backward", *options]
    return CommandEngine("scalar", command, folder, timeout=10, max_memory=512)


def test_the_options_reach_another_api(small_class):
    with scalar_port(small_class, "--method", "tanh=squash", "--name", "scalar") as runtime:
        found = ops_by_state(runtime)
        assert found[SUPPORTED] == {"mul"} and found[BROKEN] == {"tanh"}
        assert runtime.hello["name"] == "scalar"
        assert runtime.evaluate(program("y = x * 3.0", {"x": 2.0}, "y")) == \
            {"x": (2.0, 3.0), "y": (6.0, 1.0)}
        fault = failure(runtime, program("y = x.tanh()", {"x": 2.0}, "y"))
        assert (fault.kind, fault.message) == (
            "error", "OverflowError: squash is not written yet [at scalar.py:17 in squash]")
        with pytest.raises(Unsupported) as caught:
            runtime.evaluate(program("y = x + 3.0", {"x": 2.0}, "y"))
        assert caught.value.op == "add"


def test_a_class_that_cannot_be_imported_is_a_crash_with_the_reason(small_class):
    command = [sys.executable, "-B", str(PYTHON_DRIVER), "no_such_module:Value"]
    with CommandEngine("missing", command, small_class, timeout=10, max_memory=512) as runtime:
        fault = failure(runtime, program("y = x * 3.0", {"x": 2.0}, "y"))
    assert fault.kind == "crash"
    assert "exited with code 1" in fault.message
    assert "ModuleNotFoundError: No module named 'no_such_module'" in fault.message


def test_a_bad_method_option_is_a_crash_that_says_why(small_class):
    with scalar_port(small_class, "--method", "tanh") as runtime:
        fault = failure(runtime, program("y = x * 3.0", {"x": 2.0}, "y"))
    assert fault.kind == "crash"
    assert "--method 'tanh': expected OP=NAME" in fault.message


def test_the_version_is_that_of_the_users_own_package_not_an_installed_namesake(tmp_path):
    pytest.importorskip("micrograd",
                        reason="micrograd 0.1.0 is not installed (pip install -e '.[dev]')")
    own = tmp_path / "micrograd"
    own.mkdir()
    (own / "__init__.py").write_text('__version__ = "0.2-mine"\n')
    (own / "engine.py").write_text(SMALL_CLASS)
    command = [sys.executable, "-B", str(PYTHON_DRIVER), "micrograd.engine:Scalar", "--path", ".",
               "--data", "value", "--grad", "gradient", "--backward", "run_backward"]
    with CommandEngine("own", command, tmp_path, timeout=10, max_memory=512) as runtime:
        assert ops_by_state(runtime)[SUPPORTED] == {"mul"}
        assert runtime.version.startswith("micrograd 0.2-mine (CPython ")
    (own / "__init__.py").write_text("")
    with CommandEngine("own", command, tmp_path, timeout=10, max_memory=512) as runtime:
        assert ops_by_state(runtime)[SUPPORTED] == {"mul"}
        assert runtime.version.startswith("micrograd (CPython ")


@pytest.mark.parametrize("path", ["src", "engine.py"])
def test_a_path_that_is_no_folder_is_named_as_such(tmp_path, path):
    # `--path src` where the port sits in `source/` read "No module named 'engine'"
    (tmp_path / "engine.py").write_text("")
    [engine] = open_port(load_manifest(python_driver_port(tmp_path, "engine:Value", "--path", path)))
    try:
        failure = engine.start_failure()
        assert failure is not None
        assert f"python_driver: --path {path}: no such folder (from {tmp_path})" in failure.message
    finally:
        engine.close()


def test_micrograd_with_equality_on_data_is_told_its_visited_set_keys_by_value(tmp_path):
    # a Java student's equals and hashCode on data got three confident wrong
    # diagnoses (assigned, wrong-order, derivative); micrograd with __eq__ and
    # __hash__ on data is the same bug in Python
    pytest.importorskip("micrograd", reason="micrograd 0.1.0 is not installed (pip install -e '.[dev]')")
    (tmp_path / "engine.py").write_text(
        "from micrograd.engine import Value\n"
        "Value.__eq__ = lambda self, other: isinstance(other, Value) and self.data == other.data\n"
        "Value.__hash__ = lambda self: hash(self.data)\n")
    manifest = python_driver_port(tmp_path, "engine:Value", "--path", ".", "--pow",
                                  "number-exponent", "--nn", "none")
    result, _ = check_port(manifest,
                           ["lecture-reuse-ab", "micrograd-sanity-check", "div-1-3"], (), (),
                           CheckSettings(probes=()))
    named = {d.bug.key: d for d in result.diagnoses}
    assert {"lecture-reuse-ab", "micrograd-sanity-check"} <= {
        line.split(": ")[1].split(",")[0] for line in named["visited-by-value"].lines()}
    assert "Keep the default identity __eq__ and __hash__" in named["visited-by-value"].meaning
    # its a / b is a * b**-1, and at a = 1 the product has b**-1's value: b**-1
    # is a node of micrograd's own, which the walk over the lecture's graph
    # sees (harness/diagnoses/lecture_graph.py).  b's slope of 0 read as a
    # wrong derivative in div's backward when only the fixture's graph was
    # walked; now it is that walk, or pow without a backward: neither is said
    assert set(named) == {"visited-by-value"}

"""The node driver (harness/drivers/node_driver.js) on the small
JavaScript port written for these tests (tests/ports/js/)."""
import json
import shutil

import pytest
from cli_run import harness
from command_helpers import (REPO, awkward_program, backward_twice, chain, differing, opened,
                             ops_by_state, program, same_bits, small_corpus)

from micrograd_lab.harness.engines.command import CommandEngine
from micrograd_lab.harness.engines.command_protocol import validator
from micrograd_lab.harness.engines.base import EngineFailure, Unsupported
from micrograd_lab.harness.probes import LOWERED, SUPPORTED
from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.ops import OPS

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="`node` is not installed")

JS_PORT = REPO / "tests" / "ports" / "js"
DRIVER = REPO / "harness" / "drivers" / "node_driver.js"
# node's Math.log, Math.exp, Math.tanh and ** are V8's own, not glibc's
NODES_LIBM = {"log", "exp", "tanh", "sigmoid", "pow"}


@pytest.fixture(scope="module")
def js():
    with opened(JS_PORT / "port.toml") as runtime:
        yield runtime


def uses(fixture, ops):
    return any(step.op in ops for step in fixture.program.steps)


def test_the_hello_validates_and_every_op_runs(js):
    validator().validate(js.hello)
    assert js.hello["language"] == "javascript"
    assert js.version.startswith("node v")
    assert js.declared_ops() is None    # the driver has no list of ops
    assert ops_by_state(js) == {SUPPORTED: set(OPS)}


def test_arithmetic_is_python_refs_to_the_bit(js):
    fixtures = [f for f in small_corpus() if not uses(f, NODES_LIBM)]
    assert len(fixtures) > 50
    assert differing(js, fixtures) == []


def test_nodes_own_libm_differs_by_an_ulp_through_log_only(js):
    fixtures = [f for f in small_corpus() if uses(f, NODES_LIBM)]
    worst, off = 0, []
    for fixture in fixtures:
        got, want = js.evaluate(fixture.program), interpret(fixture.program)
        distance = max(ulp_distance(mine, theirs)
                       for node in want for mine, theirs in zip(got[node], want[node]))
        worst = max(worst, distance)
        if distance:
            off.append(fixture)
    # V8's log(3) is 1 ulp from glibc's; a gradient multiplying it by another
    # rounded number is 2 ulps off.  log is in log's value and in the
    # gradient of a Value exponent (pow).  Everything else is to the bit.
    assert 0 < len(off) < len(fixtures) / 10
    assert all(uses(f, {"log", "pow"}) for f in off)
    assert worst <= 2


@pytest.mark.parametrize("integers", [False, True])
def test_awkward_numbers_cross_exactly(js, integers):
    p = awkward_program()
    got = js.evaluate(p, integers=integers)
    assert same_bits(got, interpret(p))
    assert repr(got["t"][0]) == "0.30000000000000004"


def test_a_long_chain_crosses_whole(js):
    p = chain(5_000)
    assert same_bits(js.evaluate(p), interpret(p))


def test_backward_twice_accumulates():
    assert backward_twice(JS_PORT / "port.toml") == (-4.0, 6.0)


# A port with a recursive backward and no tanh, that logs while it works.
RECURSIVE_PORT = """
class Value {
  constructor(x) { this.data = x; this.grad = 0; this.children = []; this.step = () => {}; }
  mul(other) {
    other = other instanceof Value ? other : new Value(other);
    console.log("multiplying", this.data, other.data);
    const out = new Value(this.data * other.data);
    out.children = [this, other];
    out.step = () => { this.grad += other.data * out.grad; other.grad += this.data * out.grad; };
    return out;
  }
  add(other) {
    other = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data + other.data);
    out.children = [this, other];
    out.step = () => { this.grad += out.grad; other.grad += out.grad; };
    return out;
  }
  backward() {
    const topo = [];
    const seen = new Set();
    const visit = (v) => {
      if (seen.has(v)) return;
      seen.add(v);
      v.children.forEach(visit);
      topo.push(v);
    };
    visit(this);
    this.grad = 1;
    topo.reverse().forEach((v) => v.step());
  }
}
module.exports = { Value };
"""


@pytest.fixture
def recursive_port(tmp_path):
    (tmp_path / "port.js").write_text(RECURSIVE_PORT)
    command = ["node", str(DRIVER), "port.js"]
    with CommandEngine("recursive", command, tmp_path, timeout=20, max_memory=1024) as runtime:
        yield runtime


def test_an_op_the_port_lacks_is_unsupported(recursive_port):
    found = ops_by_state(recursive_port)
    assert found[SUPPORTED] == {"add", "mul"} and found[LOWERED] == {"sum", "dot"}
    with pytest.raises(Unsupported) as caught:
        recursive_port.evaluate(program("y = x.tanh()", {"x": 2.0}, "y"))
    assert caught.value.op == "tanh"


def test_what_the_port_logs_stays_off_the_protocol(recursive_port):
    p = program("y = x * 3.0 + x", {"x": 2.0}, "y")
    assert same_bits(recursive_port.evaluate(p), interpret(p))


def test_a_recursive_backward_fails_as_an_error_naming_its_range_error(recursive_port):
    with pytest.raises(EngineFailure) as caught:
        recursive_port.evaluate(chain(20_000))
    fault = caught.value
    assert fault.kind == "error"
    assert fault.message.startswith("RangeError: Maximum call stack size exceeded [at ")
    assert ".js:" in fault.message
    assert same_bits(recursive_port.evaluate(chain(100)), interpret(chain(100)))


# A browser script, as EurekaLabs' micrograd.js is: its classes are defined
# at the top level and nothing is exported.
BROWSER_SCRIPT = """
class Value {
  constructor(data) { this.data = data; this.grad = 0; this.prev = []; this.step = () => {}; }
  mul(other) {
    other = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data * other.data);
    out.prev = [this, other];
    out.step = () => { this.grad += other.data * out.grad; other.grad += this.data * out.grad; };
    return out;
  }
  backward() {
    const order = [], seen = new Set();
    const visit = (v) => {
      if (!seen.has(v)) { seen.add(v); v.prev.forEach(visit); order.push(v); }
    };
    visit(this);
    this.grad = 1;
    order.reverse().forEach((v) => v.step());
  }
}
class Neuron {}
console.log("micrograd.js loaded");
"""


@pytest.mark.parametrize("arguments", [[], ["Value"]])
def test_a_script_without_exports_is_run_and_its_class_found_by_name(tmp_path, arguments):
    (tmp_path / "micrograd.js").write_text(BROWSER_SCRIPT)
    command = ["node", str(DRIVER), "micrograd.js", *arguments, "--name", "eureka micrograd.js"]
    with CommandEngine("script", command, tmp_path, timeout=20, max_memory=1024) as runtime:
        assert ops_by_state(runtime)[SUPPORTED] == {"mul"}
        assert runtime.hello["name"] == "eureka micrograd.js"
        p = program("y = x * x", {"x": 3.0}, "y")
        assert runtime.evaluate(p) == {"x": (3.0, 6.0), "y": (9.0, 1.0)}


def test_a_class_neither_exported_nor_defined_is_a_crash_that_says_so(tmp_path):
    (tmp_path / "micrograd.js").write_text(BROWSER_SCRIPT)
    command = ["node", str(DRIVER), "micrograd.js", "Scalar"]
    with CommandEngine("script", command, tmp_path, timeout=20, max_memory=1024) as runtime:
        with pytest.raises(EngineFailure) as caught:
            runtime.evaluate(program("y = x * x", {"x": 3.0}, "y"))
    assert caught.value.kind == "crash"
    assert "micrograd.js neither exports nor defines a class Scalar" in caught.value.message


@pytest.mark.parametrize("exports, told", [
    # module.exports = { Valu }: it was run again as a browser script, and
    # the error read "module is not defined"
    ("module.exports = { Valu: Value };",
     "engine.js neither exports nor defines a class Value (it exports Valu: name the class "
     "after the file, as in node_driver.js engine.js Valu)"),
    # a number and a function exported first: the class is the one suggested (a review)
    ("module.exports = { EPS: 1e-9, helper: (x) => x, Valu: Value };",
     "(it exports EPS, helper, Valu: name the class after the file, as in node_driver.js "
     "engine.js Valu)"),
    # an MLP class beside it, listed first: the class with a backward is suggested
    ("class MLP { parameters() { return []; } }\nmodule.exports = { Scalar: Value, MLP };",
     "(it exports MLP, Scalar: name the class after the file, as in node_driver.js "
     "engine.js Scalar)")])
def test_a_module_that_exports_another_name_is_told_what_it_exports(tmp_path, exports, told):
    (tmp_path / "engine.js").write_text(
        (JS_PORT / "engine.js").read_text().replace("module.exports = { Value };", exports))
    command = ["node", str(DRIVER), "engine.js"]
    with CommandEngine("misnamed", command, tmp_path, timeout=20, max_memory=1024) as runtime:
        with pytest.raises(EngineFailure) as caught:
            runtime.evaluate(program("y = x * x", {"x": 3.0}, "y"))
    assert told in caught.value.message


def test_the_name_option_names_an_exported_port_too():
    command = ["node", str(DRIVER), "engine.js", "--name", "my js port"]
    with CommandEngine("named", command, JS_PORT, timeout=20, max_memory=1024) as runtime:
        assert ops_by_state(runtime)[SUPPORTED] == set(OPS)
        assert runtime.hello["name"] == "my js port"


def test_the_report_explains_the_budget_the_hello_chose(tmp_path, capsys):
    # a command port's budget is known only once its hello names its language:
    # the check's reports still name it and explain its deviation classes
    code, _, err = harness(["check", JS_PORT / "port.toml", "--fixtures", "log-at-2",
                            "--probes", "none", "--report-dir", tmp_path], capsys)
    assert code == 0, err
    report = json.loads((tmp_path / "check.json").read_text())
    assert report["engines"]["js-engine"]["budget"] == "port-javascript"
    assert "fdlibm" in report["tolerances"]["ops"]["js-engine"]["log"]["reason"]
    assert "| js-engine | `log` |" in (tmp_path / "check.md").read_text()


@pytest.mark.parametrize("broken, names", [
    ("let x = {;\n", ["engine.js:", "SyntaxError: Unexpected token ';'"]),
    ('require("./config.json");\n', ["Error: Cannot find module './config.json'"]),
])
def test_a_port_that_does_not_load_names_nodes_error_in_its_one_line(tmp_path, capsys, broken,
                                                                       names):
    # node prints the error above its stack: the line's end (its last lines)
    # was frames and `Node.js v20`, without what went wrong
    shutil.copy(JS_PORT / "port.toml", tmp_path)
    (tmp_path / "engine.js").write_text((JS_PORT / "engine.js").read_text() + broken)
    code, out, err = harness(["check", tmp_path / "port.toml", "--probes", "none",
                              "--report-dir", tmp_path / "report"], capsys)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "does not start" in err, err
    for name in names:
        assert name in err, err

"""The driver kits of harness/drivers/ (Go, Rust, C++, Java), where the
toolchain is installed: each kit's example port passes the check, its nn
rows and the driver conformance check, and its buggy test port
(tests/ports/<kit>-buggy/, gradients assigned instead of accumulated,
through the same kit, without the nn part) is diagnosed by name, with its
own error reported as an `error`, and has no nn.

Each port is built once per run (conftest.py: one build cache)."""
import contextlib
import math
import re

import pytest
from cli_run import harness
from conftest import BUGGY, REPO, kit_params, missing_tools

from micrograd_lab.harness.engines.build import ensure_built
from micrograd_lab.harness.check.cli import check_port
from micrograd_lab.harness.engines.command import open_command_port
from micrograd_lab.harness.engines.manifest import load_manifest
from micrograd_lab.harness.engines.base import VALUE_EXPONENT, EngineFailure, Unsupported
from micrograd_lab.harness.nn.cases import all_cases
from micrograd_lab.harness.run import CheckSettings, nn_case_cell
from micrograd_lab.harness.drivers import KITS
from micrograd_lab.harness.fixture import load_corpus
from micrograd_lab.harness.parse import parse_program

TAGS = ["lecture", "ops"]
ADAPTER_LINES = 30
# The op of the lab that no example port has (they follow the lecture, plus log)
LACKS = {"sigmoid"}
# The lecture fixtures where a node gets two contributions: the buggy ports fail them
REUSED = {"lecture-reuse-a-plus-a", "lecture-reuse-ab", "lecture-f-at-3", "lecture-f-at-minus-3",
          "lecture-f-at-two-thirds"}
# What each kit says when the buggy port refuses a nan leaf: the port's own words
ERROR_MESSAGES = {
    # Go's stack has the place: the kit names it, as the Python and node drivers do
    "go": "panic: leaf: nan is not a number [at value.go:23 in leaf]",
    "rust": "panic: leaf: nan is not a number",
    # a C++ exception names no place: the kit says where the port was
    "cpp": "std::invalid_argument: leaf: nan is not a number [in input x]",
    # the Java kit names the port's frame and where it was, as the C++ kit does
    "java": "java.lang.IllegalArgumentException: leaf: nan is not a number [at Scalar.java:34, "
            "in input x]",
}


def example(language):
    return KITS[language].folder / "port.toml"


def buggy(language):
    return BUGGY / f"{language}-buggy" / "port.toml"


def run(capsys, *argv):
    """The exit code and the lines of stdout and stderr of a harness command."""
    code, out, err = harness(argv, capsys)
    return code, out.splitlines(), err.splitlines()


@contextlib.contextmanager
def opened_kit(manifest_path):
    """The one runtime of a kit port's manifest, built first, closed afterwards."""
    manifest = load_manifest(manifest_path)
    ensure_built(manifest)
    [runtime] = open_command_port(manifest)
    try:
        yield runtime
    finally:
        runtime.close()


@pytest.mark.parametrize("language", list(KITS))
def test_the_adapter_a_student_fills_in_is_at_most_30_lines(language):
    kit = KITS[language]
    assert len((kit.folder / kit.adapter).read_text().splitlines()) <= ADAPTER_LINES


@pytest.mark.parametrize("language", kit_params())
def test_the_example_port_passes_the_check(language, tmp_path, capsys):
    code, out, _ = run(capsys, "check", example(language), "--tags", ",".join(TAGS),
                    "--probes", "numbers,backward-twice", "--report-dir", tmp_path)
    fixtures, malformed = load_corpus(tags=TAGS)
    assert not malformed
    # the examples have the lecture's ops and log, not sigmoid: its fixtures are unsupported
    lacking = [f for f in fixtures if LACKS & {step.op for step in f.program.steps}]
    assert lacking
    assert out[-1] == (f"{len(fixtures) - len(lacking) + 2} passed, 0 failed, "   # and the two probes
                       f"{len(lacking)} unsupported")
    assert code == 0
    report = (tmp_path / "check.md").read_text()
    assert "No classic bug found" in report


@pytest.mark.parametrize("language", kit_params())
def test_the_kit_speaks_the_protocol(language, capsys):
    code, out, _ = run(capsys, "check-driver", example(language))
    assert [line.split(":")[0] for line in out[:-1]] == [
        "ok       hello", "ok       example session", "ok       numbers", "ok       long line",
        "ok       backward twice", "ok       ops"]
    assert "the port accumulates" in out[4]
    assert "sigmoid, not listed, is answered `unsupported`" in out[5]
    assert code == 0


@pytest.mark.parametrize("language", kit_params())
def test_the_buggy_port_is_diagnosed_by_name(language):
    result, _ = check_port(buggy(language), tags=["lecture"],
                           settings=CheckSettings(probes=()))
    [engine] = result.engines
    cells = result.cells_of(engine)
    failed = {name for name, cell in cells.items() if cell.status == "FAIL"}
    assert failed == REUSED
    assert {d.bug.key for d in result.diagnoses} == {"assigned"}
    assert not result.ok()
    # it lacks div, exp...: those fixtures are unsupported, not failures
    assert {c.status for c in cells.values()} <= {"EXACT", "CLOSE", "FAIL", "UNSUPPORTED"}
    assert "UNSUPPORTED" in {c.status for c in cells.values()}
    # its pow takes a number exponent only (the adapter's signature says so)
    assert cells["lecture-f-at-3"].status == "FAIL"
    assert cells["lecture-div-as-pow"].status == "EXACT"


@pytest.mark.parametrize("language", kit_params())
def test_a_pow_with_a_number_exponent_is_declared_by_its_signature(language):
    # Pow(V, float64), pow(V, double), Op::NumberExponent: the hello says
    # number-exponent; the harness sends no Value exponent, and the kit
    # itself answers unsupported for one (asked all the same)
    with opened_kit(buggy(language)) as runtime:
        assert runtime.hello["pow"] == "number-exponent" and "pow" in runtime.hello["ops"]
        values = runtime.evaluate(parse_program("y = x ** 3.0", {"x": 2.0}, "y"))
        assert values == {"x": (2.0, 12.0), "y": (8.0, 1.0)}
        for text in ("y = x ** z", "y = 2.0 ** x"):
            with pytest.raises(Unsupported) as refused:
                runtime.evaluate(parse_program(text, {"x": 2.0, "z": 3.0}, "y"))
            assert refused.value.op == VALUE_EXPONENT
        runtime.hello["pow"] = "any"   # as if it had not said so: the kit refuses it itself
        with pytest.raises(Unsupported) as refused:
            runtime.evaluate(parse_program("y = x ** z", {"x": 2.0, "z": 3.0}, "y"))
        assert refused.value.op == "pow" and "number exponent only" in str(refused.value)


@pytest.mark.parametrize("language", kit_params())
def test_what_the_port_raises_is_an_error_reply_and_what_it_prints_goes_to_stderr(language):
    # the buggy port prints on stdout in every backward: a reply would not be JSON if it got there
    with opened_kit(buggy(language)) as runtime:
        pid = runtime.pid
        with pytest.raises(EngineFailure) as caught:
            runtime.evaluate(parse_program("y = x * 2.0", {"x": float("nan")}, "y"))
        assert (caught.value.kind, caught.value.message) == ("error", ERROR_MESSAGES[language])
        with pytest.raises(Unsupported) as lacking:
            runtime.evaluate(parse_program("y = x.exp()", {"x": 1.0}, "y"))
        assert lacking.value.op == "exp"
        values = runtime.evaluate(parse_program("y = x * 2.0", {"x": 3.0}, "y"))
        assert values == {"x": (3.0, 2.0), "y": (6.0, 1.0)}
        assert runtime.pid == pid


@pytest.mark.parametrize("language", kit_params())
def test_the_example_ports_mlp_passes_every_nn_row(language):
    """The kit's nn part (nn.go, nn.rs, nn.hpp, Nn.java) reaches the example's
    small MLP: its gradients and SGD steps are python_ref's, within the
    budget of the language's own tanh."""
    with opened_kit(example(language)) as runtime:
        assert runtime.nn_kinds() == ("relu-linear", "tanh-tanh")
        cells = {case.name: nn_case_cell(runtime, case.request) for case in all_cases()}
    assert {c.status for c in cells.values()} <= {"EXACT", "CLOSE"}, \
        {name: c.summary() for name, c in cells.items()}


@pytest.mark.parametrize("language", kit_params())
def test_a_kit_port_without_the_nn_part_has_no_nn(language):
    with opened_kit(buggy(language)) as runtime:
        assert runtime.nn_kinds() == () and "nn" not in runtime.hello
        with pytest.raises(Unsupported) as lacking:   # asked all the same, it says so
            runtime.mlp(all_cases()[0].request)
        assert lacking.value.op == "mlp"


def test_a_kit_refuses_an_adapter_it_cannot_use_in_one_line(tmp_path, capsys):
    if missing_tools("go"):
        pytest.skip("`go` not installed (.ci/run installs it from Debian)")
    kit = KITS["go"]
    for path in kit.folder.iterdir():
        (tmp_path / path.name).write_text(path.read_text())
    text = (kit.folder / kit.adapter).read_text()
    (tmp_path / kit.adapter).write_text(
        text + "\nfunc (Port) Softplus(v *Value, beta float64) *Value { return v }\n")
    code, _, err = run(capsys, "check", tmp_path / "port.toml", "--tags", "lecture")
    assert code == 2
    assert len(err) == 1 + err[0].startswith("built")
    assert re.search(r"port.toml:\d+:\d+: \[port\] command: the port does not start on go-example "
                     r"\(crash\): .* go kit: adapter.go: method Softplus: an op takes V, "
                     r"\(V, V\), \(V, \[\]V\) or \(V, \[\]V, \[\]V\)", err[-1])


# The adapter docs/languages.md shows for a kit, and the file of the example
# port it names: a student who copies it builds on the first try
PAGE = (REPO / "docs" / "languages.md").read_text()
PAGE_SAMPLES = {"go": ("Go", "go", {}), "rust": ("Rust", "rust", {"engine.rs": "value.rs"})}


@pytest.mark.parametrize("language", [p for p in kit_params() if p.values[0] in PAGE_SAMPLES])
def test_the_adapter_the_page_shows_builds_with_the_example_port(language, tmp_path):
    # the Rust sample lacked `pub const NN`, which main.rs needs: it did not build
    title, fence, renamed = PAGE_SAMPLES[language]
    section = PAGE.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    sample = section.split(f"```{fence}\n", 1)[1].split("```", 1)[0]
    kit = KITS[language]
    for path in kit.folder.iterdir():
        if path.is_file() and path.name not in (kit.adapter, kit.nn) + kit.example[1:2]:
            (tmp_path / path.name).write_bytes(path.read_bytes())
    for name, example_file in renamed.items():
        (tmp_path / example_file).rename(tmp_path / name)
    (tmp_path / kit.adapter).write_text(sample)
    with opened_kit(tmp_path / "port.toml") as runtime:
        assert sorted(runtime.hello["ops"]) == ["add", "tanh"]   # the two the sample has
        assert "nn" not in runtime.hello
        values = runtime.evaluate(parse_program("y = (x + x).tanh()", {"x": 0.5}, "y"))
        assert math.isclose(values["y"][0], math.tanh(1.0), rel_tol=1e-15)


# Two ops of a C++ port that crash, each its own way: the op, its body, and
# the line the kit writes for it.  One build serves both.
CPP_CRASHES = {
    "null pointer": ("relu", "*(volatile int*)nullptr = 1; return v;",
                     r"fatal error: SIG(SEGV|ILL) in step y \(relu\)"),
    "stack overflow": ("exp", "struct Deep { static int down(int n) { volatile char pad[512]; "
                       "pad[0] = char(n); return down(n + 1) + pad[0]; } }; Deep::down(0); "
                       "return v;",
                       r"fatal error: stack overflow \(SIGSEGV\) in step y \(exp\)"),
}


@pytest.mark.parametrize("language", [p for p in kit_params() if p.values[0] == "cpp"])
def test_a_cpp_crash_says_where_the_port_was(language, tmp_path):
    # a C++ student's null dereference read "killed by SIGSEGV" and no op; a
    # recursive sort's stack overflow was not named a recursion limit
    kit = KITS[language]
    for path in kit.folder.iterdir():
        if path.is_file():
            (tmp_path / path.name).write_bytes(path.read_bytes())
    crashing = (tmp_path / kit.adapter).read_text()
    for op, body, _ in CPP_CRASHES.values():
        line = f"static V {op}(V v) {{ return ::{op}(v); }}"
        assert line in crashing
        crashing = crashing.replace(line, f"static V {op}(V v) {{ {body} }}")
    (tmp_path / kit.adapter).write_text(crashing)
    wrong = {}
    with opened_kit(tmp_path / "port.toml") as runtime:
        for crash, (op, _, said) in CPP_CRASHES.items():
            with pytest.raises(EngineFailure) as crashed:   # each on a new process
                runtime.evaluate(parse_program(f"y = x.{op}()", {"x": 2.0}, "y"))
            if crashed.value.kind != "crash" or not re.search(said, crashed.value.message):
                wrong[crash] = f"{crashed.value.kind}: {crashed.value.message}"
    assert wrong == {}   # both crashes checked, whichever fails

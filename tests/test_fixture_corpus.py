"""The fixture corpus: it loads cleanly, it covers what docs/CONTRACTS.md promises,
and every expected number holds on python_ref (harness.interpret)."""
import math
import re
import struct
from collections import Counter

import pytest

from micrograd_lab.harness.fixture import FIXTURES_ROOT, TAGS, load_corpus, load_fixture
from micrograd_lab.harness.fixtures.derivations import expected_numbers
from micrograd_lab.harness.interpret import interpret

from shared_corpus import BY_NAME, ERRORS, FIXTURES


def ulps(a, b):
    """Distance in units in the last place (0 for -0.0 against 0.0)."""
    def key(x):
        i = struct.unpack("<q", struct.pack("<d", x))[0]
        return i if i >= 0 else -(i & 0x7FFFFFFFFFFFFFFF)
    return abs(key(a) - key(b))


def agrees(expected, got, kind, allowed):
    if math.isnan(expected) or math.isnan(got):
        return math.isnan(expected) and math.isnan(got)
    if math.isinf(expected) or math.isinf(got):
        return expected == got
    if kind == "data" and expected == 0.0 and got == 0.0:  # the sign of a zero value counts
        return math.copysign(1.0, expected) == math.copysign(1.0, got)
    # gradients start at +0 and accumulate, so a -0 contribution reads +0: == is the test
    return ulps(expected, got) <= allowed


def test_the_corpus_loads_without_errors():
    assert [str(e) for e in ERRORS] == []
    assert len(FIXTURES) >= 150
    names = [f.name for f in FIXTURES]
    assert len(set(names)) == len(names)


def test_the_corpus_is_sorted_by_first_tag_then_name():
    keys = [(f.tags[0], f.name) for f in FIXTURES]
    assert keys == sorted(keys)


def test_every_tag_is_used_and_documented_in_the_readme():
    readme = (FIXTURES_ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", readme, re.MULTILINE))
    assert documented == set(TAGS)
    used = {tag for f in FIXTURES for tag in f.tags}
    assert used <= set(TAGS)
    assert set(TAGS) - used <= {"found"}  # found/ fills as campaigns find cases


def test_found_folder_is_ready_for_the_fuzzer():
    assert (FIXTURES_ROOT / "found" / "README.md").is_file()


@pytest.mark.parametrize("fixture", [f for f in FIXTURES if f.expected], ids=lambda f: f.name)
def test_expected_values_hold_on_python_ref(fixture):
    got = interpret(fixture.program)
    allowed = fixture.tolerance["ulps"] if fixture.tolerance else 0
    for node, values in fixture.expected.items():
        for i, kind in enumerate(("data", "grad")):
            if values[kind] is not None:
                assert agrees(values[kind], got[node][i], kind, allowed), \
                    f"{fixture.path}: {kind} of {node}: expected {values[kind]!r}, " \
                    f"python_ref {got[node][i]!r}"


@pytest.mark.parametrize("name,numbers", sorted(expected_numbers().items()))
def test_lecture_numbers_match_their_exact_derivation(name, numbers):
    fixture = BY_NAME[name]
    for (kind, node), value in numbers.items():
        assert fixture.expected[node][kind] == value, (name, kind, node)


def test_the_lecture_examples_are_all_there():
    expected = {
        "lecture-f-at-3": ("y", "data", 20.0), "lecture-f-at-minus-3": ("y", "grad", None),
        "lecture-f-at-two-thirds": ("x", "grad", 0.0), "lecture-d-abc": ("d", "data", 4.0),
        "lecture-l-minus-8": ("L", "data", -8.0), "lecture-neuron-exp": ("o", "data", 0.7071067811865476),
        "micrograd-readme-example": ("g#2", "data", 24.70408163265306),
        "micrograd-sanity-check": ("x", "grad", 46.0), "lecture-reuse-ab": ("a", "grad", -3.0),
        "slope-f-at-minus-3-h-0p00001": ("slope", "data", -21.999970000052823),
        "slope-f-at-two-thirds-h-0p00001": ("slope", "data", 3.0000002482211127e-05),
        "slope-f-at-3-h-0p00001": ("slope", "data", 14.00003000000538),
    }
    for name, (node, kind, value) in expected.items():
        if value is not None:
            assert BY_NAME[name].expected[node][kind] == value, name
    grads = BY_NAME["lecture-l-minus-8"].expected
    assert {k: grads[k]["grad"] for k in "abcdef" if k in grads} == {
        "a": 6.0, "b": -4.0, "c": -2.0, "d": -2.0, "e": -2.0, "f": 4.0}


def test_every_op_appears_at_ordinary_points_and_at_edges():
    from micrograd_lab.harness.ops import OPS
    by_tag = {tag: Counter(s.op for f in FIXTURES if tag in f.tags for s in f.program.steps)
              for tag in ("ops", "edges")}
    unary_binary = {name for name, op in OPS.items() if op.kind != "nary"}
    assert unary_binary <= set(by_tag["ops"]) | {"pow"}
    assert unary_binary <= set(by_tag["edges"])
    nary = Counter(s.op for f in FIXTURES for s in f.program.steps)
    assert nary["sum"] > 0 and nary["dot"] > 0
    edge_inputs = [v for f in FIXTURES if "edges" in f.tags for _, v in f.program.inputs]
    for special in (0.0, 1e-300, 5e-324, 1e300, math.inf, -math.inf):
        assert special in edge_inputs
    assert any(math.isnan(v) for v in edge_inputs)
    assert any(v == 0.0 and math.copysign(1, v) < 0 for v in edge_inputs)


def test_pow_forms_value_to_value_and_number_to_value():
    kinds = set()
    for f in FIXTURES:
        for s in f.program.steps:
            if s.op == "pow":
                kinds.add(tuple(a.kind for a in s.args))
    assert kinds == {("node", "num"), ("node", "node"), ("num", "node")}


def test_deep_and_wide_graphs():
    sizes = {f.name: len(f.program.steps) for f in FIXTURES}
    assert sizes["deep-chain-100000"] == 100_000
    wide = BY_NAME["wide-sum-1000-inputs"]
    assert len(wide.program.inputs) == 1000 and len(wide.program.steps[0].args) == 1001
    reuse = BY_NAME["reuse-add-same-node-1000"]
    uses = sum(1 for s in reuse.program.steps for a in s.args if a == a.node("a"))
    assert uses == 1001


def test_about_a_dozen_smooth_one_variable_fixtures_have_a_plot():
    plotted = [f for f in FIXTURES if f.plot]
    assert len(plotted) >= 12
    for f in plotted:
        assert f.plot["var"] in dict(f.program.inputs)
    assert BY_NAME["lecture-f-at-3"].plot == {"var": "x", "from": -5.0, "to": 5.0, "step": 0.25}


def test_minus_zero_inputs_keep_their_sign():
    x = dict(BY_NAME["neg-edge-minus-0"].program.inputs)["x"]
    assert x == 0.0 and math.copysign(1.0, x) == -1.0


def test_filters_by_name_pattern_and_tag():
    fixtures, errors = load_corpus(names=["lecture-f-*"], tags=["pow"])
    assert errors == []
    assert {f.name for f in fixtures} == {"lecture-f-at-3", "lecture-f-at-minus-3",
                                          "lecture-f-at-two-thirds"}


def test_program_lines_are_file_lines():
    fixture = load_fixture(FIXTURES_ROOT / "lecture" / "l-minus-8.toml")
    lines = (FIXTURES_ROOT / "lecture" / "l-minus-8.toml").read_text().splitlines()
    for step in fixture.program.steps:
        assert lines[step.line - 1].strip() == step.text
    assert fixture.path == "harness/fixtures/lecture/l-minus-8.toml"


def test_a_fixture_edited_between_two_loads_is_read_anew(tmp_path):
    # load_corpus keeps what it parsed, keyed by the file's bytes: an edit of
    # the same size is seen, and an edit that breaks the file is its error
    path = tmp_path / "one.toml"
    text = ('name = "one"\nsource = "a test"\ndescription = "x times 2"\ntags = ["ops"]\n'
            'output = "y"\nprogram = "y = x * 2.0"\n[inputs]\nx = 3.0\n')
    path.write_text(text)
    first, errors = load_corpus(tmp_path)
    assert not errors and first[0].program.steps[0].op == "mul"
    path.write_text(text.replace("x * 2.0", "x + 2.0"))
    second, errors = load_corpus(tmp_path)
    assert not errors and second[0].program.steps[0].op == "add"
    path.write_text(text.replace("x * 2.0", "x ^^ 2.0"))
    third, errors = load_corpus(tmp_path)
    assert third == [] and len(errors) == 1

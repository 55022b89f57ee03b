"""Every malformed fixture in tests/malformed/ is refused with one line that
names the file, the place (line:col or field) and the reason."""
from pathlib import Path

import pytest

from micrograd_lab.harness.fixture import FixtureError, load_corpus, load_fixture

MALFORMED = Path(__file__).resolve().parent / "malformed"

# file -> (place as it appears after the path, a fragment of the reason)
CASES = {
    "toml_syntax": (":12:3: ", "TOML syntax error: Expected '=' after a key"),
    "duplicate_input": (":13:8: ", "a key is given twice"),
    "missing_name": (": name: ", "required field is missing"),
    "missing_output": (": output: ", "required field is missing"),
    "missing_program": (": program: ", "required field is missing"),
    "tags_not_a_list": (": tags: ", "'ops' is not of type 'array'"),
    "name_not_slug": (": name: ", "'My Fixture' is not a slug"),
    "unknown_field": (": expectd: ", "unknown field"),
    "unknown_tag": (": tags: ", "unknown tag `misc`"),
    "input_not_a_number": (": [inputs] b: ", "'three' is not a number"),
    "input_bool": (": [inputs] b: ", "True is not a number"),
    "undefined_name": (":8:9: ", "undefined name `q`"),
    "use_before_assignment": (":7:5: ", "`e` is used before it is assigned (first assigned on line 8)"),
    "unknown_method": (":7:5: ", "unknown method `cos`"),
    "method_with_arguments": (":7:5: ", "method `tanh` takes no arguments"),
    "dot_lengths_differ": (":7:5: ", "dot's lists must have the same length > 0 (got 2 and 1)"),
    "sum_without_terms": (":7:5: ", "needs a start and at least one Value"),
    "other_function": (":7:5: ", "unknown function `max`"),
    "dunder_attribute": (":7:5: ", "attribute access `.__class__` is not allowed"),
    "data_attribute": (":7:5: ", "attribute access `.data` is not allowed"),
    "subscript": (":7:5: ", "subscripts are not allowed"),
    "lambda": (":7:6: ", "lambdas are not allowed"),
    "comprehension": (":7:12: ", "comprehensions are not allowed"),
    "import": (":7:1: ", "imports are not allowed"),
    "string": (":7:9: ", "strings are not allowed"),
    "f_string": (":7:5: ", "f-strings are not allowed"),
    "walrus": (":7:6: ", "`:=` assignment expressions are not allowed"),
    "chained_comparison": (":7:5: ", "comparisons are not allowed"),
    "if_statement": (":7:1: ", "`if` statements are not allowed"),
    "lua_long_bracket": (":8:5: ", "subscripts are not allowed"),
    "lua_os_execute": (":7:5: ", "unknown method `execute`"),
    "lua_local": (":7:7: ", "syntax error: invalid syntax"),
    "constant_only": (":7:5: ", "the right-hand side is a number"),
    "number_method": (":7:5: ", "`exp` needs a Value, not a number"),
    "augmented_floor_div": (":8:1: ", "`FloorDiv=` is not an op"),
    "tuple_target": (":7:1: ", "exactly one plain name on the left"),
    "bare_expression": (":7:1: ", "a statement must be an assignment"),
    "empty_program": (":7:1: ", "the program has no assignments"),
    "output_never_assigned": (": output: ", "output 'z' is not a node of the program"),
    "output_is_input": (": output: ", "output `a` is an input"),
    "expected_unknown_node": (": [expected.grad] q: ", "expected value for 'q' is not a node"),
    "plot_var_not_input": (": [plot] var: ", "`y` is not an input (inputs: a, b)"),
    "tolerance_without_reason": (": [tolerance] reason: ", "required field is missing"),
    "tolerance_blank_reason": (": [tolerance] reason: ", "a tolerance needs a reason"),
    "repeat_body_undefined": (":13:17: ", "undefined name `q`"),
    "over_size_limit": (": [repeat] count: ", "300,003 nodes, over the limit of 200,000"),
}


def test_every_malformed_file_has_a_case():
    assert len(CASES) >= 25
    assert {p.stem for p in MALFORMED.glob("*.toml")} == set(CASES)


@pytest.mark.parametrize("stem", sorted(CASES))
def test_malformed_fixture_is_one_clear_line(stem):
    place, reason = CASES[stem]
    with pytest.raises(FixtureError) as info:
        load_fixture(MALFORMED / f"{stem}.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"tests/malformed/{stem}.toml{place}"), message
    assert reason in message, message


def test_duplicate_names_are_an_error_and_the_first_still_loads():
    fixtures, errors = load_corpus(MALFORMED / "duplicate_names")
    assert [f.path for f in fixtures] == ["tests/malformed/duplicate_names/first.toml"]
    assert [str(e) for e in errors] == [
        "tests/malformed/duplicate_names/second.toml: name: duplicate fixture name `twice` "
        "(also in tests/malformed/duplicate_names/first.toml)"]


def test_a_bad_file_does_not_stop_the_rest(tmp_path):
    good = (MALFORMED / "duplicate_names" / "first.toml").read_text()
    (tmp_path / "good.toml").write_text(good)
    (tmp_path / "bad.toml").write_text((MALFORMED / "undefined_name.toml").read_text())
    fixtures, errors = load_corpus(tmp_path)
    assert [f.name for f in fixtures] == ["twice"]
    assert len(errors) == 1 and "undefined name `q`" in str(errors[0])
    assert str(errors[0]).startswith(str(tmp_path / "bad.toml") + ":8:9: ")


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    import micrograd_lab.harness.fixture as fixture_module
    monkeypatch.setattr(fixture_module, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.toml"
    path.write_text((MALFORMED / "duplicate_names" / "first.toml").read_text())
    with pytest.raises(FixtureError, match=r"big.toml: the file is \d+ bytes, over the limit of 100"):
        load_fixture(path)

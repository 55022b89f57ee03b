"""The protocol's messages, without a process: the schema, how the harness
writes a program, and how it reads (and refuses) what a port writes."""
import json
import math

import jsonschema
import pytest
from command_helpers import AWKWARD, REPO, awkward_program, program, same_bits

from micrograd_lab.harness.engines.command_protocol import (NUMBER_STRINGS, PROTOCOL_VERSION, ProtocolError,
    decode_message, decode_result, encode_number, encode_program, schema, validator)
from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.ops import OPS


def line(message):
    return json.dumps(message).encode()


def result_line(evaluation, request_id=1):
    nodes = [[encode_number(d), encode_number(g)] for d, g in evaluation.values()]
    return line({"kind": "result", "id": request_id, "nodes": nodes})


def test_schema_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(schema())


def test_schema_knows_exactly_the_harness_ops():
    hello = {"kind": "hello", "protocol": 1, "name": "p", "language": "x", "version": "1"}
    validator().validate({**hello, "ops": list(OPS)})
    assert not validator().is_valid({**hello, "ops": ["softplus"]})


def test_schema_number_strings_are_the_codecs():
    assert schema()["$defs"]["number"]["anyOf"][1]["enum"] == list(NUMBER_STRINGS)


def test_a_request_validates_against_the_schema():
    request = json.loads(encode_program(awkward_program(), 7, integers=True))
    assert list(validator().iter_errors(request)) == []
    assert request["kind"] == "program" and request["id"] == 7 and request["integers"] is True


def test_numbers_are_written_exactly_and_specials_as_strings():
    assert encode_number(-0.0) == "-0.0"
    assert encode_number(0.0) == 0.0
    assert encode_number(math.inf) == "inf" and encode_number(-math.inf) == "-inf"
    assert encode_number(math.nan) == "nan"
    text = encode_program(awkward_program(), 1).decode()
    for value in ("5e-324", "2.225073858507201e-308", "1.7976931348623157e+308",
                  "0.3333333333333333", "-123456789.12345678"):
        assert value in text
    assert float("5e-324") == 5e-324


def test_integers_are_written_as_integers_only_when_asked_and_exact():
    p = program("y = x * 2.0\nz = y + 0.5", {"x": 3.0}, "z")
    as_floats = json.loads(encode_program(p, 1))
    as_ints = json.loads(encode_program(p, 1, integers=True))
    assert as_floats["inputs"] == [["x", 3.0]] and type(as_floats["inputs"][0][1]) is float
    assert as_ints["inputs"] == [["x", 3]] and type(as_ints["inputs"][0][1]) is int
    assert as_ints["steps"] == [["y", "mul", ["x", 2]], ["z", "add", ["y", 0.5]]]
    # 2**53 + 2 is integral, but beyond 2**53 an integer is no longer exact: a float
    assert encode_number(2.0 ** 53 + 2, integers=True) == 2.0 ** 53 + 2
    assert type(encode_number(2.0 ** 53 - 1, integers=True)) is int
    assert encode_number(-0.0, integers=True) == "-0.0"


def test_backward_calls_are_written_only_when_not_one():
    p = program("y = x * 2.0", {"x": 3.0}, "y")
    assert "backward_calls" not in json.loads(encode_program(p, 1))
    twice = json.loads(encode_program(p, 1, backward_calls=2))
    assert twice["backward_calls"] == 2
    assert list(validator().iter_errors(twice)) == []


def test_a_node_called_like_a_number_string_is_renamed_on_the_wire():
    p = program("nan = inf * 2.0\ny = nan + inf", {"inf": 1.5}, "y")
    request = json.loads(encode_program(p, 1))
    assert request["inputs"] == [["#inf", 1.5]]
    assert request["steps"][1] == ["y", "add", ["#nan", "#inf"]]
    assert request["output"] == "y"


def test_awkward_numbers_survive_the_codec_both_ways():
    p = awkward_program()
    evaluation = interpret(p)
    got = decode_result(decode_message(result_line(evaluation)), p.node_ids())
    assert same_bits(got, evaluation)
    assert got["negative_zero"][0] == 0.0 and math.copysign(1, got["negative_zero"][0]) < 0
    assert got["t"][0] == 0.30000000000000004
    assert got["smallest_subnormal"][0] == AWKWARD["smallest_subnormal"]


def test_a_hello_validates():
    hello = decode_message(line({"kind": "hello", "protocol": PROTOCOL_VERSION, "name": "p",
                                 "language": "c", "version": "1", "ops": ["add", "tanh"]}))
    assert hello["ops"] == ["add", "tanh"]
    # ops is optional: the op probe then finds out what the port has
    bare = decode_message(line({"kind": "hello", "protocol": PROTOCOL_VERSION, "name": "p",
                                "language": "c", "version": "1"}))
    assert "ops" not in bare


def test_bytes_that_are_not_utf8_do_not_spoil_an_error_message():
    message = decode_message(b'{"kind": "error", "id": 1, "message": "bad \xff byte"}')
    assert message["message"] == "bad \ufffd byte"


@pytest.mark.parametrize("message, field, reason", [
    ({"kind": "hello", "protocol": 2, "name": "p", "language": "c", "version": "1", "ops": []},
     "protocol", "speaks protocol 2; this harness speaks 1"),
    ({"kind": "hello", "protocol": 1, "name": "p", "language": "c", "version": "1",
      "ops": ["add", "Tanh"]}, "ops[1]", "'Tanh' is no op of the lab's (add, sub, mul, div, pow, "
     "neg, relu, tanh, exp, log, sigmoid, sum, dot); a driver kit names an op after its "
     "adapter's method (Add is add)"),
    ({"kind": "hello", "protocol": 1, "name": "p", "language": "c", "ops": []},
     "the message", '"version" is a required property'),
    ({"kind": "result", "id": 1}, "the message", '"nodes" is a required property'),
    ({"kind": "result", "id": 1, "nodes": [[1.0, 2.0], [1.0, "Infinity"]]}, "nodes[1][1]",
     '"Infinity" is not valid'),
    ({"kind": "result", "id": 1, "nodes": [[1.0]]}, "nodes[0]", "has less than 2 items"),
    ({"kind": "result", "id": 0, "nodes": []}, "id", "less than the minimum"),
    ({"kind": "error", "id": 1, "message": 3}, "message", 'is not of type "string"'),
    ({"kind": "unsupported", "id": 1, "op": "softplus"}, "op", '"softplus" is not one of'),
    ({"kind": "reply", "id": 1}, "kind", '"reply" is not one of'),
    ({"id": 1}, "the message", '"kind" is a required property'),
    ([1, 2], "the message", 'is not of type "object"'),
])
def test_a_message_that_does_not_validate_names_the_field(message, field, reason):
    with pytest.raises(ProtocolError) as caught:
        decode_message(line(message))
    assert str(caught.value).startswith(f"field {field}: ")
    assert reason in str(caught.value)


@pytest.mark.parametrize("raw, reason", [
    (b"this is not json", "not a JSON line"),
    (b'{"kind": "result", "id": 1, "nodes": [[NaN, 1.0]]}', "NaN is not JSON"),
    (b'{"kind": "result", "id": 1, "nodes": [[1.0, 2.0]]', "not a JSON line"),
    (b"\xff\xfe", "not a JSON line"),
])
def test_a_line_that_is_not_json_is_refused(raw, reason):
    with pytest.raises(ProtocolError, match=reason):
        decode_message(raw)


def test_a_result_with_the_wrong_number_of_nodes_is_refused():
    p = program("y = x + 1.0", {"x": 2.0}, "y")
    message = decode_message(line({"kind": "result", "id": 1, "nodes": [[2.0, 1.0]]}))
    with pytest.raises(ProtocolError, match=r"field nodes: 1 entries for a program of 2 nodes"):
        decode_result(message, p.node_ids())


@pytest.mark.parametrize("raw, field", [
    (b'{"kind": "result", "id": 1, "nodes": [[2.0, 1.0], [3.0, 1e400]]}', "nodes[1][1]"),
    (b'{"kind": "result", "id": 1, "nodes": [[2.0, 1.0], [-1e999, 1.0]]}', "nodes[1][0]"),
    (b'{"kind": "result", "id": 1, "nodes": [[2.0, 1.0], [1' + b"0" * 400 + b', 1.0]]}',
     "nodes[1][0]"),
])
def test_a_number_beyond_the_doubles_is_refused(raw, field):
    p = program("y = x + 1.0", {"x": 2.0}, "y")
    with pytest.raises(ProtocolError) as caught:
        decode_result(decode_message(raw), p.node_ids())
    assert str(caught.value).startswith(f"field {field}: ")
    assert "beyond the largest double" in str(caught.value)


def test_the_example_sessions_in_the_doc_validate():
    doc = (REPO / "docs" / "protocol.md").read_text()
    lines = [text[2:] for text in doc.splitlines() if text.startswith(("< {", "> {"))]
    whole = [text for text in lines if " ... " not in text]   # some requests are cut short
    assert len(whole) >= 10
    for text in whole:
        assert list(validator().iter_errors(json.loads(text))) == [], text

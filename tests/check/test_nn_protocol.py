"""The nn half of the protocol: the mlp request every case sends validates
against the schema and crosses exactly; an mlp_result of the wrong shape,
or with a number that is no double, is a protocol failure naming the field;
a hello names the kinds of MLP a port builds."""
import json
import sys

import pytest

from micrograd_lab.harness.engines.base import EngineFailure, Unsupported
from micrograd_lab.harness.engines.command import CommandEngine
from micrograd_lab.harness.engines.command_protocol import (ProtocolError, decode_message, decode_mlp_answer,
                                              decode_number, encode_mlp, validator)
from micrograd_lab.harness.nn.cases import all_cases

LECTURE = all_cases()[0].request   # MLP(3, [4, 4, 1]): 41 parameters, no SGD step


def line(message):
    return json.dumps(message).encode()


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_every_cases_request_validates_and_crosses_exactly(case):
    sent = encode_mlp(case.request, 7)
    assert sent.endswith(b"\n") and sent.count(b"\n") == 1
    message = json.loads(sent)
    validator().validate(message)
    request = case.request
    assert (message["kind"], message["id"], message["sizes"], message["activations"]) == (
        "mlp", 7, list(request.sizes), request.kind)
    assert [decode_number(x) for x in message["parameters"]] == list(request.parameters)
    assert [[decode_number(x) for x in row] for row in message["inputs"]] == \
        [list(row) for row in request.inputs]
    assert message["loss"]["output"] == request.loss_output
    assert len(message["loss"]["steps"]) == len(request.loss)
    assert (message["steps"], message["learning_rate"]) == (request.steps, request.learning_rate)


def test_a_hello_names_the_kinds_of_mlp():
    hello = {"kind": "hello", "protocol": 1, "name": "p", "language": "go", "version": "1"}
    assert decode_message(line({**hello, "nn": ["relu-linear", "tanh-tanh"]}))["nn"] == [
        "relu-linear", "tanh-tanh"]
    with pytest.raises(ProtocolError, match=r"^field nn\[0\]: "):
        decode_message(line({**hello, "nn": ["relu"]}))


def test_an_answer_of_the_right_shape_decodes():
    message = decode_message(line({"kind": "mlp_result", "id": 3, "losses": [2.5],
                                   "gradients": [[0.5] * 40 + ["-0.0"]]}))
    answer = decode_mlp_answer(message, LECTURE)
    assert answer.losses == (2.5,) and answer.gradients[0][-1] == -0.0


@pytest.mark.parametrize("losses, gradients, reason", [
    ([2.5, 1.0], [[0.5] * 41], "2 losses and 1 lists of gradients for 1 backward passes (steps + 1)"),
    ([2.5], [[0.5] * 40], "gradients[0] has 40 numbers for 41 parameters"),
])
def test_an_answer_of_another_shape_is_refused(losses, gradients, reason):
    message = decode_message(line({"kind": "mlp_result", "id": 3, "losses": losses,
                                   "gradients": gradients}))
    with pytest.raises(ProtocolError) as refused:
        decode_mlp_answer(message, LECTURE)
    assert str(refused.value) == f"the answer's shape: {reason}"


def test_a_gradient_that_is_no_double_names_its_field():
    with pytest.raises(ProtocolError, match=r"^field gradients\[0\]\[1\]: "):
        decode_message(line({"kind": "mlp_result", "id": 3, "losses": [1.0],
                             "gradients": [[0.5, "Infinity"]]}))


FAKE = '''
import json, sys
print(json.dumps({"kind": "hello", "protocol": 1, "name": "fake", "language": "python",
                  "version": "1", "nn": ["relu-linear"]}), flush=True)
for n, text in enumerate(sys.stdin):
    request = json.loads(text)
    if n == 0:
        reply = {"kind": "unsupported", "id": request["id"], "op": "mlp", "message": "not today"}
    else:
        reply = {"kind": "mlp_result", "id": request["id"], "losses": [1.0], "gradients": [[]]}
    print(json.dumps(reply), flush=True)
'''


def test_a_command_ports_unsupported_and_misshapen_answers(tmp_path):
    (tmp_path / "fake.py").write_text(FAKE)
    engine = CommandEngine("fake", [sys.executable, "fake.py"], tmp_path, timeout=10,
                           max_memory=1024)
    try:
        assert engine.nn_kinds() == ("relu-linear",)
        with pytest.raises(Unsupported) as lacking:
            engine.mlp(LECTURE)
        assert (lacking.value.op, str(lacking.value)) == ("mlp", "not today")
        with pytest.raises(EngineFailure) as broken:
            engine.mlp(LECTURE)
        assert broken.value.kind == "protocol"
        assert broken.value.message.startswith(
            "reply to mlp request 2: the answer's shape: gradients[0] has 0 numbers for 41 "
            "parameters")
    finally:
        engine.close()

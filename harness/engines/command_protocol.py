"""The JSON-lines protocol of a "command" port (docs/protocol.md): the
requests the harness writes, and the checks on every message a port writes
back (harness/schema/protocol.schema.json, then what a schema cannot say:
the right id, one [data, grad] per node, numbers that are doubles).

Validation uses jsonschema-rs: the pure-Python jsonschema needs about 16 us
per number, 3 s for the reply of a 100,000-node program; jsonschema-rs
validates a 1,000,000-node reply in 0.07 s.
"""
import json
import math
from functools import lru_cache
from pathlib import Path

import jsonschema_rs

from ..ops import OPS
from .schema_ops import ops_resource

PROTOCOL_VERSION = 1
SCHEMA_FILE = Path(__file__).resolve().parents[1] / "schema" / "protocol.schema.json"

# The numbers JSON has no literal for.  -0.0 is here because many JSON
# libraries read -0 or -0.0 back as 0 (and JavaScript writes -0 as 0).
NUMBER_STRINGS = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan, "-0.0": -0.0}
# Below this magnitude every integer is a double, so 3 and 3.0 are the same number.
EXACT_INTEGER_LIMIT = 2.0 ** 53


class ProtocolError(Exception):
    """A message the protocol does not allow; the text names the field."""


@lru_cache(maxsize=1)
def schema():
    return json.loads(SCHEMA_FILE.read_text())


@lru_cache(maxsize=1)
def validator():
    """The protocol schema's validator, its op names read from ops.schema.json."""
    return jsonschema_rs.Draft202012Validator(
        schema(), registry=jsonschema_rs.Registry([ops_resource()]))


def encode_number(x, integers=False):
    """A float as the protocol writes it: a JSON number that reads back as the
    same double (Python's repr is the shortest such), or one of NUMBER_STRINGS.
    integers=True: an integral x below 2**53 in magnitude becomes an int (3)."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0 and math.copysign(1.0, x) < 0:
        return "-0.0"
    if integers and x.is_integer() and abs(x) < EXACT_INTEGER_LIMIT:
        return int(x)
    return float(x)


def wire_id(node_id):
    """The node's name on the wire: a node called like a number string gets a
    name no fixture can give ("#inf"), so an argument "inf" is always a number."""
    return "#" + node_id if node_id in NUMBER_STRINGS else node_id


def _number_text(x, integers):
    """encode_number(x) as JSON text (json.dumps writes a float as repr too)."""
    x = encode_number(x, integers)
    return f'"{x}"' if isinstance(x, str) else repr(x)


def encode_program(program, request_id, integers=False, backward_calls=1):
    """One request line (bytes, ending in a newline) for a harness.program.Program;
    backward_calls other than 1 asks the port to run backward that many times.

    Written by hand around json.dumps for the names: each id and each number
    is turned into text once per program (a 1,000,000-step chain: 1.5 s
    instead of 4 s for json.dumps of the nested lists)."""
    names, ops, numbers = {}, {}, {}

    def name(node_id):
        text = names.get(node_id)
        if text is None:
            text = names[node_id] = json.dumps(wire_id(node_id))
        return text

    def op(op_name):
        text = ops.get(op_name)
        if text is None:
            text = ops[op_name] = json.dumps(op_name)
        return text

    def number(x):
        text = numbers.get(x)
        if text is None or x == 0.0:    # 0.0 and -0.0 are one key
            text = _number_text(x, integers)
            if x == x:                  # nan is no key at all
                numbers[x] = text
        return text

    inputs = ",".join(f"[{name(node_id)},{number(x)}]" for node_id, x in program.inputs)
    steps = ",".join(
        f"[{name(s.out)},{op(s.op)},["
        + ",".join(name(a.value) if a.kind == "node" else number(a.value) for a in s.args)
        + "]]"
        for s in program.steps)
    calls = f',"backward_calls":{int(backward_calls)}' if backward_calls != 1 else ""
    return (f'{{"kind":"program","id":{int(request_id)},'
            f'"integers":{"true" if integers else "false"},"inputs":[{inputs}],'
            f'"steps":[{steps}],"output":{name(program.output)}{calls}}}\n').encode()


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON (write \"inf\", \"-inf\" or \"nan\")")


def _field(path):
    """["nodes", 3, 1] -> nodes[3][1]"""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the message"


def _shorten(text, limit=120):
    return text if len(text) <= limit else text[:limit] + "..."


def decode_message(line):
    """A line (bytes, without its newline) as a message checked against the
    schema; raises ProtocolError naming the field that is wrong."""
    beyond = []   # number literals no double holds (1e400), kept as their text to name them

    def parse_float(text):
        x = float(text)
        if math.isfinite(x):
            return x
        beyond.append(text)
        return text

    # Bytes that are not UTF-8 (a Lua error message may hold any) become U+FFFD:
    # they cannot make a number or a field name valid, only a message readable.
    text = line.decode("utf-8", "replace")
    try:
        message = json.loads(text, parse_float=parse_float, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"not a JSON line ({error}): {_shorten(text)!r}") from None
    if isinstance(message, dict) and message.get("kind") == "hello" \
            and message.get("protocol") not in (None, PROTOCOL_VERSION):
        raise ProtocolError(f"field protocol: the port speaks protocol {message['protocol']!r}; "
                            f"this harness speaks {PROTOCOL_VERSION}")
    for error in validator().iter_errors(message):
        path = list(error.instance_path)
        reason = error.message
        value = _at(message, path)
        if any(value is text for text in beyond):
            reason = f"the number {value} is beyond the largest double (write \"inf\" or \"-inf\")"
        elif path[:1] == ["ops"] and isinstance(value, str) and value not in OPS:
            # the schema lists 2 of 13: a kit's adapter method Plus declared "plus"
            reason = (f"{value!r} is no op of the lab's ({', '.join(OPS)}); a driver kit names "
                      "an op after its adapter's method (Add is add)")
        raise ProtocolError(f"field {_field(path)}: {reason}")
    return message


def _at(message, path):
    for part in path:
        message = message[part]
    return message


def decode_number(x):
    """A number of a validated message as a float; ValueError if it is no double."""
    if isinstance(x, str):
        return NUMBER_STRINGS[x]
    if isinstance(x, int):
        try:
            return float(x)
        except OverflowError:
            raise ValueError(f"the integer {_shorten(str(x), 40)} is beyond the largest double") from None
    return x


def decode_result(message, node_ids):
    """A validated result as an Evaluation: {node id: (data, grad)} in program order."""
    nodes = message["nodes"]
    if len(nodes) != len(node_ids):
        raise ProtocolError(f"field nodes: {len(nodes)} entries for a program of "
                            f"{len(node_ids)} nodes (every node's [data, grad], inputs first)")
    evaluation = {}
    for i, (node_id, (data, grad)) in enumerate(zip(node_ids, nodes)):
        try:
            evaluation[node_id] = (decode_number(data), decode_number(grad))
        except ValueError:
            for j, x in enumerate((data, grad)):    # again, to name the field
                try:
                    decode_number(x)
                except ValueError as error:
                    raise ProtocolError(f"field nodes[{i}][{j}]: {error}") from None
    return evaluation


# -- the nn half --------------------------------------------------------------------

def encode_mlp(request, request_id):
    """One mlp request line (bytes) for a harness.nn.request.MlpRequest."""
    plain = request.to_plain()

    def numbers(values):
        return [encode_number(x) for x in values]
    plain["parameters"] = numbers(plain["parameters"])
    plain["inputs"] = [numbers(row) for row in plain["inputs"]]
    plain["learning_rate"] = encode_number(plain["learning_rate"])
    plain["loss"]["steps"] = [
        [out, op, [encode_number(a) if isinstance(a, float) else wire_id(a) for a in args]]
        for out, op, args in plain["loss"]["steps"]]
    plain["loss"]["output"] = wire_id(plain["loss"]["output"])
    return (json.dumps({"kind": "mlp", "id": int(request_id), **plain}, allow_nan=False,
                       separators=(",", ":")) + "\n").encode()


def decode_mlp_answer(message, request):
    """A validated mlp_result as a harness.nn.request.MlpAnswer; ProtocolError
    naming the field when its shape does not answer the request."""
    from ..nn.request import MlpAnswer

    def floats(values, field):
        out = []
        for i, x in enumerate(values):
            try:
                out.append(decode_number(x))
            except ValueError as error:
                raise ProtocolError(f"field {field}[{i}]: {error}") from None
        return tuple(out)
    answer = MlpAnswer(floats(message["losses"], "losses"),
                       tuple(floats(g, f"gradients[{s}]")
                             for s, g in enumerate(message["gradients"])))
    problem = answer.check_shape(request)
    if problem:
        raise ProtocolError(f"the answer's shape: {problem}")
    return answer

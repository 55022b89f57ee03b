"""The example session of docs/protocol.md, as the harness writes it, and
the programs it is made of (tests/conformance/test_session.py keeps the
page and these lines the same)."""
import json

from ..program import Arg, Program, Step
from ..engines.command_protocol import NUMBER_STRINGS, decode_number

# What the harness writes in the page's first session: (the line, integers).
EXAMPLE_REQUESTS = (
    '{"kind":"program","id":1,"integers":false,"inputs":[["a",2.0],["b",-3.0]],"steps":'
    '[["c","mul",["a","b"]],["d","add",["c",10.0]],["e","tanh",["d"]]],"output":"e"}',
    '{"kind":"program","id":2,"integers":true,"inputs":[["x",1],["z",0]],"steps":'
    '[["y","div",["x","z"]]],"output":"y"}',
    '{"kind":"program","id":3,"integers":false,"inputs":[["x",0.5]],"steps":'
    '[["y","tanh",["x"]]],"output":"y"}',
)


def program_of(line):
    """(the Program a request line holds, its integers flag)."""
    request = json.loads(line)

    def arg(a):
        if isinstance(a, str) and a not in NUMBER_STRINGS:
            return Arg.node(a)
        return Arg.num(decode_number(a))
    return (Program(inputs=tuple((name, decode_number(x)) for name, x in request["inputs"]),
                    steps=tuple(Step(out, op, tuple(arg(a) for a in args))
                                for out, op, args in request["steps"]),
                    output=request["output"]),
            request["integers"])


EXAMPLE_SESSION = tuple(program_of(line) for line in EXAMPLE_REQUESTS)

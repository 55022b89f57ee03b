"""A command port that misbehaves on purpose, for tests/check/test_command_faults.py.

    python fake_port.py FAULT

Every program is answered correctly (python_ref through harness.interpret),
except a program whose output node is called `fault`: then FAULT happens.
FAULTs named hello-* happen instead of the hello; `deaf` stops reading its
stdin after the hello; `chatty` prints a line on stdout before every reply.  The hello's version tells the test where the port
runs and under which memory limit.
"""
import json
import math
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from micrograd_lab.harness.interpret import interpret  # noqa: E402
from micrograd_lab.harness.program import Arg, Program, Step  # noqa: E402

SPECIAL = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan, "-0.0": -0.0}


def send(message, raw=None):
    sys.stdout.write((raw if raw is not None else json.dumps(message)) + "\n")
    sys.stdout.flush()


def number(x):
    return SPECIAL[x] if isinstance(x, str) else float(x)


def program_of(request):
    def arg(a):
        return Arg.node(a) if isinstance(a, str) and a not in SPECIAL else Arg.num(number(a))
    return Program(inputs=tuple((name, number(x)) for name, x in request["inputs"]),
                   steps=tuple(Step(out, op, tuple(arg(a) for a in args))
                               for out, op, args in request["steps"]),
                   output=request["output"])


def wire(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0 and math.copysign(1.0, x) < 0:
        return "-0.0"
    return x


def result(request):
    evaluation = interpret(program_of(request))
    return {"kind": "result", "id": request["id"],
            "nodes": [[wire(d), wire(g)] for d, g in evaluation.values()]}


def fault(name, request):
    reply = result(request)
    if name == "sleep":
        time.sleep(1000)
    elif name == "spin":        # computes forever
        while True:
            pass
    elif name == "flood":       # stderr without end, and no reply
        while True:
            sys.stderr.write("flooding stderr " * 60 + "\n")
    elif name == "exit":
        sys.stderr.write("fake port: dying on purpose\n")
        sys.stderr.flush()
        os._exit(3)
    elif name == "segfault":   # as a C++ port's null dereference
        os.kill(os.getpid(), signal.SIGSEGV)
    elif name == "garbage":
        send(None, raw="this is not json")
    elif name == "missing-field":
        del reply["nodes"]
        send(reply)
    elif name == "short":
        reply["nodes"].pop()
        send(reply)
    elif name == "wrong-id":
        reply["id"] += 1
        send(reply)
    elif name in ("huge-number", "infinity-token"):   # what JSON or a double cannot hold
        reply["nodes"][0][0] = "LITERAL"
        literal = "1e400" if name == "huge-number" else "Infinity"
        send(None, raw=json.dumps(reply).replace('"LITERAL"', literal))
    elif name == "memory":
        hog = bytearray(8 * 2**30)   # past RLIMIT_DATA: MemoryError, the process dies
        send({"kind": "error", "id": request["id"], "message": f"got {len(hog)} bytes"})
    elif name == "error":
        send({"kind": "error", "id": request["id"], "message": "ValueError: planted"})
    elif name == "unsupported":
        send({"kind": "unsupported", "id": request["id"], "op": "tanh"})
    elif name == "two-lines":   # in one write, so they arrive together
        send(None, raw=json.dumps(reply) + "\n" + json.dumps(reply))
    elif name == "grandchild":
        child = subprocess.Popen(["sleep", "1000"])
        sys.stderr.write(f"grandchild {child.pid}\n")
        sys.stderr.flush()
        time.sleep(1000)
    else:
        raise SystemExit(f"fake port: unknown fault {name!r}")


def main():
    name = sys.argv[1]
    if name == "hello-garbage":
        send(None, raw="hello?")
    elif name == "hello-version":
        send({"kind": "hello", "protocol": 2, "name": "fake", "language": "python",
              "version": "2", "ops": ["add"]})
    elif name == "hello-exit":
        sys.stderr.write("fake port: no hello today\n")
        sys.exit(4)
    elif name == "hello-sleep":
        time.sleep(1000)
    data_limit = resource.getrlimit(resource.RLIMIT_DATA)[0]
    send({"kind": "hello", "protocol": 1, "name": "fake", "language": "python",
          "version": json.dumps({"cwd": os.getcwd(), "data_limit": data_limit}),
          "ops": ["add", "sub", "mul", "div", "pow", "neg", "relu", "tanh", "exp", "log",
                  "sigmoid", "sum", "dot"]})
    if name == "deaf":
        time.sleep(1000)
    for line in sys.stdin:
        request = json.loads(line)
        if name == "chatty":   # a print on stdout, where the protocol's lines go
            send(None, raw=f"debug: backward from {request['output']}")
        if request["output"] == "fault":
            fault(name, request)
        else:
            send(result(request))


if __name__ == "__main__":
    main()

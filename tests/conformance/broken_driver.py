"""A driver with one fault, for tests/conformance/test_check_driver.py.

    python broken_driver.py FAULT

Without a fault it speaks the protocol: each program is python_ref's
(harness.interpret), sum and dot are unsupported.  FAULT is one of:

  garbage      prints a line of its own on stdout before each reply
  raw-floats   writes every number as Python's json does: inf and nan as
               bare Infinity and NaN, which are not JSON
  line-limit   reads lines of at most 64 KiB, as Go's bufio.Scanner does,
               and exits on a longer one
  crash        exits with a traceback before its hello
  hang         says its hello, then loops forever on the first program
  wrong-hello  lists an op the protocol does not have
  long-line-error  answers `error` to a line over 64 KiB instead of reading it

and one that is the port's fault, not the driver's:

  port-raises  answers every program with the port's own `error` reply
"""
import json
import sys
from pathlib import Path

# the fake port of the command tests: a request's Program, and python_ref's answer
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "check" / "command_fakes"))
from fake_port import interpret, program_of, result  # noqa: E402

from micrograd_lab.harness.ops import OPS  # noqa: E402

FAULT = sys.argv[1] if len(sys.argv) > 1 else ""
LISTED = [name for name in OPS if name not in ("sum", "dot")]
SCANNER_LIMIT = 64 * 1024


def send(message):
    text = json.dumps(message) if FAULT == "raw-floats" else json.dumps(message, allow_nan=False)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def answer(line):
    if FAULT == "long-line-error" and len(line) > SCANNER_LIMIT:
        return {"kind": "error", "id": json.loads(line)["id"], "message": "line too long"}
    request = json.loads(line)
    lacking = [op for _, op, _ in request["steps"] if op not in LISTED]
    if lacking:
        return {"kind": "unsupported", "id": request["id"], "op": lacking[0]}
    if FAULT == "port-raises":
        return {"kind": "error", "id": request["id"], "message": "IndexError: out of range"}
    reply = result(request)
    if FAULT == "raw-floats":   # the numbers as they are, and -0.0 as 0 (as JavaScript writes it)
        evaluation = interpret(program_of(request))
        reply["nodes"] = [[d or 0, g or 0] for d, g in evaluation.values()]
    return reply


def lines():
    while True:
        if FAULT == "line-limit":
            line = sys.stdin.buffer.readline(SCANNER_LIMIT)
            if line and not line.endswith(b"\n") and len(line) == SCANNER_LIMIT:
                sys.exit("bufio.Scanner: token too long")
        else:
            line = sys.stdin.buffer.readline()
        if not line:
            return
        yield line


def main():
    if FAULT == "crash":
        raise ImportError("cannot import name 'Value' from 'engine'")
    ops = LISTED + ["softplus"] if FAULT == "wrong-hello" else LISTED
    send({"kind": "hello", "protocol": 1, "name": f"broken ({FAULT or 'none'})",
          "language": "python", "version": "test", "ops": ops})
    for line in lines():
        if FAULT == "hang":
            while True:
                pass
        if FAULT == "garbage":
            print("computing...", flush=True)
        send(answer(line))


if __name__ == "__main__":
    main()

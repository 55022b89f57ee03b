"""The trials of check-driver: each sends a driver programs whose answer
does not depend on what its port computes, and says what the driver did
wrong (one line), if anything.

  hello            it starts and says a hello that validates (protocol 1)
  example session  docs/protocol.md's three programs: every reply validates,
                   with the right id and one [data, grad] per node
  numbers          5e-324, subnormals, the largest double, -0.0, inf, -inf
                   and nan come back unchanged as the data of leaves
  long line        a program line of 4 MiB (the protocol has no line limit)
  backward twice   backward_calls 2 is understood (what the port then does
                   with its gradients is the port's business)
  ops              an op the hello lists runs or raises, never `unsupported`;
                   an op it does not list is answered `unsupported`

Every message of the driver is checked against the schema on the way in
(command_adapter.py).  An `error` reply is the port's: it is no problem.
"""
import math
import re
from dataclasses import dataclass

from ..ops import OPS
from ..program import Arg, Program, Step
from ..engines.base import EngineFailure, Unsupported
from ..engines.command import CommandEngine
from .session import EXAMPLE_SESSION

SMALL_SECONDS = 3.0          # CPU seconds for each small program of the trials
LONG_LINE = 4 << 20          # bytes of the long line
SHORTER_LINES = (60 << 10, 128 << 10, 1 << 20)   # tried when the long line fails
FINITE = (5e-324, -2.5e-310, 2.225073858507201e-308, 2.2250738585072014e-308,
          1.7976931348623157e308, 0.1, 1 / 3, 2.0 ** 53 + 2, -123456789.12345678, 3.0)
SPECIAL = (-0.0, math.inf, -math.inf, math.nan)
# One-op programs' arguments, by how the op takes them (harness/ops.py)
ORDINARY_ARGS = {"unary": (0.5,), "binary": (0.5, 2.0), "nary": (0.5, 1.5, 2.5)}


class Stop(Exception):
    """The driver cannot go on (it does not start, or answers nothing): the
    other trials would only repeat this problem."""


@dataclass
class Outcome:
    trial: str
    problem: str | None      # one line, or None when the driver did right
    detail: str = ""         # what the trial saw, for the report


class Driver:
    """The driver under trial: one runtime, started again after a failure,
    and a second one for backward_calls 2."""

    def __init__(self, manifest):
        self.manifest = manifest
        self.runtime = self._runtime(1)

    def _runtime(self, backward_calls):
        m = self.manifest
        return CommandEngine(m.name, m.command, m.folder, timeout=min(m.timeout, SMALL_SECONDS),
                              max_memory=m.max_memory, backward_calls=backward_calls)

    @property
    def ops(self):
        """The ops its hello lists, or None where it lists none (protocol 1
        leaves the list out: the check then asks for each op)."""
        hello = self.runtime.hello or {}
        return set(hello["ops"]) if "ops" in hello else None

    def ask(self, program, integers=False, runtime=None, timeout=None):
        """("result", evaluation), ("unsupported", op), ("error", message)
        or ("failure", EngineFailure).  Raises Stop if the driver no longer starts."""
        runtime = runtime or self.runtime
        runtime.timeout = timeout or min(self.manifest.timeout, SMALL_SECONDS)
        try:
            return "result", runtime.evaluate(program, integers=integers)
        except Unsupported as unsupported:
            return "unsupported", unsupported.op
        except EngineFailure as failure:
            if runtime.last_start_failure is not None:
                raise Stop(f"it no longer starts: {start_problem(failure)}") from None
            if failure.kind == "error" or (failure.kind == "memory"
                                           and "memory cap" not in failure.message):
                return "error", failure.message   # the port's own `error` reply
            return "failure", failure

    def twice(self, program):
        runtime = self._runtime(2)
        try:
            return self.ask(program, runtime=runtime)
        finally:
            runtime.close()

    def close(self):
        self.runtime.close()


# -- what a failure says about the driver --------------------------------------------

def _said(failure):
    """A failure's message on one line, without the exchange it names (the
    trial's line names it)."""
    text = " ".join(failure.message.split())
    return re.sub(r"^(its hello|(reply to )?program \d+): ", "", text)


DOES_NOT_START, EXITS_BEFORE_HELLO = "it does not start", "it exits before its hello"
STOPPED = (DOES_NOT_START, EXITS_BEFORE_HELLO)   # the command itself stopped


def start_problem(failure):
    text = _said(failure)
    if text.startswith("cannot start"):
        return f"{DOES_NOT_START}: {text}"
    if "not a JSON line" in text:
        return f"it writes to stdout what is not a protocol line, before its hello: {text}"
    if failure.kind == "crash":
        return f"{EXITS_BEFORE_HELLO}: {text}"
    if failure.kind == "timeout":
        return f"it says no hello: {text}"
    return f"its hello is wrong: {text}"


BARE = re.compile(r"not a JSON line \((-?Infinity|NaN) is not JSON")
BARE_HINT = "written as a bare NaN or Infinity, which is not JSON (write the strings \"inf\", " \
            "\"-inf\", \"nan\")"


def failure_problem(failure):
    """One line on what a failed exchange shows of the driver."""
    text = _said(failure)
    if BARE.search(text):
        return f"inf or nan {BARE_HINT}: {text[:160]}"
    if "not a JSON line" in text:
        return f"it writes to stdout what is not a protocol line: {text}"
    if "more than one line" in text:
        return ("it writes more than one line for a program (prints of the port reach "
                f"stdout?): {text}")
    return f"{failure.kind}: {text}"


def shown(x):
    return repr(x) if not math.isnan(x) else "nan"


def same_double(a, b):
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1, a) == math.copysign(1, b)


def leaves(values, name="x"):
    """A program of leaves only (their data must come back unchanged)."""
    inputs = tuple((f"{name}{i}", float(x)) for i, x in enumerate(values))
    return Program(inputs=inputs, steps=(), output=inputs[0][0])


# -- the trials ------------------------------------------------------------------------

def hello(driver):
    failure = driver.runtime.start_failure()
    if failure is not None:
        raise Stop(start_problem(failure))
    said = driver.runtime.hello
    listed = (' '.join(said['ops']) or 'none') if "ops" in said else "not listed"
    return Outcome("hello", None, f"{said['name']!r}, {said['language']}, {said['version']}; "
                                  f"ops: {listed}")


def example_session(driver):
    seen, problems = [], []
    for number, (program, integers) in enumerate(EXAMPLE_SESSION, 1):
        kind, answer = driver.ask(program, integers)
        # a hello without ops lists none: then `unsupported` is an answer too
        listed = driver.ops
        lacking = sorted({s.op for s in program.steps} - listed) if listed is not None else None
        if kind == "failure":
            problems.append(f"program {number}: {failure_problem(answer)}")
            if number == 1:   # the simplest program there is: nothing else would tell more
                raise Stop(problems[0])
        elif kind == "unsupported" and lacking == []:
            problems.append(f"program {number}: answered `unsupported` ({answer}) although the "
                            "hello lists every op it uses")
        elif kind != "unsupported" and lacking:
            problems.append(f"program {number}: answered `{kind}` although the hello does not "
                            f"list {', '.join(lacking)} (a port lists every op it has)")
        seen.append(kind)
    return Outcome("example session", "; ".join(problems) or None,
                   f"replies: {', '.join(seen)}; every line valid")


def numbers(driver):
    problems, changed, bare = [], [], []
    programs = [(leaves(FINITE), False), (leaves(FINITE), True)]
    programs += [(leaves([x]), False) for x in SPECIAL]
    for program, integers in programs:
        kind, answer = driver.ask(program, integers)
        if kind == "failure" and BARE.search(answer.message):
            bare += [shown(x) for _, x in program.inputs if not math.isfinite(x)]
        elif kind == "failure":
            problems.append(failure_problem(answer))
        elif kind != "result":
            problems.append(f"a program of leaves only was answered `{kind}`: {answer}")
        else:
            changed += [f"{shown(x)} came back as {shown(answer[node][0])}"
                        for node, x in program.inputs if not same_double(answer[node][0], x)]
    if bare:
        problems.insert(0, f"{', '.join(dict.fromkeys(bare))} {BARE_HINT}")
    if changed:
        problems.insert(0, ", ".join(dict.fromkeys(changed)) + " (write -0.0 as the string "
                        "\"-0.0\", finite numbers with 17 significant digits or a shortest "
                        "round-trip form)")
    return Outcome("numbers", "; ".join(dict.fromkeys(problems)) or None,
                   f"{len(FINITE) + len(SPECIAL)} awkward doubles came back unchanged")


def long_line(driver):
    answered = []

    def attempt(size):
        program = _line_of(size)
        kind, answer = driver.ask(program, timeout=driver.manifest.timeout)
        answered.append(kind)
        if kind == "result" and all(same_double(answer[n][0], x) for n, x in program.inputs):
            return None
        if kind == "error":   # the driver read the line whole; the port raised on it
            return None
        return failure_problem(answer) if kind == "failure" else f"answered `{kind}`: {answer}"

    problem = attempt(LONG_LINE)
    if problem is None and answered[-1] == "error":
        # the port's own error, if it gives one to a short line too; else the
        # driver's way of refusing a long line
        attempt(SHORTER_LINES[0])
        if answered[-1] != "error":
            problem = "answered `error` where a line of " + _size(SHORTER_LINES[0]) + \
                      " is answered `" + answered[-1] + "`"
    if problem is None:
        return Outcome("long line", None, f"a program line of {_size(LONG_LINE)} " + (
            "came back whole" if answered[0] == "result" else
            "was read whole (the port answered `error` to a short line too: its own)"))
    worked, failed = None, LONG_LINE
    for size in SHORTER_LINES:
        if attempt(size) is not None:
            failed = size
            break
        worked = size
    limit = (f"; a line of {_size(worked)} works and one of {_size(failed)} does not: the "
             "driver limits the length of a line" if worked else "")
    return Outcome("long line", f"a program line of {_size(LONG_LINE)}: {problem}{limit} (the "
                                "protocol has no limit: read a line of any length)")


def _line_of(size):
    """Leaves whose request line is about size bytes (each about 64)."""
    count = max(1, size // 64)
    inputs = tuple((f"input-{i:08d}-" + "x" * 36, i + 0.25) for i in range(count))
    return Program(inputs=inputs, steps=(), output=inputs[0][0])


def _size(size):
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB"


def backward_twice(driver):
    op = next((o for o in ("mul", "add") if driver.ops is None or o in driver.ops), None)
    steps = (Step("L", op, (Arg.node("a"), Arg.node("b"))),) if op else ()
    program = Program(inputs=(("a", 3.0), ("b", -2.0)), steps=steps,
                      output="L" if op else "a")
    kind, twice = driver.twice(program)
    if kind == "failure":
        return Outcome("backward twice", f"with backward_calls 2: {failure_problem(twice)}")
    if kind != "result":
        return Outcome("backward twice", None, f"with backward_calls 2 the port answered `{kind}`")
    kind, once = driver.ask(program)
    if kind != "result":
        return Outcome("backward twice", None, "understood backward_calls 2")
    grads = [(once[n][1], twice[n][1]) for n in ("a", "b")]
    if all(t == 2 * o for o, t in grads):
        seen = "the gradients doubled: the port accumulates"
    elif all(same_double(o, t) for o, t in grads):
        seen = ("the gradients did not change: the port starts from zero (or the driver ran "
                "backward once)")
    else:
        seen = (f"the gradients went from {grads[0][0]!r}, {grads[1][0]!r} to {grads[0][1]!r}, "
                f"{grads[1][1]!r}")
    return Outcome("backward twice", None, f"understood backward_calls 2; {seen}")


def one_op(name, number_exponent=False):
    """A one-step program of the op, every argument a Value; with
    number_exponent (the hello's pow), pow's exponent a number."""
    op = OPS[name]
    values = ORDINARY_ARGS[op.kind]
    inputs = tuple((f"v{i}", x) for i, x in enumerate(values))
    args = tuple(Arg.node(n) for n, _ in inputs)
    if number_exponent and name == "pow":
        inputs, args = inputs[:1], (args[0], Arg.num(values[1]))
    step = Step("y", name, args)
    return Program(inputs=inputs, steps=(step,), output="y")


def ops(driver):
    if driver.ops is None:
        return _unlisted_ops(driver)
    problems, listed, errors = [], sorted(driver.ops, key=list(OPS).index), []
    for name in listed:
        kind, answer = driver.ask(one_op(name, driver.runtime.number_exponent_only))
        if kind == "error":   # the port's own failure, answered as the protocol says
            errors.append((name, answer))
        if kind == "unsupported":
            problems.append(f"its hello lists {name} but it answers `unsupported` for it")
        elif kind == "failure":
            problems.append(f"{name}: {failure_problem(answer)}")
    lacking = next((name for name in OPS if name not in driver.ops), None)
    answers = "every op listed runs" if not errors else (
        f"every op listed is answered, {len(errors)} of {len(listed)} with the port's own "
        f"error ({errors[0][0]}: {errors[0][1]})")
    if lacking is None:
        detail = f"{answers}; it lists every op, so none could be asked for as unsupported"
    else:
        kind, answer = driver.ask(one_op(lacking))
        if kind == "failure":
            problems.append(f"{lacking} (not in its hello): {failure_problem(answer)}")
        elif kind == "unsupported" and answer != lacking:
            problems.append(f"{lacking} (not in its hello) was answered `unsupported` naming "
                            f"{answer}")
        elif kind != "unsupported":
            problems.append(f"{lacking}, which its hello does not list, was answered `{kind}`: "
                            "answer `unsupported`, or list the op")
        detail = f"{answers}; {lacking}, not listed, is answered `unsupported`"
    return Outcome("ops", "; ".join(problems) or None, detail)


def _unlisted_ops(driver):
    """A hello without ops: every op is asked for, and each answer must be a
    result, `unsupported` naming it, or the port's own error."""
    problems, answered = [], {"result": [], "unsupported": [], "error": []}
    for name in OPS:
        kind, answer = driver.ask(one_op(name, driver.runtime.number_exponent_only))
        if kind == "failure":
            problems.append(f"{name}: {failure_problem(answer)}")
        elif kind == "unsupported" and answer != name:
            problems.append(f"{name} was answered `unsupported` naming {answer}")
        else:
            answered[kind].append(name)
    detail = (f"its hello lists no ops: {len(answered['result'])} run, "
              f"{len(answered['unsupported'])} answered `unsupported`"
              + (f", {len(answered['error'])} raise" if answered["error"] else ""))
    return Outcome("ops", "; ".join(problems) or None, detail)


TRIALS = (hello, example_session, numbers, long_line, backward_twice, ops)


def run_trials(manifest, report):
    """Run every trial on the manifest's driver, report(outcome) after each;
    the list of outcomes.  A Stop ends the trials with its problem."""
    driver = Driver(manifest)
    outcomes = []
    try:
        for trial in TRIALS:
            try:
                outcome = trial(driver)
            except Stop as stop:
                outcome = Outcome(trial.__name__.replace("_", " "), str(stop))
                outcomes.append(outcome)
                report(outcome)
                break
            outcomes.append(outcome)
            report(outcome)
    finally:
        driver.close()
    return outcomes

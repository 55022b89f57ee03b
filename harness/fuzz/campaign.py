"""A fuzzing run: draw programs until one fails, let hypothesis shrink it,
keep it as a found fixture, and go on looking for a *different* failure
(another backend, verdict, op or field) until the example budget is spent.
"""
import random
import time
from dataclasses import dataclass, field

from hypothesis import find, settings as Settings
from hypothesis.errors import NoSuchExample

from .found import program_text, write_found
from .profiles import same_programs_everywhere
from .program_tools import renumbered, without_dead_nodes
from .strategies import programs


@dataclass
class Found:
    program: object
    summary: str
    path: object = None       # the fixture written, when an out dir was given


@dataclass
class Result:
    tried: int = 0            # programs evaluated, shrinking included
    seconds: float = 0.0
    found: list = field(default_factory=list)

    @property
    def rate(self):
        return self.tried / self.seconds if self.seconds else 0.0


def run(oracle, settings, examples, seed=None, out_dir=None, max_steps=8,
        on_program=None, on_found=None):
    """Fuzz `examples` programs through `oracle` (an Oracle); returns a Result.

    seed: an int for a reproducible run (None: hypothesis's own randomness,
    or the fixed one of a derandomized profile).  out_dir: where found cases
    are written (None: not written).  on_program(result) is called after each
    program, on_found(found) after each shrunk failure.
    """
    result, known = Result(), set()
    rng = random.Random(seed) if seed is not None else None
    strategy = programs(max_steps=max_steps)
    start = time.perf_counter()

    def new_findings(program):
        return [f for f in oracle.check(program) if f.signature not in known]

    def fails(program):
        result.tried += 1
        if on_program:
            on_program(result)
        return bool(new_findings(program))

    while result.tried < examples:
        budget = Settings(settings, max_examples=examples - result.tried)
        try:
            with same_programs_everywhere(settings):
                program = find(strategy, fails, settings=budget, random=rng,
                               database_key=b"harness.fuzz:" + ",".join(
                                   b.name for b in oracle.candidates).encode())
        except NoSuchExample:
            break
        findings = new_findings(program)
        if not findings:   # flaky: the shrunk program no longer fails
            break
        program, findings = _tidy(program, findings, oracle)
        known.update(f.signature for f in findings)
        summary = "; ".join(f.summary() for f in findings)
        found = Found(program, summary)
        if out_dir is not None:
            found.path = write_found(program, summary, out_dir)
        result.found.append(found)
        if on_found:
            on_found(found)
    result.seconds = time.perf_counter() - start
    return result


def _tidy(program, findings, oracle):
    """Drop what hypothesis could not (an input or step nothing uses) and
    number the names again, if the program still fails the same way."""
    signatures = {f.signature for f in findings}
    for candidate in (renumbered(without_dead_nodes(program)), renumbered(program)):
        if candidate == program:
            continue
        again = oracle.check(candidate)
        if {f.signature for f in again} == signatures:
            return candidate, again
    return program, findings


def describe(found):
    """A found case for the terminal: the summary line, then the program."""
    inputs = ", ".join(f"{n} = {v!r}" for n, v in found.program.inputs)
    return (f"{found.summary}\n  inputs: {inputs}\n  output: {found.program.output}\n"
            + "".join(f"  {line}\n" for line in program_text(found.program).splitlines()))

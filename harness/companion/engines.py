"""The engines the companion puts side by side: python_ref, each Lua runtime
lupa can load here, and torch (float64), all through the engine registry
(harness.engines.registry: one engine each, opened once per process).

Every engine evaluates a harness Program and answers {node id: (data, grad)}.
The Lua port is optional at import time: without it (or without a runtime)
the companion still runs python_ref and torch.
"""
from harness import lua_engines
from harness.engines.registry import get_engine

REFERENCE = "python_ref"
TORCH = "torch"


def engine_names(torch=True):
    """python_ref first, then the Lua runtimes, then torch."""
    return (REFERENCE,) + lua_engines.runtimes() + ((TORCH,) if torch else ())


def evaluate(engine, program):
    """{node id: (data, grad)} of program on engine."""
    return get_engine(engine).evaluate(program)

"""The engines the companion puts side by side: python_ref, each Lua runtime
lupa can load here, and torch (float64), all through the engine registry
(harness.engines.registry: one engine each, opened once per process).

Every engine evaluates a harness Program and answers {node id: (data, grad)}.
The Lua port is optional at import time: without it (or without a runtime)
the companion still runs python_ref and torch.

torch's last bits depend on the CPU kernels it picks (ATEN_CPU_CAPABILITY:
AVX512, AVX2 or default give other tanh and exp results), so the files the
companion writes show torch only through checked bounds and values rounded
to 6 significant digits: they are the same on every machine.
"""
from micrograd_lab.harness import lua_engines
from micrograd_lab.harness.engines.registry import get_engine

REFERENCE = "python_ref"
TORCH = "torch"
MACHINE_DEPENDENT = (TORCH,)


def engine_names(torch=True):
    """python_ref first, then the Lua runtimes, then torch."""
    return (REFERENCE,) + lua_engines.runtimes() + ((TORCH,) if torch else ())


def bitwise_engines(engine_list=None):
    """The engines whose bits are the same on every machine: all but torch."""
    return tuple(e for e in (engine_list or engine_names()) if e not in MACHINE_DEPENDENT)


def evaluate(engine, program):
    """{node id: (data, grad)} of program on engine."""
    return get_engine(engine).evaluate(program)


def agreeing(results):
    """{engine: result} -> [(engines, result)]: the engines whose results are
    identical to the bit (repr tells -0.0 from 0.0 and matches nan), in the
    order of the engines, the group of the first engine first."""
    groups = {}
    for engine, result in results.items():
        groups.setdefault(repr(result), ([], result))[0].append(engine)
    return [(tuple(engines), result) for engines, result in groups.values()]


def group_label(group, total):
    """'all 8 engines' or the engines by name."""
    if len(group) == total and total > 1:
        return f"all {total} engines"
    return ", ".join(group)


def agreement(group, total):
    """What a figure's legend says of a group of engines that agree to the bit."""
    if len(group) == 1:
        return group[0]
    if len(group) == total:
        return f"all {total} engines agree to the bit"
    return f"{', '.join(group)}: identical to the bit"

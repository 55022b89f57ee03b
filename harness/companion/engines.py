"""The engines the companion puts side by side: python_ref, each Lua runtime
lupa can load, and torch (float64).

Every engine evaluates a harness Program and answers {node id: (data, grad)}.
The Lua port is optional at import time: without it (or without a runtime)
the companion still runs python_ref and torch and says which are missing.
"""
from functools import lru_cache

from harness.interpret import interpret
from harness.ops import OPS

REFERENCE = "python_ref"
TORCH = "torch"


@lru_cache(maxsize=None)
def lua_runtimes():
    """Names of the Lua runtimes available here, in lua_port.RUNTIMES order."""
    try:
        from lua_port import available_runtimes
    except ImportError:
        return ()
    return tuple(available_runtimes())


@lru_cache(maxsize=None)
def lua_engine(runtime):
    from lua_port import LuaEngine
    return LuaEngine(runtime)


def engine_names(torch=True):
    """python_ref first, then the Lua runtimes, then torch."""
    return (REFERENCE,) + lua_runtimes() + ((TORCH,) if torch else ())


def _plain_result(result, program):
    """A Lua answer as {node id: (data, grad)} in program order."""
    out = {}
    for node_id in program.node_ids():
        data, grad = result[node_id]
        out[node_id] = (float(data), float(grad))
    return out


def evaluate(engine, program):
    if engine == REFERENCE:
        return interpret(program)
    if engine == TORCH:
        return torch_interpret(program)
    return _plain_result(lua_engine(engine).evaluate(program.to_plain()), program)


def torch_interpret(program):
    """The program on float64 tensors; every node keeps its gradient."""
    import torch

    nodes = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
             for name, value in program.inputs}
    for step in program.steps:
        # Number constants become constant tensors: torch computes `10.0 / t`
        # as reciprocal(t) * 10.0, one rounding more than the division.
        args = [nodes[a.value] if a.kind == "node" else
                (a.value if (step.op == "pow" and i == 1) else
                 torch.tensor(a.value, dtype=torch.float64))
                for i, a in enumerate(step.args)]
        if step.op == "sum":
            out = args[0]
            for v in args[1:]:
                out = out + v
        elif step.op == "dot":
            n = (len(args) - 1) // 2
            out = args[0]
            for w, x in zip(args[1:1 + n], args[1 + n:]):
                out = out + w * x
        else:
            out = OPS[step.op].apply(*args)
        if not isinstance(out, torch.Tensor):  # an op on number constants only
            out = torch.tensor(float(out), dtype=torch.float64, requires_grad=True)
        out.retain_grad()
        nodes[step.out] = out
    nodes[program.output].backward()
    return {name: (nodes[name].item(),
                   0.0 if nodes[name].grad is None else nodes[name].grad.item())
            for name in program.node_ids()}


__all__ = ["REFERENCE", "TORCH", "lua_runtimes", "engine_names", "evaluate",
           "torch_interpret"]

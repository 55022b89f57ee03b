"""The wire format: how a Program crosses from Python into Lua, and back.

A program's to_plain() form is a tree of small lists; handing Lua 100,000
nested tables costs about a second, a few flat arrays a few milliseconds.
So flatten() turns it into arrays, and the Lua interpreters read them:

    {input_ids = {id, ...},   input_values = {x, ...},
     step_ids = {id, ...},    step_ops = {op, ...},
     step_nargs = {n, ...},   -- how many arguments each step takes
     arg_refs = {r, ...},     -- each argument: the node's place in program order
                              -- (inputs 1..n, then the steps), or 0 ...
     arg_nums = {x, ...},     -- ... and then the number constant is here
     output = id,
     output_place = r}         -- the output's place in program order (0: none)

Every step's arguments follow the previous step's in arg_refs/arg_nums, in
the program's own order, so sum is [start, v1..vn] and dot is
[start, w1..wn, x1..xn] (see harness/program.py).

The Lua half reads these arrays: lua_port/interpret.lua (our own port,
through its Value API) and lua_port/interpret_port.lua (any port, through
the expressions of its manifest).  Both answer with two flat arrays in
program order, data and grads, which lua_port/sandbox.lua hands back to
Python a slice of numbers at a time, every -0.0 listed by its index because
lupa turns an integral float into a Python int on Lua 5.1, 5.2 and LuaJIT.
"""

__all__ = ["flatten", "flatten_program"]


def flatten(plain):
    """A Program's to_plain() form as the Lua interpreters read it: (the node
    ids in program order, the flat arrays above).  Flatten a big program once
    and hand the result to several runtimes.  A node argument crosses as its
    place in program order (numbers cross far faster than strings); a step
    naming a node not made before it, or an argument of another kind, raises
    ValueError."""
    ids = [node_id for node_id, _ in plain["inputs"]]
    flat = {"input_ids": list(ids),
            "input_values": [float(value) for _, value in plain["inputs"]],
            "step_ids": [], "step_ops": [], "step_nargs": [], "arg_refs": [], "arg_nums": [],
            "output": plain["output"]}
    step_ids, ops, nargs, refs, nums = (flat[k] for k in (
        "step_ids", "step_ops", "step_nargs", "arg_refs", "arg_nums"))
    place = {node_id: i for i, node_id in enumerate(ids, 1)}
    for out, op, step_args in plain["steps"]:
        for kind, value in step_args:
            if kind == "node" and isinstance(value, str):
                if value not in place:
                    raise ValueError(f"step {out}: unknown node {value}")
                refs.append(place[value])
                nums.append(0.0)
            elif kind == "num" and isinstance(value, (int, float)) and not isinstance(value, bool):
                refs.append(0)
                nums.append(float(value))
            else:
                raise ValueError(f"step {out}: bad argument {kind!r} {value!r}")
        step_ids.append(out)
        ops.append(op)
        nargs.append(len(step_args))
        place[out] = len(place) + 1
    ids.extend(step_ids)
    flat["output_place"] = place.get(plain["output"], 0)
    return ids, flat


def flatten_program(program):
    """flatten(program.to_plain()) of a harness Program, read straight from
    its steps: the nested plain form of a 100,000-step program costs Python's
    collector more than everything else here."""
    ids = [node_id for node_id, _ in program.inputs]
    place = {node_id: i for i, node_id in enumerate(ids, 1)}
    step_ids, ops, nargs, refs, nums = [], [], [], [], []
    for step in program.steps:
        for arg in step.args:
            if arg.kind == "node":
                if arg.value not in place:
                    raise ValueError(f"step {step.out}: unknown node {arg.value}")
                refs.append(place[arg.value])
                nums.append(0.0)
            else:
                refs.append(0)
                nums.append(float(arg.value))
        step_ids.append(step.out)
        ops.append(step.op)
        nargs.append(len(step.args))
        place[step.out] = len(place) + 1
    flat = {"input_ids": list(ids), "input_values": [float(v) for _, v in program.inputs],
            "step_ids": step_ids, "step_ops": ops, "step_nargs": nargs,
            "arg_refs": refs, "arg_nums": nums, "output": program.output,
            "output_place": place.get(program.output, 0)}
    return ids + step_ids, flat

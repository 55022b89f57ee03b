"""The Lua text of a Lua port's manifest: its setup and one function per
expression, and the check that each compiles on every runtime the manifest
names (so a typo is a one-line manifest error, not an ERROR in every cell).

Each expression becomes a chunk returning a function of the names the
manifest promises it (new: x; data, grad, backward: v; ops: see op_params),
compiled in the port's global table after setup ran.  Its chunk name is the
field ("[ops] tanh"), so a Lua error raised by the expression itself starts
with "[ops] tanh:1:" and tells apart a port without the method from a fault
inside the port's own files.
"""
import re

from ..ops import OPS

_NARY_PARAMS = {"sum": ("start", "vs"), "dot": ("start", "ws", "xs")}


def op_params(op):
    """The names an op's expression sees: ("a", "b"), ("v",), or sum's and dot's."""
    kind = OPS[op].kind
    if kind == "binary":
        return ("a", "b")
    if kind == "unary":
        return ("v",)
    return _NARY_PARAMS[op]

# The [nn] fields: the names each sees, and whether it is an expression (else a statement).
NN_FIELDS = {"mlp": (("nin", "nouts", "hidden", "last"), True), "parameters": (("m",), True),
             "call": (("m", "x"), True), "zero_grad": (("m",), False),
             "set_data": (("v", "x"), False)}

__all__ = ["chunks", "first_syntax_error", "op_params", "NN_FIELDS"]


def chunks(manifest):
    """{key: (chunk name, Lua source, manifest field parts)} for setup, new,
    data, grad, backward, every op the port has ("op:tanh") and its [nn]
    fields ("nn:mlp")."""
    out = {"setup": ("=[port] setup", manifest.setup, ("port", "setup"))}
    functions = [("new", ("x",), manifest.new, True), ("data", ("v",), manifest.data, True),
                 ("grad", ("v",), manifest.grad, True),
                 ("backward", ("v",), manifest.backward, False)]
    for key, params, text, is_expression in functions:
        out[key] = (f"=[port] {key}", _function(params, text, is_expression), ("port", key))
    for op, text in manifest.ops.items():
        if text is not None:
            out[f"op:{op}"] = (f"=[ops] {op}", _function(op_params(op), text, True), ("ops", op))
    for key, (params, is_expression) in NN_FIELDS.items() if manifest.nn else ():
        out[f"nn:{key}"] = (f"=[nn] {key}", _function(params, getattr(manifest.nn, key),
                                                      is_expression), ("nn", key))
    return out


def _function(params, text, is_expression):
    # "\nend": an expression may end with a -- comment
    body = f"return {text}" if is_expression else text
    return f"return function({', '.join(params)}) {body}\nend"


def _bare(manifest):
    """(chunk name, the field's own text as a chunk, field parts) per field:
    compiled alone, a syntax error names only what the manifest wrote."""
    yield "=[port] setup", manifest.setup, ("port", "setup")
    for key in ("new", "data", "grad"):
        yield f"=[port] {key}", f"return {getattr(manifest, key)}", ("port", key)
    yield "=[port] backward", manifest.backward, ("port", "backward")
    for op, text in manifest.ops.items():
        if text is not None:
            yield f"=[ops] {op}", f"return {text}", ("ops", op)
    for key, (_, is_expression) in NN_FIELDS.items() if manifest.nn else ():
        text = getattr(manifest.nn, key)
        yield f"=[nn] {key}", f"return {text}" if is_expression else text, ("nn", key)


def first_syntax_error(manifest):
    """Compile (never run) every field on every runtime the manifest names:
    (the field's key path, the line in its value, why) for the first that does
    not compile, or None."""
    from micrograd_lab.lua_port import available_runtimes, lupa_module
    present = set(available_runtimes())
    for runtime in manifest.runtimes:
        if runtime not in present:
            continue
        lua = lupa_module(runtime).LuaRuntime(register_eval=False, register_builtins=False)
        compile_text = lua.eval("function(source, name) "
                                "local f, err = (loadstring or load)(source, name) "
                                "return err end")
        for chunkname, source, parts in _bare(manifest):
            message = compile_text(source, chunkname)
            if message is None:
                continue
            label = chunkname[1:]
            m = re.match(rf"{re.escape(label)}:(\d+): (.*)", message, re.DOTALL)
            line, reason = (int(m[1]), m[2]) if m else (1, message)
            return parts, line, f"{label}: does not compile on {runtime}: {reason}"
    return None

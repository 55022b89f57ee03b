"""Speak the port protocol (docs/protocol.md) for any micrograd-like Python class.

    python python_driver.py MODULE:CLASS [--path DIR] [--name NAME]
        [--data ATTR] [--grad ATTR] [--backward METHOD]
        [--method OP=NAME] [--sum NAME] [--dot NAME]
        [--nn MODULE:MLP | --nn none] [--nn-kinds HIDDEN-LAST,...]
        [--pow number-exponent]

MODULE:CLASS is the Value class (e.g. micrograd.engine:Value); --path puts a
folder (relative to the working directory) first on sys.path to find it.
A Value is made as CLASS(x); ops reach it by name, as a user writes them: an
op the operator module has (add, sub, mul, div as truediv, pow, neg) as that
operator, where the class has its special method (a number may stand on
either side), any other unary op as the method of its name (--method
tanh=my_tanh renames one), sum and dot only if --sum / --dot name static
functions called as sum(values, start) and dot(ws, xs, start).  The driver
has no list of ops: the hello names none, and the harness asks for each.
--pow number-exponent says the class's ** takes a number exponent only (the
hello's "pow"): the harness then sends no program with a Value exponent.

The nn half (an `mlp` request): the port's MLP class, found beside the Value
class (an MLP in its module, or in the module nn of its package, as
micrograd.nn.MLP is) or named by --nn MODULE:MLP, is built as MLP(nin,
nouts); --nn MODULE:EXPR builds it with an expression of nin, nouts, hidden
and last instead (python_ref: "python_ref.nn:MLP(nin, nouts, nonlin=hidden,
last_nonlin=last)").  --nn-kinds names the kinds of MLP it builds (default
relu-linear, micrograd's); --nn none: the port has no nn.  The driver then
reaches it as micrograd's demo does: model.parameters(), model(xs),
model.zero_grad(), p.data set (--data) for its weights and the SGD step.

What the port raises is answered as an `error` with the exception's type and
message (ZeroDivisionError, RecursionError...) and the place in the port's
code it was raised ([at engine.py:42 in __sub__]): the driver does not catch
or mend anything on the port's behalf.  An op the class has no way to run is
answered `unsupported`.  Stand-alone on purpose (no import of the harness):
copy it next to your own port if you like.
"""
import argparse
import functools
import gc
import importlib
import importlib.metadata
import json
import math
import operator
import os
import platform
import sys
import sysconfig
import traceback
import zipfile

PROTOCOL = 1

OPERATOR_NAMES = {"div": "truediv"}   # an op's name in the operator module, where it differs
NUMBER_STRINGS = {"inf": float("inf"), "-inf": float("-inf"), "nan": float("nan"), "-0.0": -0.0}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", help="MODULE:CLASS, e.g. micrograd.engine:Value")
    parser.add_argument("--path", action="append", default=[], help="a folder to import from")
    parser.add_argument("--name", help="the port's name in the hello (default: MODULE:CLASS)")
    parser.add_argument("--data", default="data", help="attribute holding the value")
    parser.add_argument("--grad", default="grad", help="attribute holding the gradient")
    parser.add_argument("--backward", default="backward", help="method that runs backward")
    parser.add_argument("--method", action="append", default=[], metavar="OP=NAME",
                        help="the method that runs a unary op, if not named like it")
    parser.add_argument("--sum", help="static function: sum(values, start)")
    parser.add_argument("--dot", help="static function: dot(ws, xs, start)")
    parser.add_argument("--nn", help="MODULE:MLP, MODULE:EXPR of nin, nouts, hidden and last, "
                                     "or none (default: an MLP beside the Value class)")
    parser.add_argument("--nn-kinds", default="relu-linear",
                        help="the kinds of MLP it builds, HIDDEN-LAST, comma separated")
    parser.add_argument("--pow", choices=("any", "number-exponent"), default="any",
                        help="number-exponent: the class's ** takes a number exponent only "
                             "(micrograd's assert), so the harness sends it no Value exponent")
    return parser.parse_args(argv)


def load_class(target, paths):
    module_name, _, class_name = target.partition(":")
    if not class_name:
        sys.exit(f"python_driver: {target!r} is not MODULE:CLASS")
    for path in reversed(paths):
        if not (os.path.isdir(path) or zipfile.is_zipfile(path)):   # else "No module named engine"
            sys.exit(f"python_driver: --path {path}: no such folder (from {os.getcwd()})")
        sys.path.insert(0, os.path.abspath(path))
    return importlib.import_module(module_name), class_name


def load_mlp(target, value_module):
    """make(nin, nouts, hidden, last) -> the port's MLP, or None (no nn)."""
    if target == "none":
        return None
    if target is None:
        package = value_module.__name__.rpartition(".")[0]
        for name in (value_module.__name__, f"{package}.nn" if package else "nn"):
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as error:
                if error.name != name:   # nn.py is there and its own import fails: say so
                    raise                # (it read "the port has no nn", and the check passed)
                continue
            if isinstance(getattr(module, "MLP", None), type):
                return lambda nin, nouts, hidden, last: module.MLP(nin, nouts)
        return None
    module_name, _, expression = target.partition(":")
    module = importlib.import_module(module_name)
    if expression.isidentifier():
        return lambda nin, nouts, hidden, last: getattr(module, expression)(nin, nouts)
    code = compile(expression, "--nn", "eval")
    return lambda nin, nouts, hidden, last: eval(code, vars(module), {
        "nin": nin, "nouts": nouts, "hidden": hidden, "last": last})


def port_version(module):
    """'micrograd 0.1.0 (CPython 3.11.7)': the installed distribution the
    module's file belongs to, else the package's __version__, else its name
    (a package of the user's own may share its name with an installed one)."""
    top = module.__name__.split(".")[0]
    version = getattr(sys.modules.get(top), "__version__", None)
    found = f"{top} {version}" if version else top
    dist = installed_distribution(module, top)
    if dist is not None:
        found = f"{dist.metadata['Name']} {dist.version}"
    return f"{found} ({platform.python_implementation()} {platform.python_version()})"


def installed_distribution(module, top):
    """The installed distribution whose files hold the module's file, or None."""
    where = getattr(module, "__file__", None)
    if not where:
        return None
    where = os.path.realpath(where)
    for name in importlib.metadata.packages_distributions().get(top, []):
        dist = importlib.metadata.distribution(name)
        if any(os.path.realpath(dist.locate_file(file)) == where for file in dist.files or ()):
            return dist
    return None


class Port:
    """The class under test and how each op reaches it."""

    def __init__(self, value_class, args, make_mlp=None):
        self.value_class, self.args, self.make_mlp = value_class, args, make_mlp
        self.nn_kinds = [k for k in args.nn_kinds.split(",") if k] if make_mlp else []
        self.methods = {}   # op -> the method that runs it, where not named like it
        for pair in args.method:
            op, _, name = pair.partition("=")
            if not (op.isidentifier() and name.isidentifier()):
                sys.exit(f"python_driver: --method {pair!r}: expected OP=NAME, e.g. tanh=my_tanh")
            self.methods[op] = name
        self.nary = {}
        if args.sum and hasattr(value_class, args.sum):
            nary_sum = getattr(value_class, args.sum)
            self.nary["sum"] = lambda start, *values: nary_sum(list(values), start)
        if args.dot and hasattr(value_class, args.dot):
            nary_dot = getattr(value_class, args.dot)
            self.nary["dot"] = lambda start, *rest: nary_dot(
                list(rest[:len(rest) // 2]), list(rest[len(rest) // 2:]), start)

    @functools.cache
    def apply(self, op):
        """The function that runs op on a step's arguments, or None where the
        class has no way to run it."""
        if op in ("sum", "dot"):
            return self.nary.get(op)
        name = OPERATOR_NAMES.get(op, op)
        if op not in self.methods and hasattr(operator, name) \
                and hasattr(self.value_class, f"__{name}__"):
            return getattr(operator, name)
        method = self.methods.get(op, op)
        return operator.methodcaller(method) if hasattr(self.value_class, method) else None

    def run_steps(self, nodes, steps, order):
        """Run a program's steps on nodes ({id: Value}), each new node appended to order."""
        for out, op, args in steps:
            values = [nodes[a] if isinstance(a, str) and a not in NUMBER_STRINGS else number(a)
                      for a in args]
            nodes[out] = self.apply(op)(*values)
            order.append(nodes[out])

    def run(self, request):
        """Every node's (data, grad) in program order; raises what the port raises."""
        nodes, order = {}, []
        for node_id, x in request["inputs"]:
            nodes[node_id] = self.value_class(number(x))
            order.append(nodes[node_id])
        self.run_steps(nodes, request["steps"], order)
        for _ in range(request.get("backward_calls", 1)):
            getattr(nodes[request["output"]], self.args.backward)()
        return [[wire(getattr(v, self.args.data)), wire(getattr(v, self.args.grad))] for v in order]

    def run_mlp(self, request):
        """(losses, gradients) of an mlp request (docs/protocol.md, the nn half)."""
        data, grad = self.args.data, self.args.grad
        sizes = request["sizes"]
        model = self.make_mlp(sizes[0], sizes[1:], *request["activations"].split("-"))
        params = list(model.parameters())
        if len(params) != len(request["parameters"]):
            raise ValueError(f"parameters() gives {len(params)} Values; an MLP of sizes "
                             f"{sizes} has {len(request['parameters'])}")
        for p, x in zip(params, request["parameters"]):
            setattr(p, data, number(x))
        rate = number(request["learning_rate"])
        losses, gradients = [], []
        for step in range(request["steps"] + 1):
            if step:   # micrograd's demo: p.data -= learning_rate * p.grad
                for p in model.parameters():
                    setattr(p, data, getattr(p, data) - rate * getattr(p, grad))
            nodes = {}
            for i, row in enumerate(request["inputs"]):
                outputs = model([self.value_class(number(x)) for x in row])
                for j, v in enumerate(outputs if isinstance(outputs, (list, tuple)) else [outputs]):
                    nodes[f"out{i}_{j}"] = v
            nodes.update((f"p{k}", p) for k, p in enumerate(model.parameters()))
            self.run_steps(nodes, request["loss"]["steps"], [])
            loss = nodes[request["loss"]["output"]]
            model.zero_grad()
            getattr(loss, self.args.backward)()
            losses.append(wire(getattr(loss, data)))
            gradients.append([wire(getattr(p, grad)) for p in model.parameters()])
        return losses, gradients


def number(x):
    """A request's number as Python's: 3 stays an int (integers: true), 3.0 a float."""
    return NUMBER_STRINGS[x] if isinstance(x, str) else x


def wire(x):
    """A port's number as the protocol writes it (repr reads back exactly)."""
    x = float(x)    # an int beyond the doubles raises OverflowError: the port's value
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0 and math.copysign(1.0, x) < 0:
        return "-0.0"
    return x


def answer(port, request):
    reply = {"id": request["id"]}
    is_mlp = request["kind"] == "mlp"
    if is_mlp and request["activations"] not in port.nn_kinds:
        return {"kind": "unsupported", **reply, "op": "mlp",
                "message": f"no {request['activations']} MLP (--nn, --nn-kinds)"}
    steps = request["loss"]["steps"] if is_mlp else request["steps"]
    missing = next((op for _, op, _ in steps if port.apply(op) is None), None)
    if missing:
        return {"kind": "unsupported", **reply, "op": missing,
                "message": f"{port.value_class.__name__} has no {missing}"}
    try:
        if is_mlp:
            # a graph is full of reference cycles: collecting while four passes
            # of a 60,000-node graph are built makes them 14 times slower
            gc.disable()
            losses, gradients = port.run_mlp(request)
            return {"kind": "mlp_result", **reply, "losses": losses, "gradients": gradients}
        return {"kind": "result", **reply, "nodes": port.run(request)}
    except Exception as error:   # the port's own fault, reported as it is, and where
        return {"kind": "error", **reply,
                "message": f"{type(error).__name__}: {error}{port_place(error)}"}
    finally:
        gc.enable()


def port_place(error):
    """' [at engine.py:42 in __sub__]': the innermost frame of the port's own
    code where error was raised (not this driver's, nor Python's library), as
    a path under the working directory or the sys.path entry holding it."""
    library = os.path.realpath(sysconfig.get_paths()["stdlib"])
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if os.path.realpath(f.filename) != os.path.realpath(__file__)
              and not os.path.realpath(f.filename).startswith(library + os.sep)]
    if not frames:
        return ""
    frame = frames[-1]
    where = os.path.realpath(frame.filename)
    roots = [os.path.realpath(r) for r in [os.getcwd()] + sys.path if r]
    root = max((r for r in roots if where.startswith(r + os.sep)), key=len, default=None)
    shown = os.path.relpath(where, root) if root else where
    return f" [at {shown}:{frame.lineno} in {frame.name}]"


def main(argv=None):
    args = parse_args(argv)
    # The protocol owns stdout; whatever the port prints goes to stderr.
    protocol_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    module, class_name = load_class(args.target, args.path)
    port = Port(getattr(module, class_name), args, load_mlp(args.nn, module))

    def send(message):
        protocol_out.write(json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n")
        protocol_out.flush()

    send({"kind": "hello", "protocol": PROTOCOL, "name": args.name or args.target,
          "language": "python", "version": port_version(module),
          **({"nn": port.nn_kinds} if port.nn_kinds else {}),
          **({"pow": args.pow} if args.pow != "any" else {})})
    for line in sys.stdin.buffer:
        send(answer(port, json.loads(line)))


if __name__ == "__main__":
    main()

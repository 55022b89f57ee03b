"""The training step under the stand-alone Lua interpreters (lua5.1, lua5.4,
luajit from the system), timed inside Lua with os.clock: no sandbox, no lupa
call, a cross-check of the run_file timings in training.py."""
import shutil
import subprocess
import tempfile
from pathlib import Path

from .training import LUA_SCRIPT, Row

BINARIES = ("lua5.1", "lua5.4", "luajit")
RUNNER = Path(__file__).parent / "lua" / "standalone.lua"
REPO_ROOT = Path(__file__).resolve().parents[2]


def available():
    return [name for name in BINARIES if shutil.which(name)]


def lua_literal(value):
    """Lists, dicts, strings and finite numbers as a Lua table constructor."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_literal(k)}] = {lua_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "{" + ", ".join(lua_literal(v) for v in value) + "}"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(float(value)) if isinstance(value, float) else str(value)


def version(binary):
    done = subprocess.run([binary, "-v"], capture_output=True, text=True)
    text = (done.stdout or done.stderr).strip()
    return text.split(" --")[0].split("  ")[0]  # "LuaJIT 2.1.0-beta3", "Lua 5.1.5"


def time_binary(binary, problem, repeat, steps):
    row = Row(f"{binary} (stand-alone)", note=f"{version(binary)}, os.clock inside Lua, "
                                               f"{steps} steps minus 0 steps")
    with tempfile.TemporaryDirectory() as tmp:
        args_file = Path(tmp) / "problem.lua"
        args_file.write_text("return " + lua_literal(problem.to_plain()) + "\n")
        done = subprocess.run([binary, str(RUNNER), str(LUA_SCRIPT), str(args_file), str(steps), str(repeat)],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        row.error = f"exit {done.returncode}: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
        return row
    seconds, first_loss = done.stdout.split()
    row.seconds, row.first_loss = float(seconds), float(first_loss)
    return row


GRAPHS_RUNNER = Path(__file__).parent / "lua" / "standalone_graphs.lua"


def graph_series(binary, shape, sizes, repeat, max_seconds):
    """graphs.Row dicts for one binary and shape, smallest size first."""
    from . import graphs

    for size in sorted(sizes):
        row = graphs.Row(f"{binary} (stand-alone)", shape, graphs.node_count(shape, size))
        done = subprocess.run([binary, str(GRAPHS_RUNNER), shape, str(graphs.ops_for(size)),
                               repr(graphs.X), str(repeat)],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=3600)
        if done.returncode != 0:
            row.error = f"exit {done.returncode}: {(done.stderr.strip().splitlines() or ['?'])[-1]}"
        else:
            build_s, backward_s, nodes, grad, graph_kb = done.stdout.split()
            row.build_s, row.backward_s = float(build_s), float(backward_s)
            row.grad_ok = float(grad) == graphs.expected_grad(shape, size)
            row.bytes_per_node = float(graph_kb) * 1024.0 / row.size
            if int(nodes) != row.size:
                row.error = f"the Lua graph has {nodes} nodes, expected {row.size}"
        yield row
        if row.error or row.seconds > max_seconds:
            return

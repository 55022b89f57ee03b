"""The system's stand-alone Lua interpreters (lua5.1, lua5.4, luajit), run
as subprocesses outside lupa, timed inside Lua with os.clock: no sandbox, no
lupa call, a cross-check of the timings through lupa.  training.py and
graphs.py turn what these return into rows of their tables.
"""
import shutil
import subprocess
import tempfile
from pathlib import Path

from micrograd_lab.harness.training.trainer import LUA_TRAINER

BINARIES = ("lua5.1", "lua5.4", "luajit")
TRAINING_RUNNER = Path(__file__).parent / "lua" / "standalone.lua"
GRAPHS_RUNNER = Path(__file__).parent / "lua" / "standalone_graphs.lua"
REPO_ROOT = Path(__file__).resolve().parents[2]


class Failed(Exception):
    """The interpreter exited with an error: its code and its last line."""


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


def _run(command, timeout):
    done = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise Failed(f"exit {done.returncode}: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return done.stdout.split()


def time_training(binary, plain_task, steps, repeat):
    """(seconds per step, the first step's loss) of the Lua trainer: the median
    over `repeat` of (CPU time of `steps` steps - CPU time of 0 steps) / steps."""
    with tempfile.TemporaryDirectory() as tmp:
        args_file = Path(tmp) / "task.lua"
        args_file.write_text("return " + lua_literal(plain_task) + "\n")
        seconds, first_loss = _run([binary, str(TRAINING_RUNNER), str(LUA_TRAINER), str(args_file),
                                    str(steps), str(repeat)], timeout=1800)
    return float(seconds), float(first_loss)


def time_graph(binary, shape, ops, x, repeat):
    """(build_s, backward_s, nodes, grad, graph_kb) of harness/bench/lua/graphs.lua."""
    build_s, backward_s, nodes, grad, graph_kb = _run(
        [binary, str(GRAPHS_RUNNER), shape, str(ops), repr(x), str(repeat)], timeout=3600)
    return float(build_s), float(backward_s), int(nodes), float(grad), float(graph_kb)

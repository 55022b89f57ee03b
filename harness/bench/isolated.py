"""Run one measurement in a child Python process.

A backend that crashes the interpreter (a segfault in a C extension on a deep
graph) then costs one cell of the table, not the whole run, and every
measurement starts from a fresh heap (the resident-set growth torch's memory
figure relies on is only meaningful in a fresh process).
"""
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def call(function, kwargs, timeout=3600):
    """(items, "") from the generator harness.bench.<function>(**kwargs) run
    in a child, or (the items it yielded before it failed, why it failed).
    The child saves the items (JSON) after each one, so a crash keeps them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "items.json"
        done = subprocess.run([sys.executable, "-m", "micrograd_lab.harness.bench.isolated", function,
                               json.dumps(kwargs), str(out)],
                              cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)
        items = json.loads(out.read_text()) if out.exists() else []
    if done.returncode == 0:
        return items, ""
    if done.returncode < 0:
        return items, f"crashed: {signal.Signals(-done.returncode).name}"
    last = (done.stderr.strip().splitlines() or ["no message"])[-1]
    return items, f"exit {done.returncode}: {last}"


def _child(function, kwargs_json, out_path):
    import importlib

    module_name, name = function.rsplit(".", 1)
    module = importlib.import_module(f"{__package__}.{module_name}")
    items = []
    for item in getattr(module, name)(**json.loads(kwargs_json)):
        items.append(item)
        Path(out_path).write_text(json.dumps(items))
    Path(out_path).write_text(json.dumps(items))


if __name__ == "__main__":
    _child(*sys.argv[1:4])

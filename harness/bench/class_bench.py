"""python -m micrograd_lab.harness.bench.class_bench [class|loop|interrupt|all]: what class
mode and run control cost, measured (make bench-class).

  class      N healthy ports (copies of tests/ports/correct's manifest) checked
             as one class with the defaults (every runtime, every probe, the
             default budget), on the cores there are: the wall time, and that
             no port ran out of its budget
  loop       the full check (every runtime, every probe) of a port whose
             backward loops forever, with the default manifest timeout (10 s)
             and the default budget: its wall time
  interrupt  Ctrl-C typed (through a pty) at parity, check and class mode while
             they work: the seconds until each has exited

Each runs the harness as a user does (`mglab ...`), and prints
one line per figure with the command it measured.  Not a test: nothing here
asserts a time.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEALTHY = REPO / "tests" / "ports" / "correct"
LOOPS = REPO / "tests" / "class" / "loops"
CLASS_PORTS = 30
DEFAULT_TIMEOUT = "10"   # the manifest default (engines/manifest.py), for the looping port


def _harness(*args):
    return [sys.executable, "-m", "micrograd_lab.harness", *map(str, args)]


def _shown(command):
    return " ".join(c if c != sys.executable else "python" for c in command)


def healthy_class(folder, count):
    """count copies of the healthy port's manifest, each in its own folder."""
    text = (HEALTHY / "port.toml").read_text()   # one [port] table, no root
    for n in range(1, count + 1):
        port = folder / f"student{n:02d}"
        port.mkdir(parents=True)
        (port / "port.toml").write_text(text.replace('name = "correct"', f'name = "student{n:02d}"')
                                        + f'root = "{HEALTHY.as_posix()}"\n')
    return folder


def _cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _load():
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def bench_class(count=CLASS_PORTS):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        healthy_class(tmp / "class", count)
        command = _harness("check", f"{tmp}/class/*/", "--report-dir", tmp / "out")
        start, cpu, load = time.monotonic(), _cpu_of_children(), _load()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        seconds, cpu = time.monotonic() - start, _cpu_of_children() - cpu
        summary = json.loads((tmp / "out" / "class.json").read_text())
        over = [p["slug"] for p in summary["ports"] if p["counts"]["not run"]]
        checked = sum(p["state"] == "checked" for p in summary["ports"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # the CPU seconds of every process of the run (all are waited for), so the
    # wall time on idle cores is about cpu / cores whatever else ran
    print(f"class of {count} healthy ports on {cores} cores: {seconds:.0f} s wall, "
          f"{cpu:.0f} CPU s ({cpu / count:.1f} per port; {cpu / cores:.0f} s on {cores} idle "
          f"cores), load {load:.1f} at the start, {_load():.1f} at the end; {checked} checked, "
          f"{len(over)} ran out of their budget, exit {done.returncode}: {_shown(command)}")
    return seconds


def bench_loop():
    with tempfile.TemporaryDirectory() as tmp:
        command = _harness("check", LOOPS, "--timeout", DEFAULT_TIMEOUT, "--report-dir", tmp)
        start, cpu, load = time.monotonic(), _cpu_of_children(), _load()
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        seconds, cpu = time.monotonic() - start, _cpu_of_children() - cpu
        last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    print(f"a port that loops forever, every runtime and probe: {seconds:.1f} s wall, "
          f"{cpu:.1f} CPU s, load {load:.1f} at the start ({last}): {_shown(command)}")
    return seconds


def _lua_workers_below(root):
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        for _ in range(10):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                break
            pid = int(stat[stat.rindex(")") + 2:].split()[1])
            if pid == root:
                try:
                    count += b"micrograd_lab.harness.engines.lua_worker" in (entry / "cmdline").read_bytes()
                except OSError:
                    pass
                break
            if pid <= 1:
                break
    return count


def bench_interrupt():
    import pexpect
    forever = ["--fail-after", "0", "--budget", "0", "--timeout", "600"]
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "parity": ["parity", "--report-dir", f"{tmp}/parity"],
            "check": ["check", LOOPS, *forever, "--report-dir", f"{tmp}/check"],
            "class mode": ["check", LOOPS, HEALTHY, *forever, "--report-dir", f"{tmp}/class"],
        }
        for name, args in cases.items():
            child = pexpect.spawn(sys.executable, ["-m", "micrograd_lab.harness", *map(str, args)],
                                  cwd=str(REPO), encoding="utf-8", timeout=300)
            end = time.monotonic() + 300
            while time.monotonic() < end and not _lua_workers_below(child.pid):
                try:
                    child.read_nonblocking(1 << 20, timeout=0.2)
                except pexpect.TIMEOUT:
                    pass
            time.sleep(2.0)   # well into its work
            start = time.monotonic()
            child.sendintr()
            child.expect(pexpect.EOF)
            seconds = time.monotonic() - start   # pexpect reads the pty every few ms
            child.close()
            print(f"Ctrl-C latency, {name}: {seconds:.2f} s to exit {child.exitstatus}: "
                  f"{_shown(_harness(*args))}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m micrograd_lab.harness.bench.class_bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="all",
                        choices=("class", "loop", "interrupt", "all"))
    parser.add_argument("--ports", type=int, default=CLASS_PORTS,
                        help=f"ports in the class (default {CLASS_PORTS})")
    args = parser.parse_args(argv)
    if args.what in ("loop", "all"):
        bench_loop()
    if args.what in ("interrupt", "all"):
        bench_interrupt()
    if args.what in ("class", "all"):
        bench_class(args.ports)
    return 0


if __name__ == "__main__":
    sys.exit(main())

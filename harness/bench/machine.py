"""The machine and the software a benchmark ran on (the numbers mean nothing without it)."""
import os
import platform
from importlib import metadata

from micrograd_lab.harness import lua_engines


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def describe():
    return {
        "cpu": _cpu_model(),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "torch": _version("torch"),
        "lupa": _version("lupa"),
        "micrograd": _version("micrograd"),
        "lua": {runtime: lua_engines.version(runtime) for runtime in lua_engines.runtimes()},
    }


def one_line(info):
    return (f"{info['cpu']}, {info['cores']} cores, {info['os']}, {info['python']}, "
            f"torch {info['torch']}, lupa {info['lupa']}, micrograd {info['micrograd'] or 'not installed'}")

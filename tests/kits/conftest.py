"""What the tests of the driver kits share: the toolchains, and one build
cache for the whole run (every xdist worker: the build's lock keeps them
from building one port twice), so each port is compiled once per run."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from micrograd_lab.harness.engines.build import CACHE_ENVIRONMENT
from micrograd_lab.harness.drivers import KITS

REPO = Path(__file__).resolve().parents[2]
BUGGY = REPO / "tests" / "ports"
# the commands a kit's build and run need
TOOLS = {"go": ["go"], "rust": ["rustc"], "cpp": ["g++"], "java": ["javac", "java"]}
# Debian's rustc (1.63, what CI has) rather than a newer rustup one earlier on PATH
DEBIAN_RUSTC = Path("/usr/bin/rustc")


def missing_tools(language):
    return [tool for tool in TOOLS[language] if shutil.which(tool) is None]


def kit_params():
    """One parameter per kit, skipped with the reason where its toolchain is
    absent, and kept on one xdist worker (its builds are then done once)."""
    for language in KITS:
        absent = missing_tools(language)
        marks = [pytest.mark.xdist_group(f"kit-{language}")]
        if absent:
            marks.append(pytest.mark.skip(reason=f"`{' '.join(absent)}` not installed "
                                                 "(.ci/run installs it from Debian)"))
        yield pytest.param(language, marks=marks, id=language)


@pytest.fixture(scope="session", autouse=True)
def kit_environment(tmp_path_factory):
    """The build cache in the run's temporary folder, and Debian's rustc first."""
    with pytest.MonkeyPatch.context() as patch:
        # under xdist each worker's base folder sits in the run's own
        base = tmp_path_factory.getbasetemp()
        shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
        patch.setenv(CACHE_ENVIRONMENT, str(shared / "kit-builds"))
        if DEBIAN_RUSTC.exists():
            patch.setenv("PATH", f"{DEBIAN_RUSTC.parent}{os.pathsep}{os.environ['PATH']}")
        yield


def rustc_version():
    done = subprocess.run(["rustc", "--version"], capture_output=True, text=True)
    return done.stdout.strip()

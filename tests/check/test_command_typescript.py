"""A TypeScript port runs through the node driver under tsx, as
docs/languages.md tells a student: npm install tsx beside the port, and
`node --import tsx node_driver.js engine.ts` in its manifest.  tsx comes
from npm; without node, npm or the registry the test says so and skips."""
import json
import shutil
import subprocess
import sys

import pytest

from command_helpers import REPO

TS_PORT = REPO / "tests" / "ports" / "ts"
FIXTURES = "lecture-d-abc,lecture-neuron-tanh,lecture-f-at-3,lecture-reuse-a-plus-a"

pytestmark = pytest.mark.skipif(shutil.which("node") is None or shutil.which("npm") is None,
                                reason="`node` and `npm` are not both installed")


@pytest.fixture(scope="module")
def port(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ts-port")
    for name in ("engine.ts", "port.toml"):
        shutil.copy(TS_PORT / name, folder / name)
    done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "tsx"],
                          cwd=folder, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.skip(f"npm install tsx failed (no registry?): {done.stderr.strip()[-300:]}")
    return folder


def check(folder, report):
    return subprocess.run([sys.executable, "-m", "micrograd_lab.harness", "check",
                           "port.toml", "--fixtures", FIXTURES, "--probes", "none",
                           "--report-dir", str(report)],
                          cwd=folder, capture_output=True, text=True, timeout=300)


def test_a_typescript_port_runs_and_passes(port, tmp_path):
    done = check(port, tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads((tmp_path / "check.json").read_text())
    assert report["summary"]["line"] == "4 passed, 0 failed"
    assert "ts-engine" in report["engines"]
    assert report["engines"]["ts-engine"]["budget"] == "port-typescript"   # its hello's language


def test_a_typescript_port_with_a_wrong_derivative_fails(port, tmp_path):
    engine = port / "engine.ts"
    right = engine.read_text()
    wrong = right.replace("[(1 - t) * (1 + t)]", "[1 - t]")
    assert wrong != right
    engine.write_text(wrong)
    try:
        done = check(port, tmp_path)
    finally:
        engine.write_text(right)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "lecture-neuron-tanh[ts-engine] FAIL" in done.stdout

"""An installed lab brings every kit file: pyproject's package-data names
each file under harness/drivers/ that is not a Python module."""
import fnmatch
import tomllib
from pathlib import Path

from micrograd_lab.harness.drivers import DRIVERS, KITS

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def patterns():
    data = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-data"]
    return data.get("micrograd_lab.harness.drivers", []) + data.get("*", [])


def test_every_kit_file_is_package_data():
    files = [p for p in DRIVERS.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {p.parent for p in files} >= {kit.folder for kit in KITS.values()}
    left_out = [str(p.relative_to(DRIVERS)) for p in files
                if not any(fnmatch.fnmatch(str(p.relative_to(DRIVERS)), pattern)
                           for pattern in patterns())]
    assert left_out == []

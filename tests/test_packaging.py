"""The lab as an installed tool: one top-level package (micrograd_lab, so no
other project's harness, python_ref or lua_port collides), its subpackages
the repository's folders, every data file in the wheel, and the console
command `mglab` checking ports that live in another folder."""
import fnmatch
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SETUPTOOLS = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


PYPROJECT = REPO / "pyproject.toml"


def _kit_patterns():
    data = tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["package-data"]
    return data.get("micrograd_lab.harness.drivers", []) + data.get("*", [])


def test_every_kit_file_is_package_data():
    from micrograd_lab.harness.drivers import DRIVERS, KITS
    files = [p for p in DRIVERS.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert {p.parent for p in files} >= {kit.folder for kit in KITS.values()}
    left_out = [str(p.relative_to(DRIVERS)) for p in files
                if not any(fnmatch.fnmatch(str(p.relative_to(DRIVERS)), pattern)
                           for pattern in _kit_patterns())]
    assert left_out == []


def test_the_packages_are_the_folders_that_hold_python():
    folders = {"micrograd_lab." + ".".join(d.relative_to(REPO).parts)
               for top in ("harness", "python_ref", "lua_port")
               for d in [REPO / top, *(REPO / top).rglob("*")]
               if d.is_dir() and "__pycache__" not in d.parts and any(d.glob("*.py"))}
    assert set(SETUPTOOLS["packages"]) == folders


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel of this checkout, unpacked."""
    out = tmp_path_factory.mktemp("wheel")
    # built from a copy: a build writes build/ and *.egg-info beside the sources
    source = out / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "report", "build", "*.egg-info", "__pycache__", ".hypothesis"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "-q", "-w", str(out), str(source)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"pip wheel cannot build here: {done.stderr.strip()[-300:]}")
    [built] = out.glob("*.whl")
    unpacked = out / "unpacked"
    with zipfile.ZipFile(built) as archive:
        archive.extractall(unpacked)
    return unpacked


def test_the_wheel_brings_every_driver_kit_fixture_schema_and_lua_file(wheel):
    installed = wheel / "micrograd_lab"
    tracked = subprocess.run(["git", "ls-files", "harness", "lua_port", "python_ref"], cwd=REPO,
                             capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    wanted = [f for f in tracked if not f.endswith(".pyc") and "/spec/" not in f
              and Path(f).suffix in (".py", ".toml", ".json", ".lua", ".js", ".go", ".mod",
                                     ".rs", ".hpp", ".cpp", ".java", ".md")]
    missing = [f for f in wanted if not (installed / f).is_file()]
    assert missing == []
    entry_points = next(wheel.glob("*.dist-info")) / "entry_points.txt"
    assert "mglab = micrograd_lab.harness.__main__:cli" in entry_points.read_text()
    assert not (wheel / "harness").exists() and not (wheel / "python_ref").exists()


def _mglab(wheel, cwd, *args):
    """The console command of the unpacked wheel (its package first on the path)."""
    env = dict(os.environ, PYTHONPATH=str(wheel))
    return subprocess.run([sys.executable, "-c",
                           "import sys; from micrograd_lab.harness.__main__ import main; "
                           "sys.exit(main())", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("port, tool", [("correct", None), ("js", "node"),
                                        ("rsub-swapped", None)])
def test_the_installed_command_checks_a_port_in_another_folder(wheel, tmp_path, port, tool):
    if tool and shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    shutil.copytree(REPO / "tests" / "ports" / port, tmp_path / "mine")
    # a command port's manifest names the lab's driver as {drivers}/...: the installed one
    assert "{drivers}/" in (tmp_path / "mine" / "port.toml").read_text() or tool is None
    done = _mglab(wheel, tmp_path, "check", "mine", "--fixtures", "lecture-d-abc",
                  "--probes", "numbers", "--runtimes" if port == "correct" else "--jobs",
                  "lua54" if port == "correct" else "1")
    assert done.returncode == (1 if port == "rsub-swapped" else 0), done.stdout + done.stderr
    assert str(REPO) not in done.stdout + done.stderr   # nothing of this checkout's own
    assert (tmp_path / "report" / "check" / "mine" / "check.json").is_file()


def test_the_mglab_script_is_the_interruptible_entry_point(monkeypatch, capsys):
    """The installed mglab runs cli(): Ctrl-C anywhere, even while the
    corpus loads (before a command's own handler), is one line and 130."""
    from importlib.metadata import entry_points

    from micrograd_lab.harness import __main__ as entry

    declared = tomllib.loads(PYPROJECT.read_text())["project"]["scripts"]
    assert declared["mglab"] == "micrograd_lab.harness.__main__:cli"
    installed = [e for e in entry_points(group="console_scripts") if e.name == "mglab"]
    assert [e.value for e in installed] in ([], [declared["mglab"]])

    def loading(argv=None):
        raise KeyboardInterrupt
    monkeypatch.setattr(entry, "main", loading)
    try:
        assert entry.cli(["parity"]) == 130
    finally:
        import gc
        gc.unfreeze()
    assert capsys.readouterr().err == "interrupted (Ctrl-C)\n"

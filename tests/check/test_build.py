"""The build step of a command port ([port] build, harness/engines/build.py):
{cache} in build and command, a build only when something it reads
changed, and a build that fails or hangs as one line (exit 2 in the check).
The "compiler" here is a Python script that writes a Python "binary"."""
import json
import os
import sys
import time

import pytest

from micrograd_lab.harness.__main__ import main as harness_main
from micrograd_lab.harness.engines.build import (CACHE_ENVIRONMENT, BuildError, cache_folder, ensure_built,
                                                 first_error)
from micrograd_lab.harness.engines.manifest import ManifestError, load_manifest

# Writes {cache}/port.py, a port that answers every program with the data it
# was built with, and counts its builds in {cache}/builds.
COMPILER = """
import pathlib, sys
cache = pathlib.Path(sys.argv[1])
source = pathlib.Path("engine.txt").read_text().strip()
if source == "syntax error":
    print("engine.txt:1: error: expected a number")
    sys.exit(1)
if source == "slow":
    import time; time.sleep(60)
count = cache / "builds"
count.write_text(str(int(count.read_text()) + 1 if count.exists() else 1))
(cache / "port.py").write_text(f'''
import json, sys
print(json.dumps({{"kind": "hello", "protocol": 1, "name": "built", "language": "python",
                  "version": "{source}", "ops": []}}), flush=True)
''')
"""


@pytest.fixture(autouse=True)
def cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENVIRONMENT, str(tmp_path / "cache"))


def port(folder, engine="1.5", **fields):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "compiler.py").write_text(COMPILER)
    (folder / "engine.txt").write_text(engine)
    lines = ['[port]', 'name = "built"', 'language = "command"',
             f'build = {json.dumps([sys.executable, "compiler.py", "{cache}"])}',
             f'command = {json.dumps([sys.executable, "{cache}/port.py"])}']
    lines += [f"{key} = {json.dumps(value)}" for key, value in fields.items()]
    (folder / "port.toml").write_text("\n".join(lines) + "\n")
    return load_manifest(folder / "port.toml")


def builds(manifest):
    return int((manifest.cache / "builds").read_text())


def test_cache_is_substituted_in_build_and_command(tmp_path):
    manifest = port(tmp_path / "p")
    assert manifest.cache == cache_folder(tmp_path / "p" / "port.toml")
    assert manifest.cache.is_relative_to(tmp_path / "cache")
    assert manifest.build[-1] == str(manifest.cache)
    assert manifest.command[-1] == f"{manifest.cache}/port.py"


def test_two_manifests_never_share_a_cache_folder(tmp_path):
    assert port(tmp_path / "a" / "x").cache != port(tmp_path / "b" / "x").cache


def test_a_build_runs_once_until_something_it_reads_changes(tmp_path):
    manifest = port(tmp_path / "p", sources=["../shared"])
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "lib.txt").write_text("v1")
    said = []
    assert ensure_built(manifest, say=said.append) == "built"
    assert len(said) == 1 and said[0].startswith("built built: ")
    assert ensure_built(manifest, say=said.append) == "fresh"
    assert len(said) == 1 and builds(manifest) == 1
    (tmp_path / "p" / "engine.txt").write_text("2.5")
    assert ensure_built(manifest) == "built"
    (shared / "lib.txt").write_text("v2, longer")
    assert ensure_built(manifest) == "built"
    (tmp_path / "p" / ".hidden").write_text("an editor's swap file")
    assert ensure_built(manifest) == "fresh"
    assert builds(manifest) == 3


def test_the_check_runs_the_build_and_then_the_built_port(tmp_path, capsys):
    port(tmp_path / "p", engine="4.5")
    code = harness_main(["check-driver", str(tmp_path / "p" / "port.toml")])
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ok       hello: 'built', python, 4.5")
    assert code == 1    # the built port says its hello and no more


def test_a_build_that_fails_says_its_first_error_and_builds_again(tmp_path):
    manifest = port(tmp_path / "p", engine="syntax error")
    with pytest.raises(BuildError) as caught:
        ensure_built(manifest)
    assert str(caught.value) == (
        f"`{sys.executable} compiler.py {manifest.cache}` exited with code 1: engine.txt:1: "
        f"error: expected a number (whole output: {manifest.cache}/build.log)")
    with pytest.raises(BuildError):   # no stamp of a failed build
        ensure_built(manifest)


def test_a_build_past_its_time_is_killed(tmp_path):
    manifest = port(tmp_path / "p", engine="slow", build_timeout=0.5)
    started = time.monotonic()
    with pytest.raises(BuildError) as caught:
        ensure_built(manifest)
    assert time.monotonic() - started < 30
    assert "did not finish within 0.5 s of wall clock; killed" in str(caught.value)


def test_a_build_tool_that_does_not_exist(tmp_path):
    folder = tmp_path / "p"
    port(folder)
    text = (folder / "port.toml").read_text().replace(json.dumps(sys.executable), '"no-such-cc"', 1)
    (folder / "port.toml").write_text(text)
    with pytest.raises(BuildError) as caught:
        ensure_built(load_manifest(folder / "port.toml"))
    assert str(caught.value).startswith("cannot run `no-such-cc compiler.py ")


def test_the_check_refuses_a_failing_build_in_one_line_with_exit_2(tmp_path, capsys):
    port(tmp_path / "p", engine="syntax error")
    code = harness_main(["check", str(tmp_path / "p" / "port.toml"), "--tags", "lecture"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1
    assert err[0].startswith(f"{tmp_path / 'p' / 'port.toml'}:4:9: [port] build: `")
    assert "error: expected a number" in err[0]


def test_build_is_a_field_of_command_ports_only(tmp_path):
    (tmp_path / "port.toml").write_text('[port]\nname = "lua"\nlanguage = "lua"\nsetup = ""\n'
                                        'build = ["make"]\n')
    with pytest.raises(ManifestError) as caught:
        load_manifest(tmp_path / "port.toml")
    assert str(caught.value).endswith(':5:1: [port] build: not a field of a "lua" port')


def test_the_cache_root_follows_xdg_without_the_lab_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_ENVIRONMENT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder(tmp_path / "p" / "port.toml").parent == \
        tmp_path / "xdg" / "micrograd-parity-lab" / "builds"
    assert os.path.basename(cache_folder(tmp_path / "p" / "port.toml")).startswith("p-")


# Each compiler's first error, as it prints it: the place is on the error's
# line, or (rustc) on the line below, which a student needs to find the line
COMPILER_OUTPUT = {
    "rustc": ("error: this file contains an unclosed delimiter\n --> engine.rs:114:3\n  |\n"
              "1 | fn main() {\n", "error: this file contains an unclosed delimiter "
                                   "(at engine.rs:114:3)"),
    "rustc, a type error": ("warning: unused import\n --> main.rs:2:5\nerror[E0308]: mismatched "
                            "types\n  --> adapter.rs:20:54\n   |\n",
                            "error[E0308]: mismatched types (at adapter.rs:20:54)"),
    "g++": ("In file included from driver.cpp:3:\nvalue.hpp: In function 'int f()':\n"
            "value.hpp:1:24: error: expected ',' or ';' before 'return'\n",
            "value.hpp:1:24: error: expected ',' or ';' before 'return'"),
    "go": ("# port\n./value.go:3:1: syntax error: unexpected }, expecting expression\n",
           "./value.go:3:1: syntax error: unexpected }, expecting expression"),
    "g++, a .cpp left out of the build": (
        "/usr/bin/ld: /tmp/cc1.o: in function `main':\ndriver.cpp:(.text+0x5a): undefined "
        "reference to `Value::Value(double)'\ncollect2: error: ld returned 1 exit status\n",
        "driver.cpp:(.text+0x5a): undefined reference to `Value::Value(double)'"),
    "javac": ("Value.java:1: error: ';' expected\nclass M { }\n   ^\n1 error\n",
              "Value.java:1: error: ';' expected"),
}


@pytest.mark.parametrize("compiler", COMPILER_OUTPUT)
def test_the_first_error_keeps_its_place(compiler):
    output, said = COMPILER_OUTPUT[compiler]
    assert first_error(output) == said

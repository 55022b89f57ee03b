"""The Lua port as a LuaRocks rock: `luarocks make` (run in lua_port/, as the
README says) installs it into a fresh tree, and a stand-alone interpreter
that knows only that tree requires micrograd and gets micrograd's README
gradients."""
import re
import shutil
import subprocess

import pytest

from lua_helpers import REPO, standalone_params

ROCKSPEC = REPO / "lua_port" / "micrograd-scm-1.rockspec"
MODULES = {"micrograd", "micrograd.engine", "micrograd.ieee", "micrograd.nn", "micrograd.rng"}

# micrograd's README example, as every engine writes it (lua_port/spec has
# the same lines); the values are the ones micrograd's README prints.
README_EXAMPLE = """
package.path = [[%(path)s]]
local mg = require("micrograd")
local Value = mg.Value
local a = Value(-4.0)
local b = Value(2.0)
local c = a + b
local d = a * b + b ^ 3
c = c + c + 1
c = c + 1 + c + (-a)
d = d + d * 2 + (b + a):relu()
d = d + 3 * d + (b - a):relu()
local e = c - d
local f = e ^ 2
local g = f / 2.0
g = g + 10.0 / f
g:backward()
print(string.format("%%.17g %%.17g %%.17g", g.data, a.grad, b.grad))
print(debug.getinfo(Value.add, "S").source)
"""
README_VALUES = (24.70408163265306, 138.83381924198252, 645.5772594752186)

needs_luarocks = pytest.mark.skipif(
    shutil.which("luarocks") is None,
    reason="luarocks is not installed (.ci/run installs it from Debian)")


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    tree = tmp_path_factory.mktemp("rocks")
    done = subprocess.run(["luarocks", "make", "--tree", str(tree)], cwd=REPO / "lua_port",
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return tree


def rockspec_modules():
    return set(re.findall(r'\["([\w.]+)"\] = "micrograd/\w+\.lua"', ROCKSPEC.read_text()))


def test_the_rockspec_lists_every_module_file():
    """One module per lua_port/micrograd/*.lua file, none missing."""
    files = {p.stem for p in (REPO / "lua_port" / "micrograd").glob("*.lua")}
    named = {"micrograd" if f == "init" else f"micrograd.{f}" for f in files}
    assert rockspec_modules() == named == MODULES


@needs_luarocks
def test_luarocks_make_installs_every_module(tree):
    installed = {p.relative_to(tree).as_posix() for p in tree.glob("share/lua/*/micrograd/*.lua")}
    assert {re.sub(r"^share/lua/[\d.]+/", "", p) for p in installed} == {
        "micrograd/init.lua", "micrograd/engine.lua", "micrograd/ieee.lua",
        "micrograd/nn.lua", "micrograd/rng.lua"}


@needs_luarocks
@pytest.mark.parametrize("binary", standalone_params())
def test_installed_rock_computes_the_readme_gradients(binary, tree, tmp_path):
    lr_path = subprocess.run(["luarocks", "path", "--tree", str(tree), "--lr-path"],
                             capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    # only the tree's directories: the checkout's lua_port/ must not be what loads
    path = ";".join(p for p in lr_path.split(";") if p.startswith(str(tree)))
    script = tmp_path / "readme.lua"
    script.write_text(README_EXAMPLE % {"path": path})
    done = subprocess.run([binary, str(script)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    values, source = done.stdout.splitlines()
    assert tuple(float(v) for v in values.split()) == README_VALUES
    assert source.startswith("@" + str(tree)), f"micrograd loaded from {source}, not the rock"

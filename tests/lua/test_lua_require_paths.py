"""require() under a port's root finds a file as real Lua's package.path
(?.lua;?/init.lua) does: "." and "/" both separate folders, so
require("lib/class") and require("lib.class") are lib/class.lua, and
require("lib/graph") may be lib/graph/init.lua; nothing outside the files
Python read is reachable."""
from pathlib import Path

import pytest

from micrograd_lab.lua_port import LuaError, LuaSandbox, available_runtimes, read_modules

from lua_helpers import runtime_params

PORTS = Path(__file__).resolve().parents[1] / "ports"


def sandbox(runtime, tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    box = LuaSandbox(runtime, read_modules(tmp_path, shown="port"), instruction_budget=None,
                     shared_globals=True)
    return lambda source: box.call(box.compile(source, "=(test)", box.env))


@pytest.mark.parametrize("runtime", runtime_params(("lua51", "lua54", "luajit21")))
def test_a_slash_is_a_folder_as_in_package_path(runtime, tmp_path):
    run = sandbox(runtime, tmp_path, {
        "lib/class.lua": "loads = (loads or 0) + 1 return {kind = 'class'}\n",
        "lib/graph/init.lua": "return {kind = 'graph'}\n",
        "a/b/c.lua": "return {kind = 'deep'}\n"})
    assert run("return require('lib/class').kind, require('lib/graph').kind, "
               "require('a.b/c').kind, require('a/b/c').kind") == ("class", "graph", "deep",
                                                                   "deep")
    # one load per name as written, as Lua's own require keeps package.loaded
    assert run("require('lib/class') require('lib/class') return loads") == 1
    assert run("require('lib.class') return loads") == 2
    for outside in ("../lib/class", "/lib/class", "lib/class.lua", "os"):
        with pytest.raises(LuaError, match=f"module '{outside}' is not part of the port"):
            run(f"return require('{outside}')")


def test_a_port_that_requires_lib_slash_class_starts_and_passes():
    from micrograd_lab.harness.check.cli import check_port
    from micrograd_lab.harness.run import CheckSettings
    runtimes = [r for r in ("lua51", "lua54", "luajit21") if r in available_runtimes()]
    if not runtimes:
        pytest.skip("lupa has none of lua51, lua54, luajit21 here")
    result, _ = check_port(PORTS / "classes" / "port.toml", ["lecture-d-abc", "lecture-reuse-ab",
                                                             "lecture-number-2-to-the-x"],
                           (), runtimes, CheckSettings(probes=()))
    assert result.ok(), result.final_line()
    assert result.final_line() == f"{3 * len(runtimes)} passed, 0 failed"

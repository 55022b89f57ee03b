"""The LuaJIT tools' shared command line (harness/matrix/jit_cli.py) and the
mutants command refuse a bad flag with one line and exit 2, before any run."""
import pytest

from micrograd_lab.harness.__main__ import main as harness_main
from micrograd_lab.harness.parity import jit_coverage, jit_diff


@pytest.mark.parametrize("tool", [jit_diff, jit_coverage])
@pytest.mark.parametrize("argv, says", [
    (["--runtimes", "luajit99"], "--runtimes: unknown LuaJIT runtime 'luajit99'"),
    (["--fixtures", "lecture-*,no-such-fixture"], "--fixtures: no fixture matches no-such-fixture"),
])
def test_jit_tools_refuse_in_one_line(tool, argv, says, capsys):
    assert tool.main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and says in err


def test_mutants_names_a_fixture_no_fixture_has(capsys):
    assert harness_main(["mutants", "--fixtures", "no-such-fixture"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("harness mutants: --fixtures: no fixture matches no-such-fixture (the ")
    assert err.endswith(" fixtures under harness/fixtures)")

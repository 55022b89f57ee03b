"""Port manifests: a good one loads with its defaults; every malformed one in
tests/check/malformed_manifests/ is refused with exactly one line,
`file:line:col: reason`."""
import json
from dataclasses import replace
from pathlib import Path

import pytest

from micrograd_lab.harness.engines.manifest import (DEFAULT_NN, DEFAULT_OPS, SCHEMA_PATH, ManifestError, NnApi,
    load_manifest, op_params)
from micrograd_lab.harness.ops import OPS
from micrograd_lab.harness.toml_errors import key_place
from micrograd_lab.lua_port import RUNTIMES

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
MALFORMED = HERE / "malformed_manifests"
SHOWN = "tests/check/malformed_manifests"
SCHEMA_LINK = "(see harness/schema/port.schema.json)"
ALL_RUNTIMES = ", ".join(RUNTIMES)

# file -> the whole line load_manifest refuses it with, after "<file>:"
EXPECTED = {
    "toml_syntax": "5:6: TOML syntax error: Expected '=' after a key in a key/value pair",
    "duplicate_key": "5:15: TOML syntax error: Cannot overwrite a value (a key is given twice)",
    "missing_port": "1:1: port: required field is missing",
    "missing_setup": "3:1: [port] setup: required field is missing",
    "unknown_port_field": f"5:3: [port] entry: unknown field {SCHEMA_LINK}",
    "unknown_table": f"6:1: opts: unknown field, did you mean ops? {SCHEMA_LINK}",
    "misspelt_runtimes": f"5:1: [port] runtime: unknown field, did you mean runtimes? "
                         f"{SCHEMA_LINK}",
    "misspelt_language": f"4:1: [port] langauge: unknown field, did you mean language? "
                         f"{SCHEMA_LINK}",
    "unknown_op": f"8:1: [ops] cosh: unknown op (ops: {', '.join(OPS)})",
    "setup_not_a_string": "4:9: [port] setup: schema: 3 is not of type 'string'",
    "bad_language": '3:12: [port] language: "python" is not a language ("lua" or "command")',
    "unknown_runtime": f'4:22: [port] runtimes: "lua99" is not a Lua runtime lupa knows '
                       f"({ALL_RUNTIMES})",
    "op_not_an_expression": "7:8: [ops] tanh: true is neither a Lua expression (a string) "
                            "nor false (the port has no such op)",
    "empty_expression": "5:7: [port] new: the expression is empty",
    "root_missing": f'4:8: [port] root: "no-such-folder" ({SHOWN}/no-such-folder) does not exist',
    "root_is_a_file": f'4:8: [port] root: "root_is_a_file.toml" ({SHOWN}/root_is_a_file.toml) '
                      "is not a folder",
    "command_field_in_lua_port": '5:1: [port] command: not a field of a "lua" port',
    "lua_field_in_command_port": '5:1: [port] runtimes: not a field of a "command" port',
    "ops_in_command_port": '6:1: ops: not a field of a "command" port',
    "command_missing": "1:1: [port] command: required field is missing",
    "command_not_a_list": "4:11: [port] command: schema: 'node driver.js' is not of type 'array'",
    "timeout_zero": "5:11: [port] timeout: schema: 0 is less than or equal to the minimum of 0",
    "expression_syntax": "7:8: [ops] tanh: does not compile on lua51: unexpected symbol "
                         "near '<eof>'",
    "floor_division_on_lua51": "9:7: [ops] div: does not compile on lua51: unexpected symbol "
                               "near '/'",
    "setup_syntax": "7:1: [port] setup: does not compile on lua51: '<name>' expected near '='",
    "nn_mlp_not_an_expression": "7:7: [nn] mlp: true is neither a Lua expression (a string) "
                                "nor false (the port has no MLP)",
    "nn_unknown_field": f"7:1: [nn] forward: unknown field {SCHEMA_LINK}",
    "nn_expression_syntax": "7:7: [nn] mlp: does not compile on lua51: unexpected symbol "
                            "near '<eof>'",
    "nn_bad_kind": '7:10: [nn] kinds: "relu" is not a kind of MLP HIDDEN-LAST (each relu, tanh '
                   'or linear), e.g. "relu-linear"',
    "nn_in_command_port": '6:1: nn: not a field of a "command" port',
}


def test_every_malformed_manifest_has_its_case():
    assert sorted(p.stem for p in MALFORMED.glob("*.toml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_manifest_gives_one_line(name):
    with pytest.raises(ManifestError) as raised:
        load_manifest(MALFORMED / f"{name}.toml")
    assert str(raised.value) == f"{SHOWN}/{name}.toml:{EXPECTED[name]}"


def test_an_unreadable_manifest_is_one_line(tmp_path):
    with pytest.raises(ManifestError) as raised:
        load_manifest(tmp_path / "absent.toml")
    assert str(raised.value) == f"{tmp_path / 'absent.toml'}: cannot read: No such file or directory"


def test_our_own_port_manifest():
    manifest = load_manifest(REPO / "harness/ports/lua_port.toml")
    assert manifest.language == "lua" and manifest.runtimes == RUNTIMES
    assert manifest.root == REPO / "lua_port"
    assert (manifest.new, manifest.data, manifest.grad, manifest.backward) == (
        "Value(x)", "v.data", "v.grad", "v:backward()")
    assert manifest.ops == {**DEFAULT_OPS, "sum": "Value.sum(vs, start)",
                            "dot": "Value.dot(ws, xs, start)"}
    assert manifest.timeout == 60.0 and manifest.max_memory == 2048
    assert manifest.place("ops", "dot") == (13, 1)
    assert manifest.nn == replace(DEFAULT_NN, kinds=("relu-linear", "tanh-tanh"), mlp=(
        'require("micrograd").MLP(nin, nouts, {nonlin = hidden, last_nonlin = last})'))


def test_nn_defaults_to_micrograds_api_and_mlp_false_turns_it_off(tmp_path):
    (tmp_path / "port.toml").write_text('[port]\nname = "p"\nlanguage = "lua"\nsetup = ""\n')
    assert load_manifest(tmp_path / "port.toml").nn == DEFAULT_NN == NnApi(
        "MLP(nin, nouts)", "m:parameters()", "m(x)", "m:zero_grad()", "v.data = x",
        ("relu-linear",))
    (tmp_path / "port.toml").write_text('[port]\nname = "p"\nlanguage = "lua"\nsetup = ""\n'
                                        '[nn]\nmlp = false\n')
    assert load_manifest(tmp_path / "port.toml").nn is None


def test_ops_set_false_and_limits(tmp_path):
    (tmp_path / "port").mkdir()
    path = tmp_path / "port.toml"
    path.write_text('[port]\nname = "mine"\nlanguage = "lua"\nroot = "port"\n'
                    'runtimes = ["luajit21", "lua54"]\nsetup = "Value = require(\'engine\')"\n'
                    'new = "Value.new(x)"\ntimeout = 2.5\nmax_memory = 256\n'
                    '[ops]\ntanh = false\nrelu = "v:rectify()"\n')
    manifest = load_manifest(path)
    assert manifest.runtimes == ("luajit21", "lua54")
    assert manifest.ops["tanh"] is None and manifest.ops["relu"] == "v:rectify()"
    assert manifest.ops["exp"] == "v:exp()" and manifest.ops["sum"] is None
    assert manifest.new == "Value.new(x)" and manifest.root == tmp_path / "port"
    assert (manifest.timeout, manifest.max_memory) == (2.5, 256)


def test_a_command_manifest(tmp_path):
    path = tmp_path / "port.toml"
    path.write_text('[port]\nname = "js"\nlanguage = "command"\ncommand = ["node", "driver.js"]\n')
    manifest = load_manifest(path)
    assert manifest.command == ("node", "driver.js") and manifest.folder == tmp_path
    assert manifest.runtimes == () and manifest.root is None and manifest.ops == {}
    assert manifest.timeout == 10.0


def test_the_schema_and_the_defaults_name_every_op():
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["properties"]["ops"]["$ref"] == "ops.schema.json#/$defs/table"   # from OPS
    assert list(DEFAULT_OPS) == list(OPS)
    assert schema["properties"]["port"]["properties"]["runtimes"]["items"]["enum"] == list(RUNTIMES)


def test_the_defaults_follow_each_ops_syntax_in_lua():
    assert {op: DEFAULT_OPS[op] for op in ("add", "div", "pow", "neg", "tanh", "sum", "dot")} == {
        "add": "a + b", "div": "a / b", "pow": "a ^ b", "neg": "-v", "tanh": "v:tanh()",
        "sum": None, "dot": None}
    methods = [name for name, op in OPS.items() if op.kind == "unary" and op.is_method]
    assert len(methods) >= 5 and all(DEFAULT_OPS[name] == f"v:{name}()" for name in methods)


def test_op_params():
    assert op_params("add") == op_params("pow") == ("a", "b")
    assert op_params("neg") == op_params("tanh") == ("v",)
    assert op_params("sum") == ("start", "vs") and op_params("dot") == ("start", "ws", "xs")


@pytest.mark.parametrize("parts, value, place", [
    (["port", "name"], False, (2, 1)),
    (["port", "setup"], True, (3, 9)),
    (["port", "runtimes", 1], False, (7, 3)),   # an item of a multi-line array
    (["ops", "tanh"], False, (9, 1)),           # not the [ops] inside setup's string
    (["ops", "exp"], False, (10, 1)),           # a quoted key
    (["ops", "log"], False, (8, 1)),            # not written: its table's header
    (["nowhere"], False, (1, 1)),
])
def test_key_place(parts, value, place):
    raw = ('[port]\nname = "p"\nsetup = \'\'\'\n[ops]\n\'\'\'\nruntimes = ["lua51",\n  "lua54"]\n'
           '[ops]\ntanh = "v:tanh()"\n"exp" = "v:exp()"\n')
    assert key_place(raw, parts, value=value) == place

"""The op lists of the check's JSON schemas are harness.ops' (harness/engines/schema_ops.py)."""
import json

import pytest

from micrograd_lab.harness.engines import schema_ops
from micrograd_lab.harness.ops import OPS


def _text(name):
    return (schema_ops.SCHEMA_DIR / name).read_text()


@pytest.mark.parametrize("name", schema_ops.LISTS)
def test_the_schemas_op_lists_are_written_from_ops(name):
    text = _text(name)
    assert schema_ops.written(name, text) == text, \
        f"harness/schema/{name} is stale: run python -m micrograd_lab.harness.engines.schema_ops"
    assert json.loads(text)["$comment"] == schema_ops.COMMENT


def test_the_lists_name_every_op_in_order():
    assert json.loads(_text("protocol.schema.json"))["$defs"]["op"]["enum"] == list(OPS)
    assert list(json.loads(_text("port.schema.json"))["properties"]["ops"]["properties"]) \
        == list(OPS)


@pytest.mark.parametrize("name", schema_ops.LISTS)
def test_a_list_missing_an_op_or_the_comment_is_written_again(name):
    text = _text(name)
    listed = schema_ops.LISTS[name][1]
    lines = listed.split("\n")
    stale = text.replace(listed, "\n".join(lines[:2] + lines[3:]), 1)   # the second op gone
    assert stale != text and schema_ops.written(name, stale) == text
    uncommented = text.replace(f'  "$comment": {json.dumps(schema_ops.COMMENT)},\n', "", 1)
    assert uncommented != text and schema_ops.written(name, uncommented) == text


def test_a_list_that_moved_is_named():
    with pytest.raises(ValueError, match=r"harness/schema/port.schema.json: no op list"):
        schema_ops.written("port.schema.json", '{"properties": {}}')

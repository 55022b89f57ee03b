"""The op lists of the Rust and C++ kits are generate.py's output for the
op set of harness/ops.py, and say so on their first line."""
import pytest

from micrograd_lab.harness.drivers.generate import GENERATED, HEADER
from micrograd_lab.harness.ops import OPS


@pytest.mark.parametrize("path", list(GENERATED), ids=lambda p: p.name)
def test_the_generated_op_list_is_up_to_date(path):
    # After a change of harness/ops.py: python -m micrograd_lab.harness.drivers.generate
    assert path.read_text() == GENERATED[path]()
    assert path.read_text().splitlines()[0] == f"// {HEADER}"


@pytest.mark.parametrize("path", list(GENERATED), ids=lambda p: p.name)
def test_every_op_of_the_lab_is_in_the_list(path):
    text = path.read_text()
    assert all(f"({name}, " in text or f'("{name}", ' in text for name in OPS)

"""One LuaEngine per runtime for the whole session (tests that need limits
of their own make their own)."""
import pytest

from micrograd_lab.lua_port import LuaEngine

_engines = {}


@pytest.fixture
def engine(runtime):
    """The shared LuaEngine of the runtime this test is parametrized with."""
    if runtime not in _engines:
        _engines[runtime] = LuaEngine(runtime)
    return _engines[runtime]

"""Suite-wide set-up.

After collection the heap holds the parsed fixture corpus and every module's
parameters: about a million objects that live until the end.  Each full pass
of CPython's cyclic collector walks all of them, and the suite triggers
thousands of passes (graph-building tests, the benchmarks' gc.collect()
before each timing, pytest's five collections at exit).  gc.freeze() moves
what exists after collection out of the collector's sight; objects a test
makes are collected as usual.

The parity matrix's forking run freezes and then unfreezes (which thaws
everything): the suite's freeze comes back after such a test.  Asking
gc.get_freeze_count() instead would walk the million objects after every
test, so gc.unfreeze is wrapped to note that it ran.
"""
import gc

import pytest

_unfreeze = gc.unfreeze
_thawed = False


def _noting_unfreeze():
    global _thawed
    _thawed = True
    _unfreeze()


gc.unfreeze = _noting_unfreeze


def pytest_collection_finish(session):
    gc.collect()
    gc.freeze()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item):
    global _thawed
    try:
        return (yield)
    finally:
        if _thawed:
            _thawed = False
            # the young generations only: a full pass would walk the thawed million
            gc.collect(1)
            gc.freeze()

"""The whole fixture corpus, loaded once per test process.

Parsing it takes about 2 s and several test modules parametrize over it at
collection: they share this one load.  Treat it as read-only.
"""
from micrograd_lab.harness.fixture import load_corpus

FIXTURES, ERRORS = load_corpus()
BY_NAME = {f.name: f for f in FIXTURES}

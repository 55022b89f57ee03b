"""Every fixture belongs to one level, derived from its tags."""
from harness.levels import LEVELS, level_of

from shared_corpus import FIXTURES


def test_every_fixture_has_a_level_and_every_level_fixtures():
    levels = {f.name: level_of(f.tags) for f in FIXTURES}
    assert set(levels.values()) == set(LEVELS)
    assert levels["lecture-l-minus-8"] == "lecture"
    assert levels["deep-chain-100000"] == "scale"
    assert levels["integers-times-constant"] == "numbers"
    assert levels["relu-edge-nan"] == "edges"

"""Every fixture belongs to one level, derived from its tags; the lecture
level holds only ordinary values."""
import math

import pytest

from micrograd_lab.harness.interpret import interpret
from micrograd_lab.harness.levels import EDGES, LECTURE, LEVELS, NUMBERS, SCALE, chosen, level_of, ordinary
from micrograd_lab.harness.nn.cases import all_cases
from micrograd_lab.harness.probes import REGISTRY

from shared_corpus import BY_NAME, FIXTURES

LEVEL = {f.name: level_of(f.tags) for f in FIXTURES}


def test_every_fixture_has_a_level_and_every_level_fixtures():
    assert set(LEVEL.values()) == set(LEVELS)
    assert LEVEL["lecture-l-minus-8"] == LECTURE
    assert LEVEL["deep-chain-100000"] == SCALE
    assert LEVEL["integers-times-constant"] == NUMBERS
    assert LEVEL["relu-edge-nan"] == EDGES


@pytest.mark.parametrize("name", sorted(n for n, level in LEVEL.items() if level == LECTURE))
def test_a_lecture_fixture_holds_only_ordinary_values(name):
    # no inf, nan, -0, subnormal or huge value, in python_ref's values or gradients
    values = interpret(BY_NAME[name].program)
    odd = {node: pair for node, pair in values.items() if not all(map(ordinary, pair))}
    assert not odd, f"{name}: not ordinary: {odd}"


def test_where_a_value_saturates_or_a_graph_is_big_is_not_the_lecture():
    # tanh(7), tanh(10): t so near 1 that the lecture's 1 - t**2 loses 18 and 27
    # bits; tanh(3) (7 bits) is still an ordinary point
    assert [LEVEL[f"tanh-at-{x}"] for x in (3, 7, 10)] == [LECTURE, EDGES, EDGES]
    # a Value exponent at a negative base: d/db is nan
    assert LEVEL["pow-value-minus-2-to-2"] == EDGES
    assert LEVEL["pow-value-2-to-3"] == LECTURE
    # 1,000 contributions into one node: a wide graph, whatever op makes it
    for name in ("reuse-sum-same-node-1000", "reuse-add-same-node-1000", "wide-dot-1000"):
        assert LEVEL[name] == SCALE
    assert LEVEL["found-f1f7ee5216fe"] == EDGES
    assert LEVEL["neg-zero-then-div"] == EDGES
    assert LEVEL["integers-doubling-64"] == NUMBERS   # integers win over reuse


def test_ordinary_values():
    assert all(map(ordinary, (0.0, 1.0, -3.5, 2.0 ** -100, -(2.0 ** 100), 1e16)))
    assert not any(map(ordinary, (-0.0, math.inf, -math.inf, math.nan, 5e-324, 1e-300,
                                  1e300, 2.0 ** 101)))


def test_the_nn_cases_are_lecture():
    cases = all_cases()
    assert {c.name.split("-")[1] for c in cases} == {"lecture", "moons"}
    assert {level_of(c.tags) for c in cases} == {LECTURE}


def test_every_probe_names_its_level():
    assert {name: entry.level for name, entry in REGISTRY.items()} == {
        "numbers": NUMBERS, "backward-twice": LECTURE, "determinism": SCALE,
        "depth-chain": SCALE, "depth-wide": SCALE}


def test_the_levels_a_level_argument_chooses():
    assert chosen(["lecture"]) == (LECTURE,)
    assert chosen(["scale", "lecture"]) == (LECTURE, SCALE)   # in LEVELS' order
    assert chosen(["all", "edges"]) == chosen([]) == LEVELS

"""Training parity: python_ref, every Lua runtime and torch train the same
network on the same data; the losses agree to the bit (Lua) or to 1e-9
relative (torch).  The full 100 moons steps run on python_ref, torch and one
Lua runtime; the other runtimes run the first steps only (time budget)."""
import math

import pytest

from harness.companion import engines, training
from harness.companion.moons import make_moons
from harness.companion.walkthrough import DRIFT_ULPS, LIBM_TANH, trained
from harness.compare import ulp_distance

LUA = engines.lua_runtimes()
FULL_LUA = [rt for rt in ("luajit21", "lua54", "lua51") if rt in LUA][:1]
SHORT_LUA = [rt for rt in LUA if rt not in FULL_LUA]
SHORT_STEPS = 8
MOONS = training.moons_task(100)
LECTURE = training.lecture_task()


def test_moons_data_is_two_noisy_half_circles_and_fixed():
    xs, ys = make_moons()
    assert (xs, ys) == make_moons()
    assert len(xs) == 100 and ys == [-1.0, 1.0] * 50
    for (x0, x1), y in zip(xs, ys):
        cx, cy = (0.0, 0.0) if y < 0 else (1.0, 0.5)
        radius = math.hypot(x0 - cx, x1 - cy)
        assert abs(radius - 1.0) < 0.5  # noise 0.1: 5 sigma
        assert (x1 - cy > -0.5) if y < 0 else (x1 - cy < 0.5)


def test_python_ref_moons_reaches_100_percent():
    run = trained(MOONS, engines.REFERENCE)
    assert len(run.losses) == 100
    assert run.accuracies[-1] == 1.0
    assert run.losses[-1] < 0.02 < run.losses[0]
    assert run.final != run.initial


def test_torch_moons_within_1e9_relative():
    ref, run = trained(MOONS, engines.REFERENCE), trained(MOONS, engines.TORCH)
    assert run.initial == ref.initial
    assert training.relative_difference(run.losses, ref.losses) < 1e-9
    assert run.accuracies[-1] == 1.0


@pytest.mark.parametrize("runtime", FULL_LUA)
def test_lua_moons_is_python_ref_to_the_bit(runtime):
    ref, run = trained(MOONS, engines.REFERENCE), trained(MOONS, runtime)
    assert run.initial == ref.initial, "the same seed must give the same weights"
    assert run.losses == ref.losses
    assert run.accuracies == ref.accuracies
    assert run.final == ref.final


@pytest.mark.parametrize("runtime", SHORT_LUA)
def test_lua_moons_first_steps_are_python_ref_to_the_bit(runtime):
    ref = trained(MOONS, engines.REFERENCE)  # the schedule depends on k only
    run = training.train_lua(training.moons_task(SHORT_STEPS), runtime)
    assert run.initial == ref.initial
    assert run.losses == ref.losses[:SHORT_STEPS]


def test_lecture_mlp_trains_below_001_on_every_engine():
    ref = trained(LECTURE, engines.REFERENCE)
    for engine in engines.engine_names():
        run = trained(LECTURE, engine)
        assert run.losses[-1] < 0.01, engine
        assert run.accuracies[-1] == 1.0, engine
        assert run.initial == ref.initial, engine
        assert training.relative_difference(run.losses, ref.losses) < 1e-9, engine


@pytest.mark.parametrize("runtime", LUA)
def test_lecture_mlp_deviation_comes_from_tanh_only(runtime):
    ref, run = trained(LECTURE, engines.REFERENCE), trained(LECTURE, runtime)
    worst = max(ulp_distance(a, b) for a, b in zip(run.losses, ref.losses))
    if runtime in LIBM_TANH:
        assert worst == 0
    else:  # Lua 5.3+: the port's own tanh, an ulp off libm's at some points
        assert worst < DRIFT_ULPS


def test_predict_matches_the_trained_model():
    task = training.lecture_task(3)
    model = task.model()
    scores = training.predict(task, model.parameter_values(), task.xs)
    for x, s in zip(task.xs, scores):
        assert math.isclose(model(list(x)).data, s, rel_tol=1e-12)

"""Training parity: python_ref, every Lua runtime and torch train the same
network on the same data; the losses agree to the bit (Lua) or to 1e-9
relative (torch).  The full 100 moons steps run on python_ref, torch and one
Lua runtime; the other runtimes run the first steps only (time budget)."""
import math

import pytest

from micrograd_lab.harness import lua_engines
from micrograd_lab.harness.companion import engines, training
from micrograd_lab.harness.companion.training import trained
from micrograd_lab.harness.companion.walkthrough import DRIFT_ULPS, LIBM_TANH
from micrograd_lab.harness.judge.compare import ulp_distance
from micrograd_lab.harness.training.moons import make_moons
from micrograd_lab.harness.training.task import MOONS_SEED, lecture_task, moons_task
from micrograd_lab.harness.training.trainer import Trainer, signs_right

# One pytest-xdist worker runs this file with test_companion_plots.py and
# test_companion_walkthrough.py: the trained networks (trained() keeps them
# per process) are trained once.
pytestmark = pytest.mark.xdist_group("trained-networks")

LUA = lua_engines.runtimes()
FULL_LUA = [rt for rt in ("luajit21", "lua54", "lua51") if rt in LUA][:1]
SHORT_LUA = [rt for rt in LUA if rt not in FULL_LUA]
SHORT_STEPS = 8
MOONS = moons_task(100)
LECTURE = lecture_task()


def test_moons_data_is_two_noisy_half_circles_and_fixed():
    xs, ys = make_moons()
    assert (xs, ys) == make_moons()
    assert len(xs) == 100 and ys == [-1.0, 1.0] * 50
    for (x0, x1), y in zip(xs, ys):
        cx, cy = (0.0, 0.0) if y < 0 else (1.0, 0.5)
        radius = math.hypot(x0 - cx, x1 - cy)
        assert abs(radius - 1.0) < 0.5  # noise 0.1: 5 sigma
        assert (x1 - cy > -0.5) if y < 0 else (x1 - cy < 0.5)


def test_the_moons_task_is_micrograds_demo():
    assert (MOONS.nin, MOONS.nouts, MOONS.nonlin, MOONS.last_nonlin) == (2, (16, 16, 1), "relu", "linear")
    assert MOONS.loss == "svm" and MOONS.alpha == 1e-4 and MOONS.seed == MOONS_SEED
    # the notebook's schedule, 1.0 - 0.9*k/100, with no wrap-around
    assert [MOONS.learning_rate(k) for k in (0, 50, 99)] == [1.0, 1.0 - 0.45, 1.0 - 0.9 * 99 / 100]
    assert MOONS.learning_rate(150) == 1.0 - 0.9 * 150 / 100


def test_python_ref_moons_reaches_100_percent():
    run = trained(MOONS, engines.REFERENCE)
    assert len(run.losses) == 100
    assert run.accuracies[-1] == 1.0
    assert run.losses[-1] < 0.02 < run.losses[0]
    assert run.final != run.initial


def test_a_step_is_forward_then_learn_with_the_schedule():
    """Trainer.step by hand: the loss before the update, then p -= lr * grad."""
    task = moons_task(n_points=6)
    trainer, twin = Trainer(task), Trainer(task)
    total, scores = twin.forward()
    twin.model.zero_grad()
    total.backward()
    expected = [p.data - task.learning_rate(3) * p.grad for p in twin.model.parameters()]
    assert trainer.step(3) == total.data
    assert trainer.parameter_values() == expected
    assert signs_right([1.0, -1.0, 1.0, -1.0], [0.5, 0.2, -0.1, -3.0]) == 0.5


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


@pytest.mark.parametrize("runtime", [rt for rt in LUA if rt.startswith("luajit")])
def test_luajit_trains_with_its_jit_on_and_compiled_traces(runtime):
    """As users run it: the training loops are hot, so compiled code computes
    the losses that the tests here compare to python_ref's bits."""
    run = training.train_lua(moons_task(2), runtime)
    engine = lua_engines.lua_engine(runtime)
    assert engine.jit_status() is True
    assert engine.jit_traces() > 0
    assert run.losses == trained(MOONS, engines.REFERENCE).losses[:2]


@pytest.mark.parametrize("runtime", SHORT_LUA)
def test_lua_moons_first_steps_are_python_ref_to_the_bit(runtime):
    ref = trained(MOONS, engines.REFERENCE)  # the schedule depends on k only
    run = training.train_lua(moons_task(SHORT_STEPS), runtime)
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


def test_predict_is_python_refs_forward_to_the_bit():
    """The decision boundary's scores: python_ref's sums in its order and libm's
    tanh, not a BLAS product, so the figure is the same on every machine."""
    for task in (lecture_task(3), moons_task(3, n_points=20)):
        model = Trainer(task).model
        scores = training.predict(task, model.parameter_values(), task.xs)
        assert [float(s) for s in scores] == [model(list(x)).data for x in task.xs]

"""Every claim the walkthrough prints, checked by driving its functions on
python_ref and every Lua runtime (and torch where it has a column)."""
import pytest

from micrograd_lab.harness import lua_engines
from micrograd_lab.harness.companion import engines, lecture
from micrograd_lab.harness.companion.expect import Below, Exactly, Near, Prints
from micrograd_lab.harness.companion.walkthrough import (Claim, Section, node, run_section, sections,
                                                       stepped_L)

# One pytest-xdist worker runs this file with test_companion_plots.py and
# test_companion_training.py: the trained networks (trained() keeps them per
# process) are trained once.
pytestmark = pytest.mark.xdist_group("trained-networks")

LUA = lua_engines.runtimes()
SECTIONS = sections()
EXPRESSIONS = [s for s in SECTIONS if not s.with_torch]
TRAINING = [s for s in SECTIONS if s.with_torch]
# the moons section trains 100 steps: python_ref, torch and one Lua runtime here
MOONS_ENGINES = (engines.REFERENCE,) + tuple(rt for rt in ("luajit21", "lua54") if rt in LUA)[:1] \
    + (engines.TORCH,)


def _failures(results):
    return [f"{r.claim.text} on {e}: {r.values[e]!r}, expected {r.claim.expect}"
            for r in results for e, ok in r.passed.items() if not ok]


@pytest.mark.parametrize("section", EXPRESSIONS, ids=lambda s: s.title)
def test_every_claim_holds_on_every_engine(section):
    results = run_section(section)
    assert not _failures(results)
    for r in results:
        assert set(r.values) == {engines.REFERENCE, *LUA}, r.claim.text


@pytest.mark.parametrize("title", ["PyTorch", "The MLP", "Training"])
def test_the_torch_sections_on_every_engine(title):
    section = next(s for s in TRAINING if s.title == title)
    results = run_section(section)
    assert not _failures(results)
    assert any(engines.TORCH in r.values for r in results)
    assert all(set(r.values) <= {engines.REFERENCE, *LUA, engines.TORCH} for r in results)


def test_the_moons_section():
    section = next(s for s in TRAINING if "moons" in s.title)
    results = run_section(section, MOONS_ENGINES)
    assert not _failures(results)
    assert [r.claim.text for r in results][:2] == [
        "loss at step 100 (before its update)", "accuracy (signs right) at the last step"]


def test_the_sections_follow_the_lecture():
    assert [s.title for s in SECTIONS] == [
        "The derivative of a simple function", "The expression graph", "Backprop by hand",
        "A neuron", "backward()", "The bug with reused nodes", "tanh broken into exp", "PyTorch",
        "The MLP", "Training", "micrograd's demo: the two moons", "Check your own port"]
    assert [s.title for s in SECTIONS if not s.figures] == [
        "The bug with reused nodes", "tanh broken into exp", "PyTorch", "The MLP",
        "Check your own port"]


def test_each_figure_belongs_to_one_section():
    files = [file for s in SECTIONS for file, _ in s.figures]
    assert len(files) == len(set(files)) and "plot0.png" in files


def test_a_short_moons_run_keeps_the_claims_that_scale_and_says_which_need_the_default():
    (moons,) = [s for s in sections(moons_steps=5) if "moons" in s.title]
    texts = [c.text for c in moons.claims]
    assert not any("loss at step" in t or "accuracy" in t for t in texts)
    assert "per-step losses: max ulp from python_ref's" in texts
    assert "need the default 100 steps" in moons.unchecked and "--moons-steps 5" in moons.unchecked
    # its figures are make plots' drawing of 100 steps, and the text says so
    assert "The figures are make plots' drawing of the default 100 steps." in moons.unchecked
    results = run_section(moons, (engines.REFERENCE, engines.TORCH))
    assert results and not _failures(results)


def test_mishras_notes_print_the_h_0001_slope_for_h_000001():
    coarse = node(lecture.slope_program(3.0, 0.001), "slope")
    fine = node(lecture.slope_program(3.0, 0.00001), "slope")
    for engine in (engines.REFERENCE,) + LUA:
        assert "%.14g" % coarse(engine) == "14.003000000002"  # what Mishra's notes print
        assert fine(engine) == 14.00003000000538                # what h = 0.00001 gives
        assert "%.14g" % fine(engine) != "14.003000000002"
    section = next(s for s in SECTIONS if "simple function" in s.title)
    assert "14.003000000002" in section.remark and "14.00003000000538" in section.remark


def test_expectations_reject_wrong_numbers():
    assert Exactly(20.0).check(20.0) and not Exactly(20.0).check(20.000000000000004)
    assert (str(Exactly(20.0)), Exactly(20.0).full) == ("= 20", "")
    # 6 digits would read 6.00000…: up to the first digit that is not 0
    assert (str(Exactly(6.000000000000227)), Exactly(6.000000000000227).full) == (
        "= 6.0000000000002…", "6.000000000000227")
    # a Prints claim shows the computed number with its own digits, where 6 would hide them
    assert Prints("%.15g", "0.707106690405036").shown(0.7071066904050358) == "0.707106690405036"
    assert Prints("%.4f", "0.8814").shown(0.881373587019543) == "0.881374…"
    assert Prints("%.4f", "0.7071").check(0.70710678) and not Prints("%.4f", "0.7071").check(0.7072)
    assert Near(0.0, 1e-15).check(-1e-16) and not Near(0.0, 1e-15).check(1e-14)
    assert Below(0.01).check(0.009) and not Below(0.01).check(0.01)


def test_a_wrong_claim_is_reported_failed():
    program = lecture.L_program()
    section = Section("wrong on purpose", "", (Claim("L", node(program, "L"), Exactly(8.0)),))
    (result,) = run_section(section, (engines.REFERENCE,))
    assert result.values == {engines.REFERENCE: -8.0}
    assert not result.ok


def test_the_lectures_one_step_by_hand_is_claimed():
    # a reader missed the lecture's L = -7.286496 after one step of 0.01 · grad
    assert stepped_L()(engines.REFERENCE) == -7.286496
    assert stepped_L(0.02)(engines.REFERENCE) != -7.286496
    section = next(s for s in SECTIONS if s.title == "Backprop by hand")
    assert any(c.text.startswith("L after one step") for c in section.claims)

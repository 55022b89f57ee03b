"""The quick profile on the real engines: they agree on every program it
draws, under the parity matrix's own rules; and the command line around it."""
import math

import pytest

from micrograd_lab.harness.__main__ import main as harness_main
from micrograd_lab.harness.engines.base import UnavailableEngine
from micrograd_lab.harness.engines.registry import get_engine
from micrograd_lab.harness.fuzz import profiles
from micrograd_lab.harness.fuzz.campaign import describe, run
from micrograd_lab.harness.fuzz.oracle import Oracle
from micrograd_lab.harness.program import Arg, Program, Step

QUICK_LUA = ("lua51", "lua54", "luajit21")


def _quick(names, tmp_path):
    result = run(Oracle(names), profiles.quick(), profiles.QUICK_EXAMPLES, out_dir=tmp_path)
    assert result.tried >= profiles.QUICK_EXAMPLES
    return result


def test_correct_engines_pass_the_quick_profile(tmp_path):
    # Lua runtimes lupa cannot start here are left out (the Lua tests say why).
    lua = [n for n in QUICK_LUA if not isinstance(get_engine(n), UnavailableEngine)]
    names = ["python_ref", "torch", "fd"] + lua
    result = _quick(names, tmp_path)
    assert not result.found, "\n".join(describe(f) for f in result.found)


def _one_step(x, op, *args):
    arg = {"x": Arg.node("x")}
    return Program((("x", x),), (Step("y", op, tuple(arg.get(a, a) for a in args)),), "y")


# Cases the fuzzer found, each fixed where it was wrong: finite differences
# (h**2 truncation near a pole and under a steep exponential: Richardson
# extrapolation), torch's float / tensor (reciprocal * float: the backend now
# divides by a constant tensor), LuaJIT 2.0's pow, a budget cap below the ulp
# distance from 0 to 1e284 (torch sums three gradient contributions of 1e300
# in another order and does not cancel to 0 exactly), and a reordering error
# that was added to a node's gradient budget but not carried upstream.
FOUND = {
    "fd-one-over-small-x": ("fd", _one_step(0.00390625, "div", Arg.num(1.0), "x")),
    "fd-tiny-base-power": ("fd", _one_step(0.0, "pow", Arg.num(1e-300), "x")),
    "torch-number-over-x": ("torch", _one_step(4.549819991750574e-86, "div",
                                               Arg.num(0.34375), "x")),
    "torch-zero-over-tiny-x": ("torch", _one_step(1e-300, "div", Arg.num(0.0), "x")),
    "torch-reordered-cancellation": ("torch", Program((("x1", 1e-300),), (
        Step("n1", "neg", (Arg.node("x1"),)),
        Step("n2", "neg", (Arg.node("x1"),)),
        Step("n3", "add", (Arg.node("n2"), Arg.node("x1"))),
        Step("n4", "sum", (Arg.node("n3"), Arg.node("n3"), Arg.node("n3"), Arg.node("n1"))),
        Step("n5", "div", (Arg.node("n4"), Arg.node("n2")))), "n5")),
    # LuaJIT 2.0's ^ gave nan for a negative base and an integer exponent
    # beyond int32, where C99 pow gives 0 (lua_port's ieee.pow now does as C)
    "luajit20-pow-huge-integer-exponent": ("luajit20", _one_step(2147483648.0, "pow",
                                                                 Arg.num(-1e-300), "x")),
    # ... and +inf for -inf to an odd integer beyond int32, where C gives -inf
    "luajit20-pow-minus-inf-odd-huge-exponent": ("luajit20", _one_step(
        2147483649.0, "pow", Arg.num(-math.inf), "x")),
    # Lua 5.4+ squares x^2 as x*x (correctly rounded) where glibc's pow is
    # 0.5007 ulp off: 1 ulp apart, within the lua-square budget
    "lua54-square-is-a-product": ("lua54", Program(
        (("x1", 2.0), ("x2", 1.1026946322817226)),
        (Step("n1", "pow", (Arg.node("x2"), Arg.node("x1"))),), "n1")),
    # n3.grad = 1 + n2 with n2 1 ulp off (Lua 5.3+'s and torch's tanh): the
    # sum rounds at 1.25 and lands 1 ulp away, which summing now allows
    "summing-an-inexact-contribution": ("lua54", Program(
        (("x1", 0.125), ("x2", 0.0)),
        (Step("n1", "tanh", (Arg.node("x1"),)),
         Step("n2", "add", (Arg.node("n1"), Arg.node("n1"))),
         Step("n3", "add", (Arg.node("x2"), Arg.node("x2"))),
         Step("n4", "dot", (Arg.node("n3"), Arg.node("n3"), Arg.node("n2")))), "n4")),
    # the same near the smallest normal double: the error bound of x2 times a
    # 1-ulp shift underflowed to 0, where the subnormal sum lands 1 ulp away
    "an-error-bound-never-underflows-to-none": ("lua54", Program(
        (("x1", 0.21875), ("x2", 2.2250738585072014e-308)),
        (Step("n1", "add", (Arg.node("x1"), Arg.node("x1"))),
         Step("n2", "tanh", (Arg.node("n1"),)),
         Step("n3", "add", (Arg.node("n2"), Arg.node("n1"))),
         Step("n4", "add", (Arg.node("x2"), Arg.node("x2"))),
         Step("n5", "dot", (Arg.node("n4"), Arg.node("x2"), Arg.node("n3")))), "n5")),
    # n2 gets three contributions (1, -1 and sigmoid's 0.105): torch's order
    # rounds differently, and that error must flow on to n1 and x1
    "torch-reordering-flows-upstream": ("torch", Program((("x1", 0.0),), (
        Step("n1", "add", (Arg.node("x1"), Arg.num(1.0))),
        Step("n2", "add", (Arg.node("n1"), Arg.node("n1"))),
        Step("n3", "sub", (Arg.node("n2"), Arg.node("n2"))),
        Step("n4", "sigmoid", (Arg.node("n2"),)),
        Step("n5", "add", (Arg.node("n4"), Arg.node("n3")))), "n5")),
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_cases_found_by_the_fuzzer_stay_fixed(name):
    backend, program = FOUND[name]
    if isinstance(get_engine(backend), UnavailableEngine):
        pytest.skip(f"{backend} cannot run here")
    assert Oracle([backend]).check(program) == []


# Found by a campaign: n4 = n3 / n3 = nan sends nan back through
# n2 = 0.0 ** n1, where d/db is a masked 0 that torch still multiplies by the
# upstream gradient (inf * 0 = nan); both engines now do the same.
def test_zero_base_power_passes_a_nan_gradient_on_like_torch():
    program = Program((("x1", 0.0),), (
        Step("n1", "add", (Arg.node("x1"), Arg.num(1.0))),
        Step("n2", "pow", (Arg.num(0.0), Arg.node("n1"))),
        Step("n3", "neg", (Arg.node("n2"),)),
        Step("n4", "div", (Arg.node("n3"), Arg.node("n3")))), "n4")
    assert Oracle(["torch"]).check(program) == []


# Found by a campaign: sigmoid(2e300 * x) at 0 jumps from 0 to 1 within any
# usable step, so D(h) and D(h/2) disagree by 100%: fd must say N/A.
def test_finite_differences_do_not_report_an_unresolved_slope():
    program = Program((("x1", 0.0),), (
        Step("n1", "add", (Arg.node("x1"), Arg.node("x1"))),
        Step("n2", "mul", (Arg.node("n1"), Arg.num(1e300))),
        Step("n3", "sigmoid", (Arg.node("n2"),))), "n3")
    assert Oracle(["fd"]).check(program) == []


def test_fuzz_help_names_every_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        harness_main(["fuzz", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for option in ("--examples", "--backends", "--seed", "--out", "--profile", "--max-steps"):
        assert option in out


def test_unknown_backend_is_one_clear_line(capsys):
    assert harness_main(["fuzz", "--backends", "python_ref,nope", "--examples", "5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["mglab fuzz: --backends: unknown backend 'nope' (known: "
                   "python_ref, lua51, lua52, lua53, lua54, lua55, luajit20, luajit21, "
                   "luajit20-interp, luajit21-interp, torch, fd)"]


def test_short_run_reports_count_rate_and_failures(tmp_path, capsys):
    code = harness_main(["fuzz", "--profile", "quick", "--backends", "python_ref,torch",
                         "--examples", "30", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "30 programs tried in" in out and "programs/s), 0 failures" in out
    assert not list(tmp_path.iterdir())


def test_fuzz_examples_environment_variable(monkeypatch):
    monkeypatch.setenv("FUZZ_EXAMPLES", "1234")
    assert profiles.campaign_examples() == 1234
    monkeypatch.setenv("FUZZ_EXAMPLES", "many")
    with pytest.raises(ValueError, match="FUZZ_EXAMPLES='many'"):
        profiles.campaign_examples()

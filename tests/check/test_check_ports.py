"""The check on the test ports of tests/ports/: for each, the exact counts of
verdicts and the exact diagnoses.

The expectations come from each port's bugs, fixture by fixture (the
comments say why), not from running the ports.  Each test checks a few
fixtures on two or three runtimes; test_correct_port_on_the_whole_corpus is
the slow one (the whole corpus, one runtime).

Facts about the runtimes the expectations use: Lua 5.3+ have 64-bit
integers (5.1, 5.2 and LuaJIT only floats); lupa's Lua 5.1 stops a Lua
recursion at about 20,000 calls, LuaJIT at about 8,000 to 16,000 frames of
the recursive port's sort, Lua 5.2 past 128,000 (measured: the depth probe
reports them); LuaJIT hashes a table key by its address, which changes from
process to process, where PUC Lua keeps a two-key set in insertion order.
"""
import re
import shutil
from pathlib import Path

import pytest

from micrograd_lab.harness.check.cli import check_port
from micrograd_lab.harness.probes import FAULT, OK, SKIPPED
from micrograd_lab.harness.run import CheckSettings
from micrograd_lab.harness.judge.verdict import CLOSE, ERROR, EXACT, FAIL
from micrograd_lab.harness.judge.verdict import CONVENTION
from micrograd_lab.lua_port import available_runtimes

PORTS = Path(__file__).resolve().parents[1] / "ports"
PASSED = {EXACT, CLOSE}


def run(port, fixtures=(), tags=(), runtimes=(), probes=(), depth_max=None):
    missing = [r for r in runtimes if r not in available_runtimes()]
    if missing:
        pytest.skip(f"lupa has no {', '.join(missing)} here")
    settings = CheckSettings(probes=probes, **({"depth_max": depth_max} if depth_max else {}))
    result, _ = check_port(PORTS / port / "port.toml", fixtures, tags, runtimes, settings)
    return result


def statuses(result, runtime):
    return {name: ("passed" if cell.status in PASSED else cell.status)
            for name, cell in result.cells_of(runtime).items()}


def diagnosed(result):
    """{bug: [runtimes]} of the diagnoses."""
    return {d.bug.key: d.runtimes for d in result.diagnoses}


def test_correct_port_passes_its_probes_and_no_bug_is_named():
    result = run("correct", tags=["nn", "lecture"], runtimes=["lua51", "luajit21"],
                 probes=("numbers", "backward-twice", "determinism", "depth-chain",
                         "depth-wide"), depth_max=4000)
    assert diagnosed(result) == {}
    for probes in result.probes.values():
        # it has no sum: the widest sum would be the chain of + depth-chain measures
        assert {name: p.status for name, p in probes.items()} == {
            **dict.fromkeys(["ops", "numbers", "backward-twice", "determinism", "depth-chain"],
                            OK), "depth-wide": SKIPPED}
        assert probes["backward-twice"].details["behaviour"] == "accumulates"
        # the report prints "status: summary": the summary does not repeat "not run"
        assert probes["depth-wide"].summary.startswith("the port has no sum")
    # 39 fixtures on two runtimes, and each probe a cell: four pass, depth-wide is
    # skipped; its manifest makes no MLP: the 4 rows of the nn half are UNSUPPORTED
    assert result.final_line() == "86 passed, 0 failed, 2 skipped, 8 unsupported"


def test_correct_port_on_the_whole_corpus():
    # Right everywhere, with two conventions of its own: relu passes nothing
    # at nan (relu-edge-nan), and x**0 and a**b differentiate by their
    # formulas, nan or -inf at 0 (the 7 pow-grad-at-zero fixtures where that
    # changes a value: found-74e0b8dec349 pins it too, but its upstream
    # gradient is nan already).
    result = run("correct", runtimes=["lua54"])
    conventions = sorted(n for n, s in statuses(result, "lua54").items() if s == CONVENTION)
    assert conventions == ["pow-edge-0-to-0", "pow-edge-nan-to-0", "pow-value-edge-0-to-0",
                           "pow-value-edge-0-to-2", "pow-value-edge-nan-to-0",
                           "pow-zero-exponent-of-a-difference", "relu-edge-nan",
                           "rpow-edge-0-to-2"]
    total = len(result.fixtures)
    # and no MLP (tests/ports/correct/nn.toml is the same port with one):
    # the 4 rows of the nn half read UNSUPPORTED
    assert result.final_line() == (f"{total - 12} passed, 0 failed, 4 unsupported, "
                                   "8 convention")
    assert diagnosed(result) == {}


SHARED = ["lecture-d-abc", "lecture-l-minus-8", "lecture-reuse-a-plus-a", "lecture-reuse-ab",
          "lecture-f-at-3", "lecture-number-on-the-left", "micrograd-sanity-check",
          "reuse-doubling-1000", "tanh-at-0p5", "div-1-3"]


def test_assigned_gradients():
    # Fails wherever a node gets two contributions: a + a (a gets 1), a and b
    # in reuse-ab, x in f-at-3 and sanity-check, every x#k of the doubling.
    # Passes where no node is used twice.
    result = run("assigned", fixtures=SHARED, runtimes=["lua51", "luajit21"])
    failing = {"lecture-reuse-a-plus-a", "lecture-reuse-ab", "lecture-f-at-3",
               "micrograd-sanity-check", "reuse-doubling-1000"}
    for runtime in ("lua51", "luajit21"):
        assert statuses(result, runtime) == {
            name: (FAIL if name in failing else "passed") for name in SHARED}
    assert result.final_line() == "10 passed, 10 failed"
    assert diagnosed(result) == {"assigned": ["lua51", "luajit21"]}


def test_an_op_without_a_backward_is_named_as_that_op_and_no_walk():
    # mul's result has no backward, the commonest slip.  The sanity check's
    # gradients are also what mul assigning and a visited set keyed by value
    # give, and `y = 2 * x` below `a + ...` what the wrong order gives: each
    # ties with the missing backward, so only derivative speaks, naming mul.
    fixtures = ["micrograd-sanity-check", "lecture-number-on-the-left", "lecture-reuse-ab",
                "lecture-number-2-times-x"]
    result = run("no-backward", fixtures=fixtures, runtimes=["lua54", "luajit21"])
    assert diagnosed(result) == {"derivative": ["lua54", "luajit21"]}
    (derivative,) = result.diagnoses
    assert derivative.ops == ("mul",)
    assert "0 is what a mul whose result has no backward gives" in derivative.evidence[0].detail


def test_an_output_never_seeded_is_named_and_nothing_else():
    # backward without `self.grad = 1.0`: every gradient of every fixture is
    # 0, the forward exact, so every cell FAILs.  No walk and no derivative
    # starts from 0: only no-seed is named, on both runtimes; the
    # backward-twice probe finds L = a * a with no gradient at all.
    fixtures = ["lecture-d-abc", "lecture-reuse-ab", "lecture-neuron-tanh",
                "micrograd-sanity-check"]
    result = run("no-seed", fixtures=fixtures, runtimes=["lua54", "luajit21"],
                 probes=("backward-twice",))
    for runtime in ("lua54", "luajit21"):
        assert statuses(result, runtime) == dict.fromkeys(fixtures, FAIL)
        assert result.probes[runtime]["backward-twice"].details["behaviour"] == "no gradient"
    assert diagnosed(result) == {"no-seed": ["lua54", "luajit21"]}
    (no_seed,) = result.diagnoses
    assert no_seed.groups()[0][1].where == "lecture-d-abc"
    assert "self.grad = 1.0" in no_seed.meaning


def test_steps_that_never_run_are_named_and_no_derivative_of_each_op():
    # backward seeds the output and never calls a step: every gradient but
    # the output's is 0.  A fixture of one op reads as that op's derivative 0,
    # which joins steps-never-run where a fixture of more ops shows it; the
    # backward-twice probe's 0 then 6 (a zeroed graph, it would say) too.
    fixtures = ["lecture-exp-of-2", "lecture-number-2-plus-x", "lecture-f-at-3",
                "lecture-neuron-exp"]
    result = run("steps-never-run", fixtures=fixtures, runtimes=["lua54", "luajit21"],
                 probes=("backward-twice",))
    assert diagnosed(result) == {"steps-never-run": ["lua54", "luajit21"]}
    (steps,) = result.diagnoses
    assert [e.where for _, e in steps.groups()][:2] == ["lecture-f-at-3", "lecture-neuron-exp"]
    assert not steps.evidence[0].joined


def test_add_without_a_backward_is_no_steps_that_never_ran():
    # on a fixture whose output is an add, every gradient but the output's is
    # 0, as when no step runs; the fixtures it passes say steps ran (a
    # review found add's missing backward named steps-never-run, add nowhere)
    fixtures = ["lecture-f-at-3", "lecture-number-2-plus-x", "lecture-d-abc",
                "lecture-number-2-times-x"]
    result = run("no-add-backward", fixtures=fixtures, runtimes=["lua54", "luajit21"])
    assert diagnosed(result) == {"derivative": ["lua54", "luajit21"]}
    assert result.diagnoses[0].ops == ("add",)


def test_a_sub_that_assigns_is_named_sub():
    # the lecture's graph (a - b as an add) fit too, and its "add and mul"
    # replaced the fixture's own "sub" (a review)
    result = run("sub-assigns", tags=["lecture"], runtimes=["lua54"])
    assert diagnosed(result) == {"assigned": ["lua54"]}
    assert result.diagnoses[0].ops == ("sub",)


def test_the_zero_grad_port_is_told_zero_grad_alone():
    # relu-relu is relu-linear where the output is positive: nn-kind named it
    # on a row whose first pass is right and whose later steps fail
    result = run("zero-grad", fixtures=["mlp-moons-sgd-relu-linear"], runtimes=["lua54"])
    assert diagnosed(result) == {"zero-grad": ["lua54"]}


def test_a_lecture_port_walked_forward_is_the_wrong_order_and_no_derivative():
    # its 2 - x is 2 + (-x), -x is x * -1: walked forward, -x's backward runs
    # before y's gives it a gradient, so x gets 0, as a sub without a
    # derivative would give on the fixture's graph; on the lecture's graph
    # (harness/diagnoses/lecture_graph.py) that is the wrong order
    fixtures = ["lecture-number-2-minus-x", "lecture-number-x-minus-2", "lecture-sub-as-neg",
                "lecture-reuse-ab"]
    result = run("lecture-wrong-order", fixtures=fixtures, runtimes=["lua54", "luajit21"])
    assert diagnosed(result) == {"wrong-order": ["lua54", "luajit21"]}


def test_nodes_walked_in_the_wrong_order():
    # Walking inputs first, only the output's own arguments get their
    # gradient: one-op fixtures pass (a + a too: its one step runs last),
    # everything deeper fails.
    result = run("wrong-order", fixtures=SHARED, runtimes=["lua51", "lua54"])
    passing = {"lecture-reuse-a-plus-a", "tanh-at-0p5", "div-1-3"}
    for runtime in ("lua51", "lua54"):
        assert statuses(result, runtime) == {
            name: ("passed" if name in passing else FAIL) for name in SHARED}
    assert result.final_line() == "6 passed, 14 failed"
    assert diagnosed(result) == {"wrong-order": ["lua51", "lua54"]}


def test_topological_order_without_a_visited_set():
    # Reused leaves are harmless (their backward does nothing): a + a,
    # reuse-ab and f-at-3 pass.  sanity-check reuses z and q, whose backward
    # then runs once per path: FAIL.  x = x + x a thousand times has 2^1000
    # paths: the sort never ends (ERROR: the time or memory limit).
    result = run("no-visited", fixtures=SHARED, runtimes=["lua51", "lua54"])
    for runtime in ("lua51", "lua54"):
        got = statuses(result, runtime)
        assert got.pop("micrograd-sanity-check") == FAIL
        assert got.pop("reuse-doubling-1000") == ERROR
        assert set(got.values()) == {"passed"}
    assert result.final_line() == "16 passed, 4 failed"
    # the timeout on 1,001 nodes (10^301 paths) is one more finding of it
    assert diagnosed(result) == {"no-visited": ["lua51", "lua54"]}
    [diagnosis] = result.diagnoses
    assert [e.where for _, e in diagnosis.groups()] == ["micrograd-sanity-check",
                                                         "reuse-doubling-1000"]


def test_recursion_limit_differs_per_runtime():
    # The recursive sort: a 100,001-node chain overflows Lua 5.1's and
    # LuaJIT's stack, not Lua 5.2's; the depth probe (up to 32,000) finds
    # where: 5.1 stops between 16,000 and 32,000, LuaJIT between 8,000 and
    # 16,000, 5.2 passes.
    result = run("recursive", fixtures=["deep-chain-100000", "lecture-l-minus-8"],
                 runtimes=["lua51", "lua52", "luajit21"], probes=("depth-chain",),
                 depth_max=32000)
    assert statuses(result, "lua51") == statuses(result, "luajit21") == {
        "deep-chain-100000": ERROR, "lecture-l-minus-8": "passed"}
    assert set(statuses(result, "lua52").values()) == {"passed"}
    # the depth probe is a cell too: ERROR on lua51 and luajit21 (a stack overflow)
    assert result.final_line() == "5 passed, 4 failed"
    assert diagnosed(result) == {"recursion": ["lua51", "luajit21"]}
    depth = {name: probes["depth-chain"].details for name, probes in result.probes.items()}
    assert (depth["lua51"]["longest"], depth["lua51"]["first_failure"]) == (16000, 32000)
    assert (depth["luajit21"]["longest"], depth["luajit21"]["first_failure"]) == (8000, 16000)
    assert (depth["lua52"]["longest"], depth["lua52"]["first_failure"]) == (32000, None)
    assert "stack overflow" in depth["lua51"]["error"]


def test_integer_gradients_wrap_on_lua_5_3_and_later():
    # gradient = 0 and the seed 1 are integers: x = x + x keeps them so, and
    # x#938's gradient 2^63 wraps to -2^63 on Lua 5.4.  Lua 5.1 has only
    # floats.  Mixed with a float (l-minus-8's products, add-same-node's
    # a * 0.5) a gradient becomes a float before it is large.
    fixtures = ["reuse-doubling-1000", "lecture-l-minus-8", "reuse-add-same-node-1000",
                "lecture-sub-as-neg"]
    result = run("gradient-field", fixtures=fixtures, runtimes=["lua51", "lua54"],
                 probes=("numbers",))
    assert set(statuses(result, "lua51").values()) == {"passed"}
    assert statuses(result, "lua54") == {"reuse-doubling-1000": FAIL, "lecture-l-minus-8":
                                         "passed", "reuse-add-same-node-1000": "passed",
                                         "lecture-sub-as-neg": "passed"}
    # and the numbers probe: it passes on lua51 and FAILs on lua54 (2^63 wraps)
    assert result.final_line() == "8 passed, 2 failed"
    assert diagnosed(result) == {"integer-wrap": ["lua54"]}
    where = {(e.where, e.node) for e in result.diagnoses[0].evidence}
    # the floats run: the integer gradient wraps at x#938; the integers run
    # (x = 1 as a Lua integer, as a user writes Value(1)): the data wraps at x#64
    assert where == {("reuse-doubling-1000", "x#938"), ("reuse-doubling-1000", "x#64"),
                     ("probe numbers", "")}
    probes = {name: probes["numbers"].status for name, probes in result.probes.items()}
    assert probes == {"lua51": OK, "lua54": FAULT}


def test_tanh_through_exp_and_division_as_a_power():
    # tanh(400): e^800 overflows, inf/inf = nan; tanh(1e-10) is off by
    # 8.3e-8 relative; tanh(0.5) happens to round right.  neuron-exp divides
    # 4.83 by 6.83, and 4.83 * 6.83^-1 is 1 ulp off: the lecture's own
    # division, allowed on the lecture level (CLOSE); 0.34375 * x^-1 at
    # x = 4.5e-86 is 1 ulp off too, an edge: FAIL.  1 * 3^-1 is 1/3 exactly.
    fixtures = ["tanh-edge-400", "tanh-edge-1em10", "tanh-at-0p5", "lecture-neuron-exp",
                "div-1-3", "lecture-d-abc", "found-f1f7ee5216fe"]
    result = run("functions", fixtures=fixtures, runtimes=["lua51", "lua54"])
    failing = {"tanh-edge-400", "tanh-edge-1em10", "found-f1f7ee5216fe"}
    for runtime in ("lua51", "lua54"):
        assert statuses(result, runtime) == {
            name: (FAIL if name in failing else "passed") for name in fixtures}
        assert result.cells_of(runtime)["lecture-neuron-exp"].status == CLOSE
    assert result.final_line() == "8 passed, 6 failed"
    assert diagnosed(result) == {"tanh-exp": ["lua51", "lua54"], "div-pow": ["lua51", "lua54"]}
    div = next(d for d in result.diagnoses if d.bug.key == "div-pow").evidence[0]
    assert (div.where, div.node) == ("found-f1f7ee5216fe", "y")


def address_randomisation():
    try:
        return Path("/proc/sys/kernel/randomize_va_space").read_text().strip() != "0"
    except OSError:
        return True   # not Linux: assume it, as macOS and Windows do


@pytest.mark.skipif(not address_randomisation(), reason="address space layout randomisation "
                    "is off: LuaJIT's table order is then the same in every process")
def test_set_of_children_and_numbers_on_the_left():
    # 2 * a, 3 * x**2 and 2 ** x index the number on the left: ERROR.  The
    # set of children is walked in another order on each LuaJIT run (the
    # determinism probe sees it), in insertion order on Lua 5.4; any order
    # is a valid topological order, so no cell fails for it.
    fixtures = ["lecture-number-on-the-left", "lecture-f-at-3", "rpow-2-to-3", "lecture-d-abc",
                "lecture-reuse-ab", "nn-relu-neuron-2"]
    result = run("modules", fixtures=fixtures, runtimes=["lua54", "luajit21"],
                 probes=("numbers", "determinism"))
    erroring = {"lecture-number-on-the-left", "lecture-f-at-3", "rpow-2-to-3"}
    for runtime in ("lua54", "luajit21"):
        assert statuses(result, runtime) == {
            name: (ERROR if name in erroring else "passed") for name in fixtures}
    # and the probes: numbers is an ERROR on both runtimes, determinism FAILs on luajit21
    assert result.final_line() == "7 passed, 9 failed"
    assert diagnosed(result) == {"child-order": ["luajit21"],
                                 "number-left": ["lua54", "luajit21"]}
    left = next(d for d in result.diagnoses if d.bug.key == "number-left").evidence[0]
    assert left.where in erroring and left.node


def command_port(port, fixtures, probes=()):
    """A command port's check: its program must be installed."""
    from micrograd_lab.harness.engines.manifest import load_manifest
    tool = load_manifest(PORTS / port / "port.toml").command[0]
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    result, _ = check_port(PORTS / port / "port.toml", fixtures, (), (),
                           CheckSettings(probes=probes))
    return result


def test_no_sort_at_all_is_named_and_not_a_missing_visited_set():
    # backward recurses through every path: sanity-check's reused z and q pass
    # on what they gathered so far (FAIL); the doubling never ends (ERROR)
    result = run("no-topo", fixtures=["micrograd-sanity-check", "reuse-doubling-1000",
                                      "lecture-reuse-ab"], runtimes=["lua54"])
    assert statuses(result, "lua54") == {"micrograd-sanity-check": FAIL,
                                         "reuse-doubling-1000": ERROR,
                                         "lecture-reuse-ab": "passed"}
    assert diagnosed(result) == {"no-topo": ["lua54"]}
    [diagnosis] = result.diagnoses
    assert "10^301 times" in diagnosis.lines()[-1]
    assert "visited set" not in diagnosis.title() + diagnosis.headline()


def test_numbers_on_the_right_and_a_sum_from_zero_in_javascript():
    # x.sub(2) is x.add(2.neg()): TypeError, at the line of sub; 2 - x works.
    # The sum of three -0.0 is +0.0 (reduce from 0), so a / s is +inf: the
    # zero-sign convention covers it, and the diagnosis names it all the same.
    result = command_port("js-numbers", ["lecture-d-abc", "sum-of-minus-zeros-then-div"],
                          ("numbers",))
    assert statuses(result, "js-numbers") == {"lecture-d-abc": "passed",
                                              "sum-of-minus-zeros-then-div": CONVENTION}
    assert diagnosed(result) == {"number-right": ["js-numbers"], "sum-zero": ["js-numbers"]}
    right = next(d for d in result.diagnoses if d.bug.key == "number-right")
    assert right.title() == "numbers on the right unsupported: in sub and div"
    assert "x - 2: TypeError: other.neg is not a function (at engine.js:" in right.headline()
    assert "lift it first" in right.meaning and "metamethod" not in right.meaning


def test_the_exponents_gradient_and_a_graph_zeroed_first_in_python():
    # nan ** 0: a.grad = 0 * nan**-1 = nan is the pow-grad-at-zero convention,
    # b.grad = 0 against nan is the bug, and the FAIL names b.  The port's
    # math.pow raises at 0 ** -1, and the error names the line that raised.
    result = command_port("exponent-zeroing", ["pow-value-edge-nan-to-0", "pow-value-2-to-3",
                                               "pow-value-edge-0-to-minus-1"],
                          ("backward-twice",))
    cells = result.cells_of("exponent-zeroing")
    assert {n: c.status for n, c in cells.items()} == {
        "pow-value-edge-nan-to-0": FAIL, "pow-value-2-to-3": FAIL,
        "pow-value-edge-0-to-minus-1": ERROR}
    fail = cells["pow-value-edge-nan-to-0"].first_fail
    assert (fail.node, fail.field, fail.candidate) == ("b", "grad", 0.0)
    assert re.search(r"ValueError: math domain error \[at scalar\.py:\d+ in __pow__\]$",
                     cells["pow-value-edge-0-to-minus-1"].message)
    assert diagnosed(result) == {"exponent-grad": ["exponent-zeroing"],
                                 "zeroes-graph": ["exponent-zeroing"]}
    assert result.probes["exponent-zeroing"]["backward-twice"].details["behaviour"] == "zeroes"


TANH_FIXTURES = ["tanh-at-0p5", "tanh-at-1", "tanh-at-3", "tanh-at-7", "tanh-at-10",
                 "tanh-edge-20", "lecture-neuron-tanh", "nn-mlp-tanh-3-4-4-1"]


def test_tanh_derivative_that_cancels_fails_where_t_nears_1():
    # 1 - t*t from the port's own t.  Lua 5.1 has C's tanh, and the port's
    # own tanh on Lua 5.4 gives C's bits at 3, 7 and 10 too: t is exact
    # there, and only t's measured error may excuse the derivative, never
    # the 2 ulp tanh's value is allowed.  1 - t*t is 75,926 ulp off at
    # tanh(7), 1.03e7 at 10 (edges, where t is within 2^-18 of 1): FAIL.  At
    # tanh(3) it is 26 ulp off, the lecture's own formula on the lecture
    # level, which allows it the rounding of t*t: CLOSE.  At 0.5 and 1 it
    # rounds as (1 - t)(1 + t) does; at 20, t = 1 and both are 0.
    result = run("tanh-cancels", fixtures=TANH_FIXTURES, runtimes=["lua51", "lua54"])
    failing = {"tanh-at-7", "tanh-at-10"}
    for runtime in ("lua51", "lua54"):
        assert statuses(result, runtime) == {
            name: (FAIL if name in failing else "passed") for name in TANH_FIXTURES}
        three = result.cells_of(runtime)["tanh-at-3"]
        assert (three.status, three.max_ulps) == (CLOSE, 26)
    fail = result.cells_of("lua51")["tanh-at-7"].first_fail
    assert (fail.node, fail.field, fail.ulps) == ("x", "grad", 75926)
    assert result.final_line() == "12 passed, 4 failed"


def test_tanh_derivative_from_its_own_t_passes():
    # The correct port: (1 - t)(1 + t), with C's tanh on Lua 5.1 and its own
    # on Lua 5.4, which is off in the neuron (t = 0.7071...): the derivative
    # moves with t's measured error, and that is allowed.
    result = run("correct", fixtures=TANH_FIXTURES, runtimes=["lua51", "lua54"])
    assert result.final_line() == "16 passed, 0 failed"
    neuron = result.cells_of("lua54")["lecture-neuron-tanh"]
    assert neuron.status == CLOSE and neuron.worst.field == "grad" and neuron.max_ulps >= 1


def test_a_lecture_levels_bug_is_listed_before_a_deep_graphs(tmp_path):
    # diagnoses came in a fixed order: a recursion limit (a 100,000-node
    # chain) above the lecture port's wrong exp derivative
    if "lua51" not in available_runtimes():
        pytest.skip("lupa has no lua51 here")
    (tmp_path / "port.toml").write_text(f"""\
[port]
name = "lecture-exp-slope-1"
language = "lua"
root = "{PORTS / 'lecture'}"
setup = '''
Value = require("value")
local exp = Value.exp
function Value:exp()
  local out = exp(self)
  out.backward_step = function() self.grad = self.grad + out.grad end
  return out
end
'''
pow = "number-exponent"
timeout = 10
""")
    result, _ = check_port(tmp_path / "port.toml", ["lecture-exp-of-2", "deep-chain-100000"],
                           (), ["lua51"], CheckSettings(probes=()))
    assert [d.bug.key for d in result.diagnoses] == ["derivative", "recursion"]

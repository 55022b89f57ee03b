"""How a diagnosis reads: each finding once, with every runtime that shows it
(runtimes in ranges), the lecture's fixtures and the smallest first, the ops
at fault in the title, evidence against a bug on a runtime keeping it
unnamed there, and advice worded for the port's language."""
import pytest

from micrograd_lab.harness.diagnoses import BUGS, Evidence, diagnose
from micrograd_lab.harness.diagnoses.wording import family, runtime_ranges
from micrograd_lab.harness.probes import FAULT, Probe
from micrograd_lab.harness.run import Port, RunResult

LUA = ("lua51", "lua52", "lua53", "lua54", "lua55", "luajit20", "luajit21")


def result(engines=LUA, language="lua", probes=None):
    """A RunResult with no fixtures: what diagnose() reads of it."""
    out = RunResult(tuple(engines), [], [], {}, {}, Port("p", language, "p/port.toml"))
    out.languages = {e: language for e in engines}
    out.probes = probes or {}
    return out


def assigned(runtime, where, node="a", size=5, ops=("add",)):
    return Evidence("assigned", runtime, where, node, f"{where}: gradient 1.0", ops=ops,
                    size=size)


@pytest.mark.parametrize("names, text", [
    (LUA, "lua51–lua55, luajit20, luajit21"),
    (["luajit21", "lua54", "lua53", "lua52"], "lua52–lua54, luajit21"),
    (["lua51", "lua53", "lua54"], "lua51, lua53, lua54"),
    (["my-port"], "my-port"),
])
def test_runtimes_read_in_ranges(names, text):
    assert runtime_ranges(names) == text


def test_one_line_per_finding_across_runtimes_the_lectures_first():
    evidence = [assigned(r, w, size=s) for w, s in
                [("found-74e0b8dec349", 3), ("fd-swamped-huge-square", 4),
                 ("micrograd-sanity-check", 9), ("lecture-reuse-ab", 5),
                 ("lecture-reuse-a-plus-a", 2)] for r in LUA]
    [d] = diagnose(result(), evidence)
    assert d.count == 5 and d.runtimes == list(LUA)
    assert d.lines() == [f"lua51–lua55, luajit20, luajit21: {w}, node a: {w}: gradient 1.0"
                         for w in ("lecture-reuse-a-plus-a", "lecture-reuse-ab",
                                   "micrograd-sanity-check")]
    assert d.headline() == ("gradients assigned instead of accumulated: add's backward "
                            "assigns the gradient (lua51–lua55, luajit20, luajit21): "
                            "lecture-reuse-a-plus-a, node a: lecture-reuse-a-plus-a: "
                            "gradient 1.0")


def test_the_ops_of_every_finding_are_named_in_the_title():
    evidence = [assigned("lua54", "lecture-reuse-ab", ops=("mul",)),
                assigned("lua54", "lecture-f-at-3", ops=("pow",)),
                assigned("lua54", "lecture-reuse-a-plus-a", ops=("add",))]
    [d] = diagnose(result(["lua54"]), evidence)
    assert d.title() == ("gradients assigned instead of accumulated: add's, mul's and pow's "
                         "backward assign the gradient")
    assert d.to_json()["ops"] == ["add", "mul", "pow"]


def test_evidence_against_a_bug_keeps_it_unnamed_on_that_runtime():
    found = Evidence("libm-subnormal", "lua54", "log-edge-5em324", "y", "log(5e-324) is ...",
                     ops=("log",))
    against = Evidence("libm-subnormal", "lua54", "log-at-2", "y", "log is off at ordinary "
                       "arguments too", ops=("log",), against=True)
    other = Evidence("libm-subnormal", "luajit21", "log-edge-5em324", "y", "log(5e-324) is ...",
                     ops=("log",))
    [d] = diagnose(result(["lua54", "luajit21"]), [found, against, other])
    assert d.runtimes == ["luajit21"]
    assert diagnose(result(["lua54"]), [found, against]) == []


def test_a_bug_confirmed_by_a_probe_needs_it_on_that_runtime():
    error = Evidence("number-right", "js", "lecture-x-minus-2", "y", "x - 2: TypeError",
                     ops=("sub",))
    assert diagnose(result(["js"], "javascript"), [error]) == []


@pytest.mark.parametrize("language, says, never", [
    ("lua", "metamethod", "__radd__"),
    ("python", "__radd__", "metamethod"),
    ("javascript", "new Value(2)", "metamethod"),
    ("go", "operator", "metamethod"),
])
def test_advice_is_worded_for_the_ports_language(language, says, never):
    cases = [{"case": "2 * x", "op": "mul", "integers": False, "side": "left",
              "problem": "error: step y (mul): attempt to index a number value"},
             {"case": "x * 2", "op": "mul", "integers": False, "side": "right", "problem": None}]
    probes = {"x": {"numbers": Probe("numbers", FAULT, "", {"cases": cases})}}
    [d] = diagnose(result(["x"], language, probes), [])
    assert d.bug.key == "number-left" and d.ops == ("mul",)
    assert says in d.meaning and never not in d.meaning
    assert d.to_json()["meaning"] == d.meaning


def test_tanh_advice_says_what_python_does_at_overflow():
    assert "OverflowError" in BUGS["tanh-exp"].advice("python")
    assert "negative" in BUGS["tanh-exp"].advice("python")
    assert "nan" in BUGS["tanh-exp"].advice("lua") and \
        "OverflowError" not in BUGS["tanh-exp"].advice("lua")


def test_no_visited_set_is_not_said_for_a_port_without_a_sort():
    assert "visited set" not in BUGS["no-topo"].title
    assert "without a topological order" in BUGS["no-topo"].title


@pytest.mark.parametrize("language, name", [
    ("Lua", "lua"), ("python", "python"), ("JavaScript", "javascript"),
    ("typescript", "javascript"), ("go", ""), ("", "")])
def test_language_families(language, name):
    assert family(language) == name


def test_a_timeout_joins_the_walk_a_smaller_fixture_shows():
    walk = Evidence("exponential-walk", "lua54", "reuse-doubling-1000", "", "out of time")
    topo = Evidence("no-topo", "lua54", "micrograd-sanity-check", "q", "gradient -2.0")
    [d] = diagnose(result(["lua54"]), [walk, topo])
    assert d.bug.key == "no-topo" and d.count == 2
    [d] = diagnose(result(["lua54"]), [walk])
    assert d.bug.key == "exponential-walk"

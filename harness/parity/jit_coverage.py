"""python -m micrograd_lab.harness.parity.jit_coverage: which functions of lua_port's
engine LuaJIT compiles while it runs the corpus, and where it gives up.

Each LuaJIT runtime runs every fixture (or those --fixtures/--tags pick) in
one LuaEngine with the JIT on and compiling early, as the matrix's workers
do, with LuaJIT's trace events attached (jit.attach): every source line
recorded into a trace that was compiled counts as compiled; a trace that
aborts names where.  Each function of micrograd/engine.lua (an op's
forward, its backward closure, the topological sort...) is then compiled
(some of its lines ran in compiled code) or not, with where the traces that
recorded it aborted most often (making a closure: FNEW).
"""
import re
import sys
from collections import Counter
from dataclasses import dataclass, field

from micrograd_lab.lua_port.bridge import PACKAGE_DIR

from . import jit_cli

ENGINE = PACKAGE_DIR / "micrograd" / "engine.lua"

# Keeps the lines recorded into compiled traces, and for every line recorded
# into a trace that aborted, where that trace aborted ("engine.lua:73", with
# " FNEW" when the instruction it stopped at makes a closure).
RECORDER = """
local util = require("jit.util")
local function probe() return function() end end
local FNEW = util.funcbc(probe, 1) % 256   -- the opcode of making a closure
local seen = {compiled = {}, aborted = {}, traces = 0, aborts = 0}
local current = {}
local function where(func, pc)
  local info = util.funcinfo(func, pc)
  return (info.source or "?"):match("[^/]*$") .. ":" .. tostring(info.currentline)
end
jit.attach(function(trace, func, pc) current[where(func, pc)] = true end, "record")
jit.attach(function(what, trace, func, pc)
  if what == "start" then
    current = {}
  elseif what == "stop" then
    seen.traces = seen.traces + 1
    for line in pairs(current) do seen.compiled[line] = true end
  elseif what == "abort" then
    seen.aborts = seen.aborts + 1
    local ins = util.funcinfo(func).ffid == nil and util.funcbc(func, pc)
    local at = where(func, pc) .. ((ins and ins % 256 == FNEW) and " FNEW" or "")
    for line in pairs(current) do
      local by = seen.aborted[line] or {}
      by[at] = (by[at] or 0) + 1
      seen.aborted[line] = by
    end
  end
end, "trace")
return seen
"""


def engine_functions(path=ENGINE):
    """[(label, first line, last line)] of engine.lua's functions: each
    `function Value.add(...)` or `local function new(...)` ("add", "new")
    and each op's backward ("add backward"), whether a shared function
    (`function Value._add_backward(self)`) or a closure made per node, read
    from the source by its indentation."""
    lines = path.read_text().splitlines()
    found, open_ = [], []
    for number, text in enumerate(lines, 1):
        named = re.match(r"(\s*)(?:local )?function (?:Value[.:])?(\w+)\(", text)
        closure = re.match(r"(\s*)\w+\._backward = function\(", text)
        if named or closure:
            indent = (named or closure).group(1)
            label = _label(named.group(2)) if named else f"{open_[-1][0]} backward"
            open_.append((label, number, indent))
        elif open_ and text == f"{open_[-1][2]}end":
            label, first, _ = open_.pop()
            found.append((label, first, number))
    return sorted(found, key=lambda f: f[1])


def _label(name):
    """An op's shared backward is labelled as a closure of that op would be
    (_add_backward: "add backward"; x ** number's is pow's)."""
    backward = re.fullmatch(r"_(\w+?)(_number)?_backward", name)
    if not backward:
        return name
    op = backward.group(1)
    return f"{op if op != 'pow_value' else '_pow_value'} backward"


@dataclass
class Coverage:
    runtime: str
    traces: int
    aborts: int
    compiled: list = field(default_factory=list)      # labels
    interpreted: list = field(default_factory=list)   # (label, (where its traces aborted
                                                      # most often, how often) or None)


def measure(runtime, fixtures):
    from micrograd_lab.lua_port import LuaEngine, flatten_program
    engine = LuaEngine(runtime, jit="early", instruction_budget=None)
    seen = engine.outside(RECORDER)
    for fixture in fixtures:
        engine.evaluate(flatten_program(fixture.program))
    compiled = {key for key, _ in seen.compiled.items()}
    aborted = {key: Counter({at: int(n) for at, n in by.items()})
               for key, by in seen.aborted.items()}
    coverage = Coverage(runtime, int(seen.traces), int(seen.aborts))
    functions = engine_functions()
    for label, first, last in functions:
        inner = [f for f in functions if first < f[1] and f[2] < last]
        own = [f"{ENGINE.name}:{n}" for n in range(first, last + 1)
               if not any(f[1] <= n <= f[2] for f in inner)]
        if any(line in compiled for line in own):
            coverage.compiled.append(label)
            continue
        stops = sum((aborted.get(line, Counter()) for line in own), Counter())
        coverage.interpreted.append((label, stops.most_common(1)[0] if stops else None))
    return coverage


def main(argv=None):
    parsed = jit_cli.parse("python -m micrograd_lab.harness.parity.jit_coverage", __doc__, argv)
    if isinstance(parsed, int):
        return parsed
    runtimes, fixtures, malformed = parsed
    source = ENGINE.read_text().splitlines()
    for runtime in runtimes:
        cov = measure(runtime, fixtures)
        print(f"{runtime}: {len(fixtures)} fixtures, {cov.traces} traces compiled, "
              f"{cov.aborts} aborted")
        print(f"  compiled: {', '.join(cov.compiled)}")
        print("  never compiled:")
        for label, stop in cov.interpreted:
            if stop is None:
                print(f"    {label}: no trace recorded it")
                continue
            (at, count), closure = stop, stop[0].endswith(" FNEW")
            line = at.split()[0]
            text = source[int(line.split(":")[1]) - 1].strip() if line.startswith(ENGINE.name) else ""
            why = "making a closure (FNEW), which LuaJIT does not compile" if closure else text
            print(f"    {label}: {count} traces through it aborted at {line}: {why}")
    return 1 if malformed else 0


if __name__ == "__main__":
    sys.exit(main())

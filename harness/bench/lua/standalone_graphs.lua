-- graphs.lua under a stand-alone Lua interpreter, timed with os.clock (see
-- standalone.lua).  Usage (from the repository root):
--   lua harness/bench/lua/standalone_graphs.lua SHAPE K X REPEAT
-- Prints "build_s backward_s nodes grad graph_kb": medians over REPEAT, each
-- minus the same script with 0 ops; graph_kb from collectgarbage("count").
package.path = "lua_port/?.lua;lua_port/?/init.lua;" .. package.path
mg = require("micrograd")

local shape, k, x, repeat_ = arg[1], tonumber(arg[2]), tonumber(arg[3]), tonumber(arg[4])
local script = assert(loadfile("harness/bench/lua/graphs.lua"))

local function timed(ops, mode)
  script(shape, 0, x, "collect")
  local start = os.clock()
  script(shape, ops, x, mode)
  return os.clock() - start
end

local function median(t)
  table.sort(t)
  return t[math.floor((#t + 1) / 2)]
end

local builds, backwards = {}, {}
for r = 1, repeat_ do
  local empty = timed(0, "backward")
  local built = timed(k, "build")
  local full = timed(k, "backward")
  builds[r], backwards[r] = built - empty, full - built
end
local measured = script(shape, k, x, "measure")
print(string.format("%.17g %.17g %d %.17g %.17g", median(builds), median(backwards),
                    measured.nodes, measured.grad, measured.graph_kb))

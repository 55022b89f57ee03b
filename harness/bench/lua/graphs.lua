-- Benchmark graphs for harness/bench/graphs.py.  Arguments: shape ("chain"
-- or "wide"), k (ops), x (the leaf's value), mode:
--   "clocked"  build and backpropagate, timed inside Lua with the sandbox's
--              clock() (os.clock)               -> {build_s, backward_s, grad}
--   "clocked-stopped"  the same with the collector stopped while it runs
--              (what the graph costs without the collector's passes), and
--              stopped = whether it was still stopped at the end (nil where
--              the runtime cannot say: Lua 5.1, LuaJIT)
--   "measure"  untimed: nodes, grad and the graph's memory -> {nodes, grad, graph_kb}
--   "collect"  untimed: a full garbage collection, so the garbage of one
--              timed run is not charged to the next
--   "build"    build the graph only                        -> {grad = 0}
--   "backward" build it and backpropagate                  -> {grad = dy/dx}
-- (standalone_graphs.lua times "build" and "backward" from outside, minus
-- the same script with 0 ops.)
-- The shapes are the ones graphs.py builds in Python, op for op.
local shape, k, x, mode = ...
local Value = mg.Value

local function collect()
  collectgarbage("collect")
  return collectgarbage("count")
end

local function build(leaf)
  if shape == "chain" then  -- y = y + 1.0, k times: 2k + 1 nodes
    local y = leaf
    for _ = 1, k do
      y = y + 1.0
    end
    return y
  end
  if k == 0 then  -- the empty run that measures the script's fixed cost
    return leaf
  end
  -- wide: leaf feeds k relus, a balanced tree of + sums them: 2k nodes
  local level, n = {}, k
  for i = 1, k do
    level[i] = leaf:relu()
  end
  while n > 1 do
    local pairs_, m = {}, 0
    for i = 1, n - 1, 2 do
      m = m + 1
      pairs_[m] = level[i] + level[i + 1]
    end
    if n % 2 == 1 then
      m = m + 1
      pairs_[m] = level[n]
    end
    level, n = pairs_, m
  end
  return level[1]
end

if mode == "collect" then
  collect()
  return {}
end

local leaf = Value(x)
if mode == "clocked" or mode == "clocked-stopped" then
  if mode == "clocked-stopped" then
    collectgarbage("stop")
  end
  local start = clock()
  local y = build(leaf)
  local built = clock()
  y:backward()
  local done = clock()
  local stopped  -- nil: not asked, or the runtime cannot say
  local asked, running = pcall(collectgarbage, "isrunning")
  if mode == "clocked-stopped" and asked then
    stopped = not running
  end
  collectgarbage("restart")
  return {build_s = built - start, backward_s = done - built, grad = leaf.grad, stopped = stopped}
end
if mode == "measure" then
  local before = collect()
  local y = build(leaf)
  local after = collectgarbage("count")
  local nodes = #y:topological_order()
  y:backward()
  return {nodes = nodes, grad = leaf.grad, graph_kb = after - before}
end
local y = build(leaf)
if mode == "backward" then
  y:backward()
end
return {grad = leaf.grad}

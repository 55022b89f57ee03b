-- Runs the Lua trainer (harness/training/trainer.lua) under a stand-alone Lua
-- interpreter, outside lupa's sandbox: the cross-check of the lupa timings.
-- Usage (from the repository root):
--   lua harness/bench/lua/standalone.lua TRAINER ARGS_FILE STEPS REPEAT
-- ARGS_FILE is a Lua chunk returning the trainer's task.  Prints
-- "seconds_per_step first_loss": the median over REPEAT of (CPU time of STEPS
-- steps - CPU time of 0 steps) / STEPS.
package.path = "lua_port/?.lua;lua_port/?/init.lua;" .. package.path
mg = require("micrograd")
clock = os.clock  -- what the sandbox hands the trainer

local trainer_path, args_path, steps, repeat_ = arg[1], arg[2], tonumber(arg[3]), tonumber(arg[4])
local trainer = assert(loadfile(trainer_path))
local task = dofile(args_path)

local function timed(k)
  collectgarbage("collect")
  local start = os.clock()
  local answer = trainer(task, k, "time")
  return os.clock() - start, answer
end

local _, first = timed(1)  -- warm-up (and the JIT's first traces)
local per_step = {}
for r = 1, repeat_ do
  local empty = timed(0)
  local full = timed(steps)
  per_step[r] = (full - empty) / steps
end
table.sort(per_step)
print(string.format("%.17g %.17g", per_step[math.floor((repeat_ + 1) / 2)], first.losses[1]))

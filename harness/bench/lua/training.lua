-- One training step of micrograd's moons demo, timed from Python by
-- harness/bench/training.py (the sandbox has no clock).  Arguments: the
-- problem (Problem.to_plain(): xs, ys, seed, sizes, alpha), the number of
-- steps, and the mode: "train" builds the network from the seed (the same
-- weights as python_ref's) and runs the steps, timing them with the
-- sandbox's clock() (os.clock) when it has one; "collect" only runs a full
-- garbage collection, untimed, so one run's garbage is not charged to the
-- next.  The loss graph is the one training.py builds for python_ref, node
-- for node: fused dot neurons, Value.sum for both sums.
local problem, steps, mode = ...

if mode == "collect" then
  if collectgarbage then
    collectgarbage("collect")
  end
  return {}
end

local Value = mg.Value
local sizes = problem.sizes
local nouts = {}
for i = 2, #sizes do
  nouts[i - 1] = sizes[i]
end
local model = mg.MLP(sizes[1], nouts, {seed = problem.seed})
local xs, ys, n = problem.xs, problem.ys, #problem.xs

local function step(k)
  local margins = {}
  for i = 1, n do
    local score = model({Value(xs[i][1]), Value(xs[i][2])})
    margins[i] = (1 - ys[i] * score):relu()
  end
  local params = model:parameters()
  local squares = {}
  for i = 1, #params do
    squares[i] = params[i] * params[i]
  end
  local total = Value.sum(margins) / n + problem.alpha * Value.sum(squares)
  model:zero_grad()
  total:backward()
  local lr = 1.0 - 0.9 * (k % 100) / 100  -- training.learning_rate
  for i = 1, #params do
    params[i].data = params[i].data - lr * params[i].grad
  end
  return total.data
end

local initial = model:parameter_values()
local losses = {}
local start = clock and clock()
for k = 0, steps - 1 do
  losses[k + 1] = step(k)
end
return {initial = initial, losses = losses, seconds = start and (clock() - start)}

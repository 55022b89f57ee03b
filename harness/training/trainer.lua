-- The Lua port training a task, the twin of harness/training/trainer.py.
--
-- Run by LuaEngine.run_file with `mg` (the port's public API) and `clock`
-- (os.clock) in scope, or by harness/bench/lua/standalone.lua outside lupa.
-- Arguments: the task (Task.to_plain()), the number of steps, and the mode:
--   "record"  train and return the losses, accuracies and the parameters
--             before and after (what the companion compares);
--   "time"    train and return the losses and the CPU seconds of the steps,
--             timed with clock() around the loop (what the benchmark times);
--   "collect" only a full garbage collection, untimed, so one run's garbage
--             is not charged to the next.
-- The network comes from the task's seed (the same weights as python_ref's,
-- by the shared PRNG) and the loss graph is trainer.py's, node for node:
-- fused dot neurons, Value.sum for the sums, so gradients accumulate in the
-- same order.
local task, steps, mode = ...

if mode == "collect" then
  collectgarbage("collect")
  return {}
end

local Value = mg.Value
local model = mg.MLP(task.nin, task.nouts, {
  seed = task.seed, nonlin = task.nonlin, last_nonlin = task.last_nonlin,
  random_bias = task.random_bias,
})
local xs, ys, n = task.xs, task.ys, #task.xs

-- The loss node and the score node of each sample.
local function forward()
  local scores = {}
  for i = 1, n do
    local x = {}
    for j = 1, #xs[i] do
      x[j] = Value(xs[i][j])
    end
    scores[i] = model(x)
  end
  if task.loss == "svm" then
    local margins = {}
    for i = 1, n do
      margins[i] = (1 - ys[i] * scores[i]):relu()
    end
    local params = model:parameters()
    local squares = {}
    for i = 1, #params do
      squares[i] = params[i] * params[i]
    end
    return Value.sum(margins) / n + task.alpha * Value.sum(squares), scores
  end
  local errors = {}
  for i = 1, n do
    errors[i] = (scores[i] - ys[i]) ^ 2
  end
  return Value.sum(errors), scores
end

local function learn(total, k)
  model:zero_grad()
  total:backward()
  local lr = task.lr_start - task.lr_drop * k / 100  -- Task.learning_rate
  local params = model:parameters()
  for i = 1, #params do
    params[i].data = params[i].data - lr * params[i].grad
  end
end

local function signs_right(scores)
  local right = 0
  for i = 1, n do
    if (ys[i] > 0) == (scores[i].data > 0) then
      right = right + 1
    end
  end
  return right / n
end

local initial = model:parameter_values()
local losses, accuracies = {}, {}
local record = mode == "record"
local start = clock()
for k = 0, steps - 1 do
  local total, scores = forward()
  learn(total, k)
  losses[k + 1] = total.data
  if record then
    accuracies[k + 1] = signs_right(scores)
  end
end
local seconds = clock() - start

if record then
  return {losses = losses, accuracies = accuracies, initial = initial,
          final = model:parameter_values()}
end
return {initial = initial, losses = losses, seconds = seconds}

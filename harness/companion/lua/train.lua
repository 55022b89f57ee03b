-- Training parity, the Lua side of harness/companion/training.py.
--
-- Run by LuaEngine.run_file with `mg` (the port's public API) in scope and
-- one argument, the task (Task.to_plain()).  It builds the network from the
-- task's seed (the same weights as python_ref's, by the shared PRNG), builds
-- the loss graph node for node as training.python_loss does (so gradients
-- accumulate in the same order), and returns the per-step losses and
-- accuracies and the parameters before and after training.
local task = ...
local Value = mg.Value

local model = mg.MLP(task.nin, task.nouts, {
  seed = task.seed, nonlin = task.nonlin, last_nonlin = task.last_nonlin,
  random_bias = task.random_bias,
})
local n = #task.xs

local function loss()
  local scores = {}
  for i = 1, n do
    local x = {}
    for j = 1, #task.xs[i] do
      x[j] = Value(task.xs[i][j])
    end
    scores[i] = model(x)
  end
  local total
  if task.loss == "svm" then
    local margins = {}
    for i = 1, n do
      margins[i] = (1 - task.ys[i] * scores[i]):relu()
    end
    local data_loss = Value.sum(margins) / n
    local squares = {}
    local params = model:parameters()
    for i = 1, #params do
      squares[i] = params[i] * params[i]
    end
    total = data_loss + task.alpha * Value.sum(squares)
  else
    local errors = {}
    for i = 1, n do
      errors[i] = (scores[i] - task.ys[i]) ^ 2
    end
    total = Value.sum(errors)
  end
  local right = 0
  for i = 1, n do
    if (task.ys[i] > 0) == (scores[i].data > 0) then
      right = right + 1
    end
  end
  return total, right / n
end

local losses, accuracies = {}, {}
local initial = model:parameter_values()
for k = 0, task.steps - 1 do
  local total, accuracy = loss()
  model:zero_grad()
  total:backward()
  losses[k + 1] = total.data
  accuracies[k + 1] = accuracy
  local lr = task.lr_start - task.lr_drop * k / 100
  local params = model:parameters()
  for i = 1, #params do
    params[i].data = params[i].data - lr * params[i].grad
  end
end

return {losses = losses, accuracies = accuracies, initial = initial,
        final = model:parameter_values()}

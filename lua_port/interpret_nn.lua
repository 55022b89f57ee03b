-- The nn half (harness/nn/request.py): run a request on any port's own MLP,
-- through the functions its manifest's [nn] and [ops] expressions compiled
-- to (harness/engines/lua_chunks.py), as interpret_port.lua runs a program.
--
-- make(port) returns run(request), where port is {new = f, data = f, grad =
-- f, backward = f, ops = {add = f, ...}, nn = {mlp = f, parameters = f,
-- call = f, zero_grad = f, set_data = f}} and request is the plain table of
-- MlpRequest.to_plain().  The loop is micrograd's demo: build the MLP, set
-- its parameters, then for each pass the forward on every row, the loss,
-- zero_grad, backward; between passes p.data = p.data - rate * p.grad.
-- run returns two arrays: the loss after each pass and every parameter's
-- gradient after each pass; when the port raises, nil, the phase it raised
-- in and its message.
local pcall, type, tostring, error, getmetatable = pcall, type, tostring, error, getmetatable
local collectgarbage, format = collectgarbage, string.format

local function a_number(x, what)
  if type(x) ~= "number" then
    error(what .. " is a " .. type(x) .. ", not a number", 0)
  end
  return x
end

-- An MLP returns one Value for one output (micrograd's Layer does) or an
-- array: a plain table (no metatable) is the array.
local function outputs(result)
  if type(result) == "table" and getmetatable(result) == nil then
    return result
  end
  return {result}
end

return function(port)
  local new, data_of, grad_of, backward, ops, nn =
    port.new, port.data, port.grad, port.backward, port.ops, port.nn

  local function run_loss(nodes, steps)
    for s = 1, #steps do
      local out, op, args = steps[s][1], steps[s][2], steps[s][3]
      local a, b = args[1], args[2]
      if type(a) == "string" then a = nodes[a] end
      if type(b) == "string" then b = nodes[b] end
      nodes[out] = ops[op](a, b)
    end
  end

  local function parameters(model, count)
    local params = nn.parameters(model)
    if #params ~= count then
      error(format("parameters() gives %d Values; the MLP has %d parameters", #params, count), 0)
    end
    return params
  end

  local function run(request, at)
    local sizes, nouts = request.sizes, {}
    for i = 2, #sizes do
      nouts[i - 1] = sizes[i]
    end
    local hidden, last = request.activations:match("^(%a+)%-(%a+)$")
    local given, count = request.parameters, #request.parameters
    at.phase = "mlp"
    local model = nn.mlp(sizes[1], nouts, hidden, last)
    at.phase = "parameters"
    local params = parameters(model, count)
    at.phase = "set_data"
    for k = 1, count do
      nn.set_data(params[k], given[k])
    end
    local losses, gradients, rate = {}, {}, request.learning_rate
    for pass = 1, request.steps + 1 do
      if pass > 1 then
        at.phase = "the SGD step"
        params = parameters(model, count)
        for k = 1, count do
          nn.set_data(params[k], data_of(params[k]) - rate * grad_of(params[k]))
        end
      end
      at.phase = "call"
      local nodes = {}
      for i = 1, #request.inputs do
        local row, xs = request.inputs[i], {}
        for j = 1, #row do
          xs[j] = new(row[j])
        end
        local outs = outputs(nn.call(model, xs))
        for j = 1, #outs do
          nodes["out" .. (i - 1) .. "_" .. (j - 1)] = outs[j]
        end
      end
      params = parameters(model, count)
      for k = 1, count do
        nodes["p" .. (k - 1)] = params[k]
      end
      at.phase = "loss"
      run_loss(nodes, request.loss.steps)
      local loss = nodes[request.loss.output]
      at.phase = "zero_grad"
      nn.zero_grad(model)
      at.phase = "backward"
      backward(loss)
      at.phase = "data"
      losses[pass] = a_number(data_of(loss), "the loss's data")
      local grads = {}
      at.phase = "grad"
      for k = 1, count do
        grads[k] = a_number(grad_of(params[k]), "a parameter's grad")
      end
      gradients[pass] = grads
    end
    return losses, gradients
  end

  return function(request)
    local at = {phase = "mlp"}
    local ok, losses, gradients = pcall(run, request, at)
    if not ok then
      collectgarbage("collect")  -- the graphs are garbage: free them before the answer
      return nil, at.phase, tostring(losses)
    end
    return losses, gradients
  end
end

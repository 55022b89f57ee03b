-- Speak the port protocol (docs/protocol.md) for a Lua port of micrograd
-- under a stand-alone interpreter (lua5.1, lua5.4, luajit...):
--
--   lua5.4 lua_driver.lua PORT_ROOT
--
-- PORT_ROOT (default ".") goes first on package.path, so require() finds the
-- port's modules there.  To check your own Lua port, copy this file and edit
-- the part between the two rulers: how to load the port, make a Value, read
-- data and grad, run backward, and reach the ops.  An op is reached by its
-- name, so the driver needs no list of them: a program that needs an op the
-- port lacks (no such method) is answered "unsupported", and the hello lists
-- no ops (the harness asks for each).  Errors the port raises are answered
-- "error" with its message.  The nn half (an "mlp" request) reaches the
-- port's MLP through the functions of the part to edit; set mlp to nil for
-- a port without one.  JSON is read with dkjson (Debian: lua-dkjson;
-- LuaRocks: dkjson); numbers are written here with %.17g, which reads back as
-- the same double.

local root = arg[1] or "."
package.path = root .. "/?.lua;" .. root .. "/?/init.lua;" .. package.path

-- == how to reach the port: edit this part ====================================
local PORT_NAME = "lua_port (micrograd-parity-lab)"
local Value = require("micrograd").Value

local function new(x) return Value(x) end
local function data(v) return v.data end
local function grad(v) return v.grad end
local function backward(v) v:backward() end

-- A binary op, and neg, is its Lua operator; a number may stand on either
-- side (2 * v), as a user writes it.
local OPERATORS = {
  add = function(a, b) return a + b end,
  sub = function(a, b) return a - b end,
  mul = function(a, b) return a * b end,
  div = function(a, b) return a / b end,
  pow = function(a, b) return a ^ b end,
  neg = function(x) return -x end,
}
-- "number-exponent" where the port's ^ takes a number exponent only (as
-- micrograd's **): the harness then sends no program with a Value exponent.
local POW = "any"
-- Every other unary op is the Value's method of its name (v:tanh()), or of
-- the name given here, e.g. {tanh = "my_tanh"}.
local RENAMED = {}
-- The fused nodes, nil where the port has none (the harness then writes them
-- with + and *): start + v1 + ... + vn; start + w1*x1 + ... + wn*xn.
local sum = Value.sum and function(start, values) return Value.sum(values, start) end
local dot = Value.dot and function(start, ws, xs) return Value.dot(ws, xs, start) end

-- The nn half: the kinds of MLP the port builds (HIDDEN-LAST activations),
-- how to make one, and its parameters, forward, zero_grad and a Value's data.
local NN_KINDS = {"relu-linear", "tanh-tanh"}
local MLP = require("micrograd").MLP
local function mlp(nin, nouts, hidden, last)
  return MLP(nin, nouts, {nonlin = hidden, last_nonlin = last})
end
local function parameters(m) return m:parameters() end
local function call(m, xs) return m(xs) end
local function zero_grad(m) m:zero_grad() end
local function set_data(v, x) v.data = x end
-- == end of the part to edit ==================================================

local ok, json = pcall(require, "dkjson")
if not ok then
  io.stderr:write("lua_driver: the JSON module dkjson is missing (Debian: apt-get install lua-dkjson)\n")
  os.exit(2)
end
local with_lpeg, lpeg_json = pcall(json.use_lpeg)   -- twice as fast where lpeg is installed
if with_lpeg then
  json = lpeg_json
end

-- The protocol owns stdout: whatever the port prints goes to stderr.
local protocol_out = io.stdout
io.output(io.stderr)
print = function(...)
  local parts = {}
  for i = 1, select("#", ...) do
    parts[i] = tostring((select(i, ...)))
  end
  io.stderr:write(table.concat(parts, "\t"), "\n")
end

local format, concat, huge = string.format, table.concat, math.huge
local math_type = math.type   -- nil before Lua 5.3
local NAN = math.abs(0 / 0)   -- fabs clears the sign bit x86 sets on 0/0
local NEG_ZERO = -1 / huge
local NUMBER_STRINGS = {inf = huge, ["-inf"] = -huge, nan = NAN, ["-0.0"] = NEG_ZERO}

-- A request's number: 3 arrives as a Lua integer on 5.3+ (integers: true), 3.0 as a float.
local function number(x)
  if type(x) == "string" then
    return NUMBER_STRINGS[x]
  end
  return x
end

local function wire(x, what)
  if type(x) ~= "number" then
    error(what .. " is " .. tostring(x) .. ", not a number", 0)
  end
  if x ~= x then
    return '"nan"'
  elseif x == huge then
    return '"inf"'
  elseif x == -huge then
    return '"-inf"'
  elseif math_type and math_type(x) == "integer" then
    return format("%d", x)
  elseif x == 0 and 1 / x < 0 then
    return '"-0.0"'
  end
  return format("%.17g", x)
end

-- Raised, not returned: answer() turns it into an "unsupported" reply.
local function unsupported(op)
  error({unsupported = op}, 0)
end

-- A program's steps run on nodes ({id = Value}), each new node appended to order.
local function run_steps(nodes, steps, order)
  for _, step in ipairs(steps) do
    local out, op, args = step[1], step[2], step[3]
    local values = {}
    for i, a in ipairs(args) do
      if type(a) == "string" and NUMBER_STRINGS[a] == nil then
        values[i] = nodes[a]
      else
        values[i] = number(a)
      end
    end
    local v
    if op == "sum" then
      local rest = {}
      for i = 2, #values do
        rest[i - 1] = values[i]
      end
      v = (sum or unsupported(op))(values[1], rest)
    elseif op == "dot" then
      local n, ws, xs = (#values - 1) / 2, {}, {}
      for i = 1, n do
        ws[i], xs[i] = values[1 + i], values[1 + n + i]
      end
      v = (dot or unsupported(op))(values[1], ws, xs)
    elseif OPERATORS[op] then
      v = OPERATORS[op](values[1], values[2])
    else
      local x = values[1]
      local method = x[RENAMED[op] or op]
      if type(method) ~= "function" then
        unsupported(op)
      end
      v = method(x)
    end
    nodes[out] = v
    order[#order + 1] = v
  end
end

local function run(request)
  local nodes, order = {}, {}
  for _, input in ipairs(request.inputs) do
    local v = new(number(input[2]))
    nodes[input[1]] = v
    order[#order + 1] = v
  end
  run_steps(nodes, request.steps, order)
  for _ = 1, request.backward_calls or 1 do
    backward(nodes[request.output])
  end
  local pairs_out = {}
  for i, v in ipairs(order) do
    pairs_out[i] = "[" .. wire(data(v), "data") .. "," .. wire(grad(v), "grad") .. "]"
  end
  return concat(pairs_out, ",")
end

-- The nn half: the losses and every parameter's gradients after each pass, as JSON.
local function run_mlp(request)
  local known = false
  for _, kind in ipairs(mlp and NN_KINDS or {}) do
    known = known or kind == request.activations
  end
  if not known then
    unsupported("mlp")
  end
  local sizes, nouts = request.sizes, {}
  for i = 2, #sizes do
    nouts[i - 1] = sizes[i]
  end
  local model = mlp(sizes[1], nouts, request.activations:match("^(%a+)%-(%a+)$"))
  local count = #request.parameters
  local function params()
    local found = parameters(model)
    if #found ~= count then
      error(format("parameters() gives %d Values; the MLP has %d parameters", #found, count), 0)
    end
    return found
  end
  for k, p in ipairs(params()) do
    set_data(p, number(request.parameters[k]))
  end
  local rate, losses, gradients = number(request.learning_rate), {}, {}
  for pass = 1, request.steps + 1 do
    if pass > 1 then   -- micrograd's demo: p.data -= learning_rate * p.grad
      for _, p in ipairs(params()) do
        set_data(p, data(p) - rate * grad(p))
      end
    end
    local nodes = {}
    for i, row in ipairs(request.inputs) do
      local xs = {}
      for j, x in ipairs(row) do
        xs[j] = new(number(x))
      end
      local outs = call(model, xs)
      outs = (type(outs) == "table" and getmetatable(outs) == nil) and outs or {outs}
      for j, v in ipairs(outs) do
        nodes["out" .. (i - 1) .. "_" .. (j - 1)] = v
      end
    end
    for k, p in ipairs(params()) do
      nodes["p" .. (k - 1)] = p
    end
    run_steps(nodes, request.loss.steps, {})
    local loss = nodes[request.loss.output]
    zero_grad(model)
    backward(loss)
    losses[pass] = wire(data(loss), "the loss's data")
    local grads = {}
    for k, p in ipairs(params()) do
      grads[k] = wire(grad(p), "a parameter's grad")
    end
    gradients[pass] = "[" .. concat(grads, ",") .. "]"
  end
  return '"losses":[' .. concat(losses, ",") .. '],"gradients":[' .. concat(gradients, ",") .. "]"
end

local function answer(request)
  local head = '{"kind":"%s","id":' .. format("%d", request.id)
  local is_mlp = request.kind == "mlp"
  local done, body = pcall(is_mlp and run_mlp or run, request)
  if not done and type(body) == "table" and body.unsupported then
    return format(head, "unsupported") .. ',"op":' .. json.encode(body.unsupported) .. "}"
  elseif not done then
    return format(head, "error") .. ',"message":' .. json.encode(tostring(body)) .. "}"
  elseif is_mlp then
    return format(head, "mlp_result") .. "," .. body .. "}"
  end
  return format(head, "result") .. ',"nodes":[' .. body .. "]}"
end

local function send(line)
  protocol_out:write(line, "\n")
  protocol_out:flush()
end

send(json.encode({kind = "hello", protocol = 1, name = PORT_NAME, language = "lua",
                  version = jit and jit.version or _VERSION, nn = mlp and NN_KINDS or nil,
                  pow = POW ~= "any" and POW or nil}))
for line in io.lines() do
  send(answer(json.decode(line)))
end

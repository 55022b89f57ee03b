-- Run a Program (harness/program.py, in its plain form to_plain()) on the
-- Lua port through its public API: harness/interpret.py's loop in Lua.
--
--   program = {inputs = {{id, value}, ...},
--              steps = {{out, op, {{kind, value}, ...}}, ...},  -- kind: "node" or "num"
--              output = id}
--
-- interpret(program) runs forward and backward and returns three arrays in
-- program order (inputs first, then each step): ids, data, grads.
-- Operators with a number on one side go through the metamethods (2 * v),
-- so the port is tested exactly as a user would call it.
local mg = require("micrograd")
local Value = mg.Value

local error, tostring, type = error, tostring, type

local BINARY = {
  add = function(a, b) return a + b end,
  sub = function(a, b) return a - b end,
  mul = function(a, b) return a * b end,
  div = function(a, b) return a / b end,
  pow = function(a, b) return a ^ b end,
}

local UNARY = {
  neg = function(x) return -x end,
  relu = function(x) return x:relu() end,
  tanh = function(x) return x:tanh() end,
  exp = function(x) return x:exp() end,
  log = function(x) return x:log() end,
  sigmoid = function(x) return x:sigmoid() end,
}

-- sum: {start, v1..vn}; dot: {start, w1..wn, x1..xn}
local function nary(op, args)
  local start, rest = args[1], {}
  for i = 2, #args do
    rest[i - 1] = args[i]
  end
  if op == "sum" then
    return Value.sum(rest, start)
  end
  local n = #rest / 2
  local ws, xs = {}, {}
  for i = 1, n do
    ws[i] = rest[i]
    xs[i] = rest[n + i]
  end
  return Value.dot(ws, xs, start)
end

local function apply(step, args)
  local out_id, op = step[1], step[2]
  local out
  if BINARY[op] then
    if #args ~= 2 then
      error("step " .. tostring(out_id) .. ": " .. op .. " takes 2 arguments, got " .. #args, 0)
    end
    out = BINARY[op](args[1], args[2])
  elseif UNARY[op] then
    if #args ~= 1 then
      error("step " .. tostring(out_id) .. ": " .. op .. " takes 1 argument, got " .. #args, 0)
    end
    out = UNARY[op](args[1])
  elseif op == "sum" or op == "dot" then
    if op == "dot" and #args % 2 ~= 1 then
      error("step " .. tostring(out_id) .. ": dot needs a start and two lists of the same length", 0)
    end
    out = nary(op, args)
  else
    error("step " .. tostring(out_id) .. ": unknown op " .. tostring(op), 0)
  end
  if not Value.is_value(out) then
    error("step " .. tostring(out_id) .. ": " .. op .. " of numbers only makes no node", 0)
  end
  return out
end

local function interpret(program)
  local nodes, ids = {}, {}
  for i = 1, #program.inputs do
    local input = program.inputs[i]
    nodes[input[1]] = Value(input[2], nil, nil, input[1])
    ids[#ids + 1] = input[1]
  end
  for s = 1, #program.steps do
    local step = program.steps[s]
    local args = {}
    for i = 1, #step[3] do
      local kind, value = step[3][i][1], step[3][i][2]
      if kind == "node" then
        args[i] = nodes[value]
        if args[i] == nil then
          error("step " .. tostring(step[1]) .. ": unknown node " .. tostring(value), 0)
        end
      elseif kind == "num" and type(value) == "number" then
        args[i] = value * 1.0
      else
        error("step " .. tostring(step[1]) .. ": bad argument kind " .. tostring(kind), 0)
      end
    end
    local out = apply(step, args)
    out.label = step[1]
    nodes[step[1]] = out
    ids[#ids + 1] = step[1]
  end
  local output = nodes[program.output]
  if output == nil then
    error("unknown output node " .. tostring(program.output), 0)
  end
  output:backward()
  local data, grads = {}, {}
  for i = 1, #ids do
    data[i] = nodes[ids[i]].data
    grads[i] = nodes[ids[i]].grad
  end
  return ids, data, grads
end

return interpret

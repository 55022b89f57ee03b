-- Run a Program (harness/program.py) on the Lua port through its public API:
-- harness/interpret.py's loop in Lua.
--
-- The program arrives in the flat wire format that lua_port/wire.py
-- describes and writes (arrays of input values, step ops, argument places
-- and constants): a 100,000-step program crosses from Python in
-- milliseconds, where 100,000 nested tables took a second.
--
-- interpret(program) runs forward and backward and returns two arrays in
-- program order (inputs first, then each step): data, grads.
-- Operators with a number on one side go through the metamethods (2 * v),
-- so the port is tested exactly as a user would call it.
local mg = require("micrograd")
local Value = mg.Value

local error, tostring, type = error, tostring, type

-- A binary op, and neg, is its Lua operator (a program's ** is Lua's ^);
-- sum and dot are Value's fused nodes; every other op is the Value's method
-- of its name (tanh: x:tanh()).  tests/test_ops_table.py holds these tables
-- to harness/ops.py.
local BINARY = {
  add = function(a, b) return a + b end,
  sub = function(a, b) return a - b end,
  mul = function(a, b) return a * b end,
  div = function(a, b) return a / b end,
  pow = function(a, b) return a ^ b end,
}

local UNARY = {
  neg = function(x) return -x end,
}

local NARY = {sum = true, dot = true}

local function fail(out_id, message)
  error("step " .. tostring(out_id) .. ": " .. message, 0)
end

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

local function interpret(program)
  local input_ids, input_values = program.input_ids, program.input_values
  local step_ids, step_ops, step_nargs = program.step_ids, program.step_ops, program.step_nargs
  local arg_refs, arg_nums = program.arg_refs, program.arg_nums
  local nodes = {}
  local n_inputs, n_steps = #input_ids, #step_ids
  local order = {}  -- the node of each id in program order
  for i = 1, n_inputs do
    local node = Value(input_values[i], nil, nil, input_ids[i])
    nodes[input_ids[i]] = node
    order[i] = node
  end

  -- argument k: a node made earlier, or a float constant
  local function arg(k, out_id)
    local ref = arg_refs[k]
    if ref == 0 then
      return arg_nums[k] * 1.0
    end
    local node = order[ref]
    if node == nil then
      fail(out_id, "unknown node at place " .. tostring(ref))
    end
    return node
  end

  local k = 0  -- the last argument used
  for s = 1, n_steps do
    local out_id, op, nargs = step_ids[s], step_ops[s], step_nargs[s]
    local out
    if BINARY[op] then
      if nargs ~= 2 then
        fail(out_id, op .. " takes 2 arguments, got " .. nargs)
      end
      out = BINARY[op](arg(k + 1, out_id), arg(k + 2, out_id))
    elseif NARY[op] then
      if op == "dot" and nargs % 2 ~= 1 then
        fail(out_id, "dot needs a start and two lists of the same length")
      end
      local args = {}
      for i = 1, nargs do
        args[i] = arg(k + i, out_id)
      end
      out = nary(op, args)
    else
      local unary = UNARY[op] or Value[op]
      if type(unary) ~= "function" then
        fail(out_id, "unknown op " .. tostring(op))
      end
      if nargs ~= 1 then
        fail(out_id, op .. " takes 1 argument, got " .. nargs)
      end
      out = unary(arg(k + 1, out_id))
    end
    k = k + nargs
    if not Value.is_value(out) then
      fail(out_id, op .. " of numbers only makes no node")
    end
    out.label = out_id
    nodes[out_id] = out
    order[n_inputs + s] = out
  end
  local output = nodes[program.output]
  if output == nil then
    error("unknown output node " .. tostring(program.output), 0)
  end
  output:backward()
  local data, grads = {}, {}
  for i = 1, #order do
    data[i] = order[i].data
    grads[i] = order[i].grad
  end
  return data, grads
end

return interpret

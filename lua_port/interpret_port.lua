-- Run a Program on any micrograd port, through the functions its manifest's
-- expressions compiled to (harness/check/lua_chunks.py): interpret.lua's
-- loop, with every call into the port's API made through them.
--
-- The program arrives in the flat wire format (lua_port/wire.py) plus one
-- flag, program.integers: on Lua 5.3+ integral inputs and constants then
-- reach the port as integers (math.tointeger), as a user writing Value(3)
-- gives them; elsewhere, and without the flag, as floats.
--
-- make(port) returns interpret(program), where port is
-- {new = f, data = f, grad = f, backward = f, ops = {add = f, ...}, mark = f};
-- mark (optional) is told each phase as it starts ("forward", "backward",
-- "data"), so that a program stopped by its time limit can say where it was.
-- interpret returns data, grads: two arrays in program order.  When the port
-- raises, it returns nil, then where ("input", "step", "backward", "data" or
-- "grad"), the input's or step's index, and the error message.
local pcall, type, tostring, error, collectgarbage = pcall, type, tostring, error, collectgarbage
local tointeger = math.tointeger  -- nil before Lua 5.3

local function number(x, integers)
  if integers and tointeger and not (x == 0 and 1 / x < 0) then  -- -0.0 stays a float
    return tointeger(x) or x
  end
  return x * 1.0
end

local function a_number(x, what)
  if type(x) ~= "number" then
    error(what .. " is a " .. type(x) .. ", not a number", 0)
  end
  return x
end

return function(port)
  local new, data_of, grad_of, backward = port.new, port.data, port.grad, port.backward
  local ops = port.ops
  local mark = port.mark or function() end

  local function run(program, at)
    local integers = program.integers
    local input_values, step_ops, step_nargs = program.input_values, program.step_ops, program.step_nargs
    local arg_refs, arg_nums = program.arg_refs, program.arg_nums
    local n_inputs, n_steps = #input_values, #step_ops
    local order = {}  -- every node in program order: inputs, then the steps

    mark("forward")
    at.phase = "input"
    for i = 1, n_inputs do
      at.index = i
      order[i] = new(number(input_values[i], integers))
    end

    -- argument k: a node made earlier (its place in order), or a number
    local function arg(k)
      local ref = arg_refs[k]
      if ref == 0 then
        return number(arg_nums[k], integers)
      end
      return order[ref]
    end

    at.phase = "step"
    local k = 0  -- the last argument used
    for s = 1, n_steps do
      at.index = s
      local op, nargs = step_ops[s], step_nargs[s]
      local f = ops[op]
      if f == nil then
        error("the port has no op " .. tostring(op), 0)
      end
      local out
      if nargs == 1 then
        out = f(arg(k + 1))
      elseif op == "sum" then
        local vs = {}
        for i = 2, nargs do
          vs[i - 1] = arg(k + i)
        end
        out = f(arg(k + 1), vs)
      elseif op == "dot" then
        local n = (nargs - 1) / 2
        local ws, xs = {}, {}
        for i = 1, n do
          ws[i] = arg(k + 1 + i)
          xs[i] = arg(k + 1 + n + i)
        end
        out = f(arg(k + 1), ws, xs)
      else
        out = f(arg(k + 1), arg(k + 2))
      end
      k = k + nargs
      order[n_inputs + s] = out
    end

    at.phase, at.index = "backward", 0
    mark("backward")
    local output = order[program.output_place]
    if output == nil then
      error("unknown output node " .. tostring(program.output), 0)
    end
    backward(output)

    local data, grads = {}, {}
    mark("data")
    at.phase = "data"
    for i = 1, #order do
      at.index = i
      data[i] = a_number(data_of(order[i]), "its data")
    end
    at.phase = "grad"
    for i = 1, #order do
      at.index = i
      grads[i] = a_number(grad_of(order[i]), "its grad")
    end
    return data, grads
  end

  return function(program)
    local at = {phase = "input", index = 0}
    local ok, data, grads = pcall(run, program, at)
    if not ok then
      -- the failed program's graph is garbage now: free it before lupa
      -- allocates the answer (past a memory cap it would otherwise abort)
      collectgarbage("collect")
      return nil, at.phase, at.index, tostring(data)
    end
    return data, grads
  end
end

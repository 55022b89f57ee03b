-- A test port built on a class library in a lib/ folder, required the way
-- many Lua projects write it: require("lib/class") (a path with "/", which
-- Lua's package.path resolves as ?.lua does) and require("lib/graph")
-- (lib/graph/init.lua).  Right where it has an op (+ - * / ** unary minus
-- and relu), and it prints one line when loaded.
-- API: Value(x), v.data, v.grad, v:backward().
local class = require("lib/class")
local graph = require("lib/graph")

local Node = class("Node")

function Node:init(children)
  self.children = children or {}
end

local Value = class("Value", Node)

function Value:init(data, children, step)
  Node.init(self, children)
  self.data, self.grad, self.step = data * 1.0, 0.0, step
end

local function lift(x)
  if type(x) == "number" then return Value(x) end
  return x
end

local function binary(forward, local_grads)
  return function(a, b)
    a, b = lift(a), lift(b)
    local out
    out = Value(forward(a.data, b.data), {a, b}, function()
      local da, db = local_grads(a.data, b.data, out.data)
      a.grad = a.grad + da * out.grad
      b.grad = b.grad + db * out.grad
    end)
    return out
  end
end

Value.__add = binary(function(x, y) return x + y end, function() return 1, 1 end)
Value.__sub = binary(function(x, y) return x - y end, function() return 1, -1 end)
Value.__mul = binary(function(x, y) return x * y end, function(x, y) return y, x end)
Value.__div = binary(function(x, y) return x / y end,
                     function(_, y, q) return 1 / y, -(q / y) end)

Value.__pow = binary(function(x, y) return x ^ y end, function(x, y, p)
  return y * x ^ (y - 1), x > 0 and p * math.log(x) or 0 / 0
end)

function Value.__unm(a)
  local out
  out = Value(-a.data, {a}, function()
    a.grad = a.grad - out.grad
  end)
  return out
end

function Value:relu()
  local out
  out = Value(self.data < 0 and 0.0 or self.data, {self}, function()
    if out.data > 0 then self.grad = self.grad + out.grad end
  end)
  return out
end

function Value:backward()
  local order = graph.order(self)
  self.grad = 1.0
  for i = #order, 1, -1 do
    if order[i].step then order[i].step() end
  end
end

print("classes: loaded value.lua")
return Value

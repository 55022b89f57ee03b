-- A test port with one classic bug: backward has no topological order.  It
-- sets the output's gradient to 1 and recurses: each node runs its own
-- step, then asks each child to do the same.  A node reached by several
-- paths runs its step once per path, each time passing on all the gradient
-- it has gathered so far, so gradients are multiplied, and x = x + x a
-- thousand times (2^1000 paths) never ends.  The rest is right.
-- API: Value(x), v.data, v.grad, v:backward(); operators with a number on
-- either side; v:relu().  No tanh, exp, log or sigmoid.

local Value = {}
Value.__index = Value

local function leaf(x)
  return setmetatable({data = x * 1.0, grad = 0.0, prev = {}}, Value)
end

local function lift(x)
  if getmetatable(x) == Value then
    return x
  end
  return leaf(x)
end

local function node(data, prev)
  return setmetatable({data = data, grad = 0.0, prev = prev}, Value)
end

function Value.__add(a, b)
  a, b = lift(a), lift(b)
  local out = node(a.data + b.data, {a, b})
  out.step = function()
    a.grad = a.grad + out.grad
    b.grad = b.grad + out.grad
  end
  return out
end

function Value.__sub(a, b)
  a, b = lift(a), lift(b)
  local out = node(a.data - b.data, {a, b})
  out.step = function()
    a.grad = a.grad + out.grad
    b.grad = b.grad - out.grad
  end
  return out
end

function Value.__mul(a, b)
  a, b = lift(a), lift(b)
  local out = node(a.data * b.data, {a, b})
  out.step = function()
    a.grad = a.grad + b.data * out.grad
    b.grad = b.grad + a.data * out.grad
  end
  return out
end

function Value.__div(a, b)
  a, b = lift(a), lift(b)
  local out = node(a.data / b.data, {a, b})
  out.step = function()
    a.grad = a.grad + out.grad / b.data
    b.grad = b.grad - out.grad * (out.data / b.data)
  end
  return out
end

function Value.__pow(a, b)
  a, b = lift(a), lift(b)
  local out = node(a.data ^ b.data, {a, b})
  out.step = function()
    if b.data ~= 0 then
      a.grad = a.grad + b.data * a.data ^ (b.data - 1) * out.grad
    end
    if a.data ~= 0 then
      b.grad = b.grad + out.data * math.log(a.data) * out.grad
    end
  end
  return out
end

function Value.__unm(a)
  local out = node(-a.data, {a})
  out.step = function()
    a.grad = a.grad - out.grad
  end
  return out
end

function Value:relu()
  local out = node(self.data > 0 and self.data or 0.0, {self})
  out.step = function()
    if out.data > 0 then
      self.grad = self.grad + out.grad
    end
  end
  return out
end

-- the bug: no sort; a node's step runs each time a path reaches it
local function propagate(v)
  if v.step then
    v.step()
  end
  for _, child in ipairs(v.prev) do
    propagate(child)
  end
end

function Value:backward()
  self.grad = 1.0
  propagate(self)
end

return setmetatable(Value, {__call = function(_, x) return leaf(x) end})

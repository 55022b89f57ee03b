-- A test port with one classic bug: division's backward writes the slope
-- in the denominator as the textbook -a/b^2.  b^2 overflows to inf (or
-- underflows to 0) long before a/b does: a = b = 1e200 gives the slope -0
-- where -(a/b)/b is -1e-200.  The rest is right.
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

local function node(data, prev, step)
  return setmetatable({data = data, grad = 0.0, prev = prev, step = step}, Value)
end

function Value.__add(a, b)
  a, b = lift(a), lift(b)
  local out
  out = node(a.data + b.data, {a, b}, function()
    a.grad = a.grad + out.grad
    b.grad = b.grad + out.grad
  end)
  return out
end

function Value.__sub(a, b)
  a, b = lift(a), lift(b)
  local out
  out = node(a.data - b.data, {a, b}, function()
    a.grad = a.grad + out.grad
    b.grad = b.grad - out.grad
  end)
  return out
end

function Value.__mul(a, b)
  a, b = lift(a), lift(b)
  local out
  out = node(a.data * b.data, {a, b}, function()
    a.grad = a.grad + b.data * out.grad
    b.grad = b.grad + a.data * out.grad
  end)
  return out
end

function Value.__div(a, b)
  a, b = lift(a), lift(b)
  local out
  out = node(a.data / b.data, {a, b}, function()
    a.grad = a.grad + out.grad / b.data
    -- the bug: d(a/b)/db = -a/b^2, and b^2 overflows
    b.grad = b.grad + (-a.data / b.data ^ 2) * out.grad
  end)
  return out
end

function Value.__pow(a, b)
  a, b = lift(a), lift(b)
  local out
  out = node(a.data ^ b.data, {a, b}, function()
    if b.data ~= 0 then
      a.grad = a.grad + b.data * a.data ^ (b.data - 1) * out.grad
    end
    if a.data ~= 0 then
      b.grad = b.grad + out.data * math.log(a.data) * out.grad
    end
  end)
  return out
end

function Value.__unm(a)
  local out
  out = node(-a.data, {a}, function()
    a.grad = a.grad - out.grad
  end)
  return out
end

function Value:relu()
  local out
  out = node(self.data > 0 and self.data or 0.0, {self}, function()
    if out.data > 0 then
      self.grad = self.grad + out.grad
    end
  end)
  return out
end

function Value:backward()
  local order, seen = {}, {}
  local stack = {{self, 1}}
  seen[self] = true
  while #stack > 0 do
    local top = stack[#stack]
    local v, i = top[1], top[2]
    if i <= #v.prev then
      top[2] = i + 1
      local child = v.prev[i]
      if not seen[child] then
        seen[child] = true
        stack[#stack + 1] = {child, 1}
      end
    else
      order[#order + 1] = v
      stack[#stack] = nil
    end
  end
  self.grad = 1.0
  for k = #order, 1, -1 do
    if order[k].step then
      order[k].step()
    end
  end
end

return setmetatable(Value, {__call = function(_, x) return leaf(x) end})

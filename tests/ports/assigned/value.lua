-- A test port with one classic bug: every backward step ASSIGNS the
-- gradient (grad = ...) instead of adding to it, so a node used more than
-- once keeps only its last contribution (b = a + a gives a.grad = 1).
-- The rest is right.  API: Value.new(x), v.data, v.grad, v:backward().

local Value = {}
Value.__index = Value

local function is_value(x)
  return getmetatable(x) == Value
end

function Value.new(data, prev)
  return setmetatable({data = data * 1.0, grad = 0.0, _prev = prev or {},
                       _backward = function() end}, Value)
end

local function as_value(x)
  if is_value(x) then
    return x
  end
  return Value.new(x)
end

-- tanh where the runtime lacks one: odd Taylor terms near 0, the exp form
-- away from it (accurate to 2 ulp)
local function portable_tanh(x)
  if x ~= x or x == 0 then
    return x
  end
  local a = math.abs(x)
  local r
  if a < 0.55 then
    local z, cf = a * a, 35.0
    for k = 17, 2, -1 do
      cf = (2 * k - 1) + z / cf
    end
    r = a - a * (z / (cf + z))
  elseif a > 22 then
    r = 1.0
  else
    r = 1 - 2 / (math.exp(a + a) + 1)
  end
  if x < 0 then
    return -r
  end
  return r
end
local tanh = math.tanh or portable_tanh

Value.__add = function(self, other)
  self, other = as_value(self), as_value(other)
  local out = Value.new(self.data + other.data, {self, other})
  out._backward = function()
    self.grad = out.grad
    other.grad = out.grad
  end
  return out
end

Value.__sub = function(self, other)
  self, other = as_value(self), as_value(other)
  local out = Value.new(self.data - other.data, {self, other})
  out._backward = function()
    self.grad = out.grad
    other.grad = -out.grad
  end
  return out
end

Value.__mul = function(self, other)
  self, other = as_value(self), as_value(other)
  local out = Value.new(self.data * other.data, {self, other})
  out._backward = function()
    self.grad = other.data * out.grad
    other.grad = self.data * out.grad
  end
  return out
end

Value.__div = function(self, other)
  self, other = as_value(self), as_value(other)
  local out = Value.new(self.data / other.data, {self, other})
  out._backward = function()
    self.grad = out.grad / other.data
    other.grad = -out.grad * (out.data / other.data)
  end
  return out
end

Value.__pow = function(self, other)
  self = as_value(self)
  if type(other) == "number" then
    local out = Value.new(self.data ^ other, {self})
    out._backward = function()
      self.grad = other * self.data ^ (other - 1) * out.grad
    end
    return out
  end
  local out = Value.new(self.data ^ other.data, {self, other})
  out._backward = function()
    self.grad = other.data * self.data ^ (other.data - 1) * out.grad
    other.grad = out.data * math.log(self.data) * out.grad
  end
  return out
end

Value.__unm = function(self)
  local out = Value.new(-self.data, {self})
  out._backward = function()
    self.grad = -out.grad
  end
  return out
end

function Value:relu()
  local out = Value.new(self.data < 0 and 0.0 or self.data, {self})
  out._backward = function()
    self.grad = (out.data > 0 and 1.0 or 0.0) * out.grad
  end
  return out
end

function Value:tanh()
  local t = tanh(self.data)
  local out = Value.new(t, {self})
  out._backward = function()
    self.grad = (1 - t * t) * out.grad
  end
  return out
end

function Value:exp()
  local out = Value.new(math.exp(self.data), {self})
  out._backward = function()
    self.grad = out.data * out.grad
  end
  return out
end

function Value:log()
  local out = Value.new(math.log(self.data), {self})
  out._backward = function()
    self.grad = out.grad / self.data
  end
  return out
end

function Value:sigmoid()
  local s = 1 / (1 + math.exp(-self.data))
  local out = Value.new(s, {self})
  out._backward = function()
    self.grad = s * (1 - s) * out.grad
  end
  return out
end

function Value:backward()
  -- iterative depth-first post-order, children in argument order
  local topo, visited = {}, {[self] = true}
  local stack = {{self, 1}}
  while #stack > 0 do
    local top = stack[#stack]
    local v, i = top[1], top[2]
    if i <= #v._prev then
      top[2] = i + 1
      local child = v._prev[i]
      if not visited[child] then
        visited[child] = true
        stack[#stack + 1] = {child, 1}
      end
    else
      topo[#topo + 1] = v
      stack[#stack] = nil
    end
  end
  self.grad = 1.0
  for i = #topo, 1, -1 do
    topo[i]._backward()
  end
end

return Value

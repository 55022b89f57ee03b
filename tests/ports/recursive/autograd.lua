-- A test port with one classic bug: the topological sort recurses once per
-- level of the graph, so a long chain overflows the runtime's stack, at a
-- depth of the runtime's own.  The rest is right.
-- API, in the class style of Programming in Lua: Value:new(x), v.data,
-- v.grad, v:backward().

local Value = {}
Value.__index = Value

function Value:new(data, children, backward_fn)
  local o = {data = data * 1.0, grad = 0.0, children = children or {},
             backward_fn = backward_fn}
  return setmetatable(o, self)
end

local function wrap(x)
  if getmetatable(x) == Value then
    return x
  end
  return Value:new(x)
end

local function tanh_series(x)  -- |x| < 0.55: Lambert's continued fraction
  local z, d = x * x, 31.0
  for k = 15, 2, -1 do
    d = (2 * k - 1) + z / d
  end
  return x - x * (z / (d + z))
end

local tanh = math.tanh or function(x)
  if x ~= x or x == 0 then return x end
  local a = x < 0 and -x or x
  local r = a < 0.55 and tanh_series(a) or (a > 22 and 1.0) or 1 - 2 / (math.exp(2 * a) + 1)
  return x < 0 and -r or r
end

function Value.__add(a, b)
  a, b = wrap(a), wrap(b)
  local out
  out = Value:new(a.data + b.data, {a, b}, function()
    a.grad = a.grad + out.grad
    b.grad = b.grad + out.grad
  end)
  return out
end

function Value.__sub(a, b)
  return wrap(a) + (-wrap(b))
end

function Value.__mul(a, b)
  a, b = wrap(a), wrap(b)
  local out
  out = Value:new(a.data * b.data, {a, b}, function()
    a.grad = a.grad + b.data * out.grad
    b.grad = b.grad + a.data * out.grad
  end)
  return out
end

function Value.__div(a, b)
  a, b = wrap(a), wrap(b)
  local out
  out = Value:new(a.data / b.data, {a, b}, function()
    a.grad = a.grad + out.grad / b.data
    b.grad = b.grad - out.grad * (out.data / b.data)
  end)
  return out
end

function Value.__pow(a, b)
  a = wrap(a)
  local out
  if type(b) == "number" then
    out = Value:new(a.data ^ b, {a}, function()
      a.grad = a.grad + b * a.data ^ (b - 1) * out.grad
    end)
  else
    out = Value:new(a.data ^ b.data, {a, b}, function()
      a.grad = a.grad + b.data * a.data ^ (b.data - 1) * out.grad
      b.grad = b.grad + out.data * math.log(a.data) * out.grad
    end)
  end
  return out
end

function Value.__unm(a)
  local out
  out = Value:new(-a.data, {a}, function()
    a.grad = a.grad - out.grad
  end)
  return out
end

function Value:relu()
  local out
  out = Value:new(self.data < 0 and 0.0 or self.data, {self}, function()
    if out.data > 0 then self.grad = self.grad + out.grad end
  end)
  return out
end

function Value:tanh()
  local t = tanh(self.data)
  local out
  out = Value:new(t, {self}, function()
    self.grad = self.grad + (1 - t ^ 2) * out.grad
  end)
  return out
end

function Value:exp()
  local out
  out = Value:new(math.exp(self.data), {self}, function()
    self.grad = self.grad + out.data * out.grad
  end)
  return out
end

function Value:log()
  local out
  out = Value:new(math.log(self.data), {self}, function()
    self.grad = self.grad + out.grad / self.data
  end)
  return out
end

function Value:sigmoid()
  local s = 1 / (1 + math.exp(-self.data))
  local out
  out = Value:new(s, {self}, function()
    self.grad = self.grad + s * (1 - s) * out.grad
  end)
  return out
end

function Value:backward()
  local topo, visited = {}, {}
  local function build(v)
    if visited[v] then return end
    visited[v] = true
    for _, child in ipairs(v.children) do
      build(child)
    end
    topo[#topo + 1] = v
  end
  build(self)
  self.grad = 1.0
  for i = #topo, 1, -1 do
    if topo[i].backward_fn then topo[i].backward_fn() end
  end
end

return Value

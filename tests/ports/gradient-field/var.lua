-- A test port with one classic bug: gradients start as the Lua integer 0
-- and backprop seeds the integer 1, so on Lua 5.3+ a gradient built only by
-- + - and negation stays an integer and wraps at 2^63 (x = x + x, 63 times:
-- a negative gradient; 64 times: 0).  Inputs are kept as given, so an
-- integral input stays an integer too.  Lua 5.1, 5.2 and LuaJIT have only
-- floats: there it is right.
-- API: Var.new(x), v.data, v.gradient, v:backprop().

local Var = {}
Var.__index = Var

function Var.new(data, inputs, chain)
  return setmetatable({data = data, gradient = 0, inputs = inputs or {}, chain = chain}, Var)
end

local function var(x)
  if getmetatable(x) == Var then return x end
  return Var.new(x)
end

local function libm_tanh(x)  -- where the runtime has none
  if x ~= x or x == 0 then return x end
  local a = math.abs(x)
  if a > 22 then return x < 0 and -1.0 or 1.0 end
  local r
  if a < 0.55 then
    local z, d = a * a, 33.0
    for k = 16, 2, -1 do d = (2 * k - 1) + z / d end
    r = a - a * (z / (d + z))
  else
    r = 1 - 2 / (math.exp(2 * a) + 1)
  end
  return x < 0 and -r or r
end
local tanh = math.tanh or libm_tanh

function Var.__add(a, b)
  a, b = var(a), var(b)
  local out
  out = Var.new(a.data + b.data, {a, b}, function()
    a.gradient = a.gradient + out.gradient
    b.gradient = b.gradient + out.gradient
  end)
  return out
end

function Var.__sub(a, b)
  a, b = var(a), var(b)
  local out
  out = Var.new(a.data - b.data, {a, b}, function()
    a.gradient = a.gradient + out.gradient
    b.gradient = b.gradient - out.gradient
  end)
  return out
end

function Var.__mul(a, b)
  a, b = var(a), var(b)
  local out
  out = Var.new(a.data * b.data, {a, b}, function()
    a.gradient = a.gradient + b.data * out.gradient
    b.gradient = b.gradient + a.data * out.gradient
  end)
  return out
end

function Var.__div(a, b)
  a, b = var(a), var(b)
  local out
  out = Var.new(a.data / b.data, {a, b}, function()
    a.gradient = a.gradient + out.gradient / b.data
    b.gradient = b.gradient - out.gradient * (out.data / b.data)
  end)
  return out
end

function Var.__pow(a, b)
  a = var(a)
  local out
  if type(b) == "number" then
    out = Var.new(a.data ^ b, {a}, function()
      a.gradient = a.gradient + b * a.data ^ (b - 1) * out.gradient
    end)
  else
    out = Var.new(a.data ^ b.data, {a, b}, function()
      a.gradient = a.gradient + b.data * a.data ^ (b.data - 1) * out.gradient
      b.gradient = b.gradient + out.data * math.log(a.data) * out.gradient
    end)
  end
  return out
end

function Var.__unm(a)
  local out
  out = Var.new(-a.data, {a}, function()
    a.gradient = a.gradient - out.gradient
  end)
  return out
end

function Var:relu()
  local out
  out = Var.new(self.data < 0 and 0.0 or self.data, {self}, function()
    if out.data > 0 then self.gradient = self.gradient + out.gradient end
  end)
  return out
end

function Var:tanh()
  local t = tanh(self.data)
  local out
  out = Var.new(t, {self}, function()
    self.gradient = self.gradient + (1 - t * t) * out.gradient
  end)
  return out
end

function Var:exp()
  local out
  out = Var.new(math.exp(self.data), {self}, function()
    self.gradient = self.gradient + out.data * out.gradient
  end)
  return out
end

function Var:log()
  local out
  out = Var.new(math.log(self.data), {self}, function()
    self.gradient = self.gradient + out.gradient / self.data
  end)
  return out
end

function Var:sigmoid()
  local s = 1 / (1 + math.exp(-self.data))
  local out
  out = Var.new(s, {self}, function()
    self.gradient = self.gradient + s * (1 - s) * out.gradient
  end)
  return out
end

function Var:backprop()
  local order, seen = {}, {}
  local todo = {{self, false}}
  while #todo > 0 do
    local item = table.remove(todo)
    local v, expanded = item[1], item[2]
    if expanded then
      order[#order + 1] = v
    elseif not seen[v] then
      seen[v] = true
      todo[#todo + 1] = {v, true}
      for i = #v.inputs, 1, -1 do
        if not seen[v.inputs[i]] then
          todo[#todo + 1] = {v.inputs[i], false}
        end
      end
    end
  end
  self.gradient = 1
  for i = #order, 1, -1 do
    if order[i].chain then order[i].chain() end
  end
end

return Var

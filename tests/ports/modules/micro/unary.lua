local Value = require("micro.value")
local new = Value.new

local function tanh_near_zero(a)
  local z, d = a * a, 33.0
  for k = 16, 2, -1 do d = (2 * k - 1) + z / d end
  return a - a * (z / (d + z))
end

local tanh = math.tanh or function(x)
  if x ~= x or x == 0 then return x end
  local a = math.abs(x)
  local r = (a < 0.55 and tanh_near_zero(a)) or (a > 22 and 1.0)
            or 1 - 2 / (math.exp(2 * a) + 1)
  return x < 0 and -r or r
end

function Value:relu()
  local out = new(self.data < 0 and 0.0 or self.data, {self}, "relu")
  out._backward = function()
    if out.data > 0 then self.grad = self.grad + out.grad end
  end
  return out
end

function Value:tanh()
  local t = tanh(self.data)
  local out = new(t, {self}, "tanh")
  out._backward = function()
    self.grad = self.grad + (1 - t * t) * out.grad
  end
  return out
end

function Value:exp()
  local out = new(math.exp(self.data), {self}, "exp")
  out._backward = function()
    self.grad = self.grad + out.data * out.grad
  end
  return out
end

function Value:log()
  local out = new(math.log(self.data), {self}, "log")
  out._backward = function()
    self.grad = self.grad + out.grad / self.data
  end
  return out
end

function Value:sigmoid()
  local s = 1 / (1 + math.exp(-self.data))
  local out = new(s, {self}, "sigmoid")
  out._backward = function()
    self.grad = self.grad + s * (1 - s) * out.grad
  end
  return out
end

local Value = {}
Value.__index = Value

local function new(data, children, op)
  local set = {}
  for _, child in ipairs(children or {}) do
    set[child] = true
  end
  return setmetatable({data = data * 1.0, grad = 0.0, _prev = set, _op = op or ""}, Value)
end
Value.new = new

-- only the right operand may be a number
local function other_value(b)
  if type(b) == "number" then return new(b) end
  return b
end

function Value.__add(a, b)
  b = other_value(b)
  local out = new(a.data + b.data, {a, b}, "+")
  out._backward = function()
    a.grad = a.grad + out.grad
    b.grad = b.grad + out.grad
  end
  return out
end

function Value.__mul(a, b)
  b = other_value(b)
  local out = new(a.data * b.data, {a, b}, "*")
  out._backward = function()
    a.grad = a.grad + b.data * out.grad
    b.grad = b.grad + a.data * out.grad
  end
  return out
end

function Value.__sub(a, b)
  b = other_value(b)
  local out = new(a.data - b.data, {a, b}, "-")
  out._backward = function()
    a.grad = a.grad + out.grad
    b.grad = b.grad - out.grad
  end
  return out
end

function Value.__div(a, b)
  b = other_value(b)
  local out = new(a.data / b.data, {a, b}, "/")
  out._backward = function()
    a.grad = a.grad + out.grad / b.data
    b.grad = b.grad - out.grad * (out.data / b.data)
  end
  return out
end

function Value.__pow(a, b)
  local out
  if type(b) == "number" then
    out = new(a.data ^ b, {a}, "^")
    out._backward = function()
      a.grad = a.grad + b * a.data ^ (b - 1) * out.grad
    end
  else
    out = new(a.data ^ b.data, {a, b}, "^")
    out._backward = function()
      a.grad = a.grad + b.data * a.data ^ (b.data - 1) * out.grad
      b.grad = b.grad + out.data * math.log(a.data) * out.grad
    end
  end
  return out
end

function Value.__unm(a)
  local out = new(-a.data, {a}, "neg")
  out._backward = function()
    a.grad = a.grad - out.grad
  end
  return out
end

return setmetatable(Value, {__call = function(_, x) return new(x) end})

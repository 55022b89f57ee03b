-- A test port with one classic bug: the topological sort keeps no visited
-- set, so a node reachable by several paths is listed once per path; its
-- backward runs that many times, and everything below it is counted again.
-- A graph with much reuse (x = x + x, a thousand times) has 2^1000 paths:
-- the sort never ends.  The sort also recurses (a recursion limit).
-- API: a module of functions and metamethods: mg.value(x), v.value (the
-- number), v.grad, mg.backward(v).

local mg = {}
local Node = {}
Node.__index = Node

local function make(value, parents, back)
  return setmetatable({value = value, grad = 0.0, parents = parents, back = back}, Node)
end

function mg.value(x)
  return make(x * 1.0, {}, nil)
end

local function node(x)
  if getmetatable(x) == Node then return x end
  return mg.value(x)
end

local tanh = math.tanh or function(x)
  if x ~= x or x == 0 then return x end
  local a = math.abs(x)
  local r
  if a >= 0.55 then
    r = a > 22 and 1.0 or 1 - 2 / (math.exp(2 * a) + 1)
  else
    local z, d = a * a, 33.0
    for k = 16, 2, -1 do d = (2 * k - 1) + z / d end
    r = a - a * (z / (d + z))
  end
  return x < 0 and -r or r
end

function Node.__add(p, q)
  p, q = node(p), node(q)
  local out
  out = make(p.value + q.value, {p, q}, function()
    p.grad = p.grad + out.grad
    q.grad = q.grad + out.grad
  end)
  return out
end

function Node.__sub(p, q)
  p, q = node(p), node(q)
  local out
  out = make(p.value - q.value, {p, q}, function()
    p.grad = p.grad + out.grad
    q.grad = q.grad - out.grad
  end)
  return out
end

function Node.__mul(p, q)
  p, q = node(p), node(q)
  local out
  out = make(p.value * q.value, {p, q}, function()
    p.grad = p.grad + q.value * out.grad
    q.grad = q.grad + p.value * out.grad
  end)
  return out
end

function Node.__div(p, q)
  p, q = node(p), node(q)
  local out
  out = make(p.value / q.value, {p, q}, function()
    p.grad = p.grad + out.grad / q.value
    q.grad = q.grad - out.grad * (out.value / q.value)
  end)
  return out
end

function Node.__pow(p, q)
  p = node(p)
  local out
  if type(q) == "number" then
    out = make(p.value ^ q, {p}, function()
      p.grad = p.grad + q * p.value ^ (q - 1) * out.grad
    end)
  else
    out = make(p.value ^ q.value, {p, q}, function()
      p.grad = p.grad + q.value * p.value ^ (q.value - 1) * out.grad
      q.grad = q.grad + out.value * math.log(p.value) * out.grad
    end)
  end
  return out
end

function Node.__unm(p)
  local out
  out = make(-p.value, {p}, function()
    p.grad = p.grad - out.grad
  end)
  return out
end

local function unary(f, slope)
  return function(p)
    local out
    out = make(f(p.value), {p}, function()
      p.grad = p.grad + slope(p.value, out.value) * out.grad
    end)
    return out
  end
end

Node.relu = unary(function(x) return x < 0 and 0.0 or x end,
                  function(_, y) return y > 0 and 1.0 or 0.0 end)
Node.tanh = unary(tanh, function(_, t) return 1 - t * t end)
Node.exp = unary(math.exp, function(_, y) return y end)
Node.log = unary(math.log, function(x) return 1 / x end)
Node.sigmoid = unary(function(x) return 1 / (1 + math.exp(-x)) end,
                     function(_, s) return s * (1 - s) end)

function mg.backward(root)
  local order = {}
  local function visit(v)
    for _, parent in ipairs(v.parents) do
      visit(parent)
    end
    order[#order + 1] = v
  end
  visit(root)
  root.grad = 1.0
  for i = #order, 1, -1 do
    if order[i].back then order[i].back() end
  end
end

return mg

-- micrograd as the lecture writes it, in Lua, for the check's tests: a port
-- with no gradient bug that computes every op the lecture's way.  Division
-- is a * b^-1, subtraction a + (-b), negation v * -1, tanh goes through
-- exp with the derivative 1 - t^2, and ^ takes a number exponent only (the
-- lecture's assert).  It has no log or sigmoid (the lecture has none) and a
-- recursive topological sort, as the lecture's build_topo.  The level
-- lecture must pass it; the edges (b^-2 and e^2x overflow, 1 - t^2 cancels
-- near |t| = 1) and scale (the recursion) need not.
--
-- API: Value(x) makes a leaf; operators work with a number on either side;
-- v.data, v.grad, v:backward().

local Value = {}
Value.__index = Value

local function new(data, children)
  return setmetatable({data = data, grad = 0.0, prev = children or {},
                       backward_step = function() end}, Value)
end

local function lift(x)
  return getmetatable(x) == Value and x or new(x)
end

function Value.__add(a, b)
  a, b = lift(a), lift(b)
  local out = new(a.data + b.data, {a, b})
  out.backward_step = function()
    a.grad = a.grad + 1.0 * out.grad
    b.grad = b.grad + 1.0 * out.grad
  end
  return out
end

function Value.__mul(a, b)
  a, b = lift(a), lift(b)
  local out = new(a.data * b.data, {a, b})
  out.backward_step = function()
    a.grad = a.grad + b.data * out.grad
    b.grad = b.grad + a.data * out.grad
  end
  return out
end

function Value.__pow(a, n)
  assert(type(n) == "number", "only supporting number powers for now")
  local out = new(a.data ^ n, {a})
  out.backward_step = function()
    a.grad = a.grad + n * a.data ^ (n - 1) * out.grad
  end
  return out
end

function Value.__unm(a)
  return a * -1
end

function Value.__sub(a, b)
  return a + (-b)
end

function Value.__div(a, b)
  return a * b ^ -1
end

function Value:relu()
  local out = new(self.data < 0 and 0.0 or self.data, {self})
  out.backward_step = function()
    self.grad = self.grad + (out.data > 0 and 1.0 or 0.0) * out.grad
  end
  return out
end

function Value:tanh()
  local x = self.data
  local t = (math.exp(2 * x) - 1) / (math.exp(2 * x) + 1)
  local out = new(t, {self})
  out.backward_step = function()
    self.grad = self.grad + (1 - t ^ 2) * out.grad
  end
  return out
end

function Value:exp()
  local out = new(math.exp(self.data), {self})
  out.backward_step = function()
    self.grad = self.grad + out.data * out.grad
  end
  return out
end

function Value:backward()
  local topo, visited = {}, {}
  local function build_topo(v)
    if not visited[v] then
      visited[v] = true
      for _, child in ipairs(v.prev) do
        build_topo(child)
      end
      topo[#topo + 1] = v
    end
  end
  build_topo(self)
  self.grad = 1.0
  for i = #topo, 1, -1 do
    topo[i].backward_step()
  end
end

return setmetatable(Value, {__call = function(_, x) return new(x) end})

-- The correct port's nn (scalar.lua's Values): Neuron, Layer and MLP in the
-- lecture's design, written for the check's tests.  A neuron adds its
-- terms in an order of its own, w . x first and b last (micrograd adds
-- from b): the check allows any order.  Its tanh is scalar.lua's own on
-- Lua 5.3+ (no math.tanh there).  Weights start at 0: the check sets them.
local Value = require("scalar")

local function neuron(nin, act)
  local n = {w = {}, b = Value(0), act = act}
  for i = 1, nin do
    n.w[i] = Value(0)
  end
  return n
end

local function fire(n, x)
  local sum = n.w[1] * x[1]
  for i = 2, #n.w do
    sum = sum + n.w[i] * x[i]
  end
  local out = sum + n.b
  if n.act == "relu" then
    return out:relu()
  elseif n.act == "tanh" then
    return out:tanh()
  end
  return out
end

local MLP = {}
MLP.__index = MLP

-- MLP(nin, nouts, hidden, last): hidden layers of activation hidden, the
-- output layer of activation last ("relu", "tanh" or "linear").
local function new(_, nin, nouts, hidden, last)
  local m = setmetatable({layers = {}}, MLP)
  for l = 1, #nouts do
    local layer = {}
    for i = 1, nouts[l] do
      layer[i] = neuron(nin, l == #nouts and last or hidden)
    end
    m.layers[l] = layer
    nin = nouts[l]
  end
  return m
end

function MLP:__call(x)
  for _, layer in ipairs(self.layers) do
    local out = {}
    for i, n in ipairs(layer) do
      out[i] = fire(n, x)
    end
    x = out
  end
  return #x == 1 and x[1] or x
end

function MLP:parameters()
  local ps = {}
  for _, layer in ipairs(self.layers) do
    for _, n in ipairs(layer) do
      for _, w in ipairs(n.w) do
        ps[#ps + 1] = w
      end
      ps[#ps + 1] = n.b
    end
  end
  return ps
end

function MLP:zero_grad()
  for _, p in ipairs(self:parameters()) do
    p.grad = 0.0
  end
end

return setmetatable({}, {__call = new})

-- The lecture's Neuron, Layer and MLP over value.lua's Values: every neuron
-- is tanh(b + w1*x1 + ... + wn*xn), added from b as the lecture's sum() does.
local Value = require("value")

local function uniform()
  return math.random() * 2 - 1
end

local function neuron(nin)
  local n = {w = {}, b = Value(uniform())}
  for i = 1, nin do
    n.w[i] = Value(uniform())
  end
  return n
end

local function fire(n, x)
  local act = n.b
  for i, w in ipairs(n.w) do
    act = act + w * x[i]
  end
  return act:tanh()
end

local MLP = {}
MLP.__index = MLP

function MLP:__call(x)
  for _, layer in ipairs(self.layers) do
    local outs = {}
    for i, n in ipairs(layer) do
      outs[i] = fire(n, x)
    end
    x = #outs == 1 and outs[1] or outs
  end
  return x
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

-- MLP(nin, nouts): a layer of nouts[l] neurons for each l.
return function(nin, nouts)
  local m = setmetatable({layers = {}}, MLP)
  for l, size in ipairs(nouts) do
    m.layers[l] = {}
    for i = 1, size do
      m.layers[l][i] = neuron(nin)
    end
    nin = size
  end
  return m
end

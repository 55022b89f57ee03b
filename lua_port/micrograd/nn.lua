-- A small neural-network library on top of engine's Value, as in micrograd.
--
-- python_ref/nn.py in Lua, with the same arguments and the same order of PRNG
-- draws, so MLP(2, {16, 16, 1}) with the same seed has bit-identical weights
-- in both engines.  Options are passed as a table: Neuron(nin, {nonlin =
-- "tanh", rng = r, random_bias = true, fused = false}).  By default a neuron
-- computes its pre-activation with one fused `dot` node (same value as the
-- chain of * and +, much faster); fused = false builds the graph of
-- primitive ops the lecture draws.

local Value = require("micrograd.engine")
local Rng = require("micrograd.rng")

local setmetatable, error, tostring = setmetatable, error, tostring
local concat = table.concat

local nn = {}
nn.NONLINEARITIES = {"relu", "tanh", "linear"}
local KNOWN_NONLIN = {relu = true, tanh = true, linear = true}

-- A class table whose call makes an instance (Neuron(2), like Python).
local function class(parent)
  local cls = {}
  cls.__index = cls
  setmetatable(cls, {
    __index = parent,
    __call = function(c, ...)
      local self = setmetatable({}, c)
      self:init(...)
      return self
    end,
  })
  return cls
end

local function append_all(dst, src)
  for i = 1, #src do
    dst[#dst + 1] = src[i]
  end
  return dst
end

-- == Module ==================================================================

local Module = class(nil)
nn.Module = Module

function Module:init()
end

function Module:zero_grad()
  local params = self:parameters()
  for i = 1, #params do
    params[i].grad = 0.0
  end
end

function Module:parameters()
  return {}
end

-- The parameters as a plain list of floats (export to another engine).
function Module:parameter_values()
  local params, values = self:parameters(), {}
  for i = 1, #params do
    values[i] = params[i].data
  end
  return values
end

function Module:load_parameter_values(values)
  local params = self:parameters()
  if #values ~= #params then
    error("expected " .. #params .. " parameter values, got " .. #values, 2)
  end
  for i = 1, #params do
    params[i].data = values[i] * 1.0
  end
end

-- == Neuron ==================================================================

-- act(w . x + b).  Weights are uniform(-1, 1); the bias is 0 as in micrograd,
-- or uniform(-1, 1) too with random_bias = true as in the lecture.
local Neuron = class(Module)
nn.Neuron = Neuron

function Neuron:init(nin, opts)
  opts = opts or {}
  local nonlin = opts.nonlin or "relu"
  if not KNOWN_NONLIN[nonlin] then
    error("nonlin must be one of relu, tanh, linear, got " .. tostring(nonlin), 2)
  end
  local rng = opts.rng or Rng(0)
  self.w = {}
  for i = 1, nin do
    self.w[i] = Value(rng:uniform(-1.0, 1.0))
  end
  self.b = Value(opts.random_bias and rng:uniform(-1.0, 1.0) or 0.0)
  self.nonlin = nonlin
  self.fused = opts.fused ~= false
end

function Neuron:__call(x)
  local act
  if self.fused then
    act = Value.dot(self.w, x, self.b)
  else
    act = self.b  -- b + w1*x1 + w2*x2 + ..., left to right
    for i = 1, #self.w do
      act = act + self.w[i] * x[i]
    end
  end
  if self.nonlin == "relu" then
    return act:relu()
  end
  if self.nonlin == "tanh" then
    return act:tanh()
  end
  return act
end

function Neuron:parameters()
  local params = append_all({}, self.w)
  params[#params + 1] = self.b
  return params
end

function Neuron:__tostring()
  return self.nonlin:sub(1, 1):upper() .. self.nonlin:sub(2) .. "Neuron(" .. #self.w .. ")"
end

-- == Layer ===================================================================

local Layer = class(Module)
nn.Layer = Layer

-- Layer(nin, nout, opts): opts as for Neuron, shared by every neuron.
function Layer:init(nin, nout, opts)
  self.neurons = {}
  for i = 1, nout do
    self.neurons[i] = Neuron(nin, opts)
  end
end

function Layer:__call(x)
  local out = {}
  for i = 1, #self.neurons do
    out[i] = self.neurons[i](x)
  end
  if #out == 1 then
    return out[1]
  end
  return out
end

function Layer:parameters()
  local params = {}
  for i = 1, #self.neurons do
    append_all(params, self.neurons[i]:parameters())
  end
  return params
end

function Layer:__tostring()
  local names = {}
  for i = 1, #self.neurons do
    names[i] = tostring(self.neurons[i])
  end
  return "Layer of [" .. concat(names, ", ") .. "]"
end

-- == MLP =====================================================================

-- MLP(nin, nouts, opts): layers of sizes nouts.  Hidden layers use
-- opts.nonlin (default relu), the last opts.last_nonlin (default linear):
-- micrograd's default; the lecture's MLP is tanh throughout.  opts.seed
-- (default 0) seeds a new Rng unless opts.rng is given.
local MLP = class(Module)
nn.MLP = MLP

function MLP:init(nin, nouts, opts)
  opts = opts or {}
  local rng = opts.rng or Rng(opts.seed or 0)
  local sizes = {nin}
  append_all(sizes, nouts)
  self.layers = {}
  for i = 1, #nouts do
    local nonlin = opts.nonlin or "relu"
    if i == #nouts then
      nonlin = opts.last_nonlin or "linear"
    end
    self.layers[i] = Layer(sizes[i], sizes[i + 1], {
      rng = rng, random_bias = opts.random_bias, fused = opts.fused, nonlin = nonlin,
    })
  end
end

function MLP:__call(x)
  local xs = {}
  for i = 1, #x do
    xs[i] = Value.is_value(x[i]) and x[i] or Value(x[i])
  end
  for i = 1, #self.layers do
    xs = self.layers[i](xs)
    if Value.is_value(xs) then
      xs = {xs}
    end
  end
  if #xs == 1 then
    return xs[1]
  end
  return xs
end

function MLP:parameters()
  local params = {}
  for i = 1, #self.layers do
    append_all(params, self.layers[i]:parameters())
  end
  return params
end

function MLP:__tostring()
  local names = {}
  for i = 1, #self.layers do
    names[i] = tostring(self.layers[i])
  end
  return "MLP of [" .. concat(names, ", ") .. "]"
end

return nn

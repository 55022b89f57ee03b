-- local mg = require("micrograd"), with lua_port/?.lua;lua_port/?/init.lua
-- on package.path: the engine (Value), the nn library and the shared PRNG.
local Value = require("micrograd.engine")
local nn = require("micrograd.nn")
local Rng = require("micrograd.rng")

return {
  Value = Value,
  Module = nn.Module,
  Neuron = nn.Neuron,
  Layer = nn.Layer,
  MLP = nn.MLP,
  Rng = Rng,
  ieee = Value.ieee,
}

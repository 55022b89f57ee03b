-- local mg = require("micrograd"), with lua_port/?.lua;lua_port/?/init.lua
-- on package.path: the engine (Value), the nn library, the shared PRNG and
-- the IEEE-754 helpers.
local Value = require("micrograd.engine")
local nn = require("micrograd.nn")
local Rng = require("micrograd.rng")
local ieee = require("micrograd.ieee")

return {
  Value = Value,
  Module = nn.Module,
  Neuron = nn.Neuron,
  Layer = nn.Layer,
  MLP = nn.MLP,
  Rng = Rng,
  ieee = ieee,
}

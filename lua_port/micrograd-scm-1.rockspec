-- The Lua port as a LuaRocks rock, installed from this directory:
--   cd lua_port && luarocks make --tree /some/tree
rockspec_format = "3.0"
package = "micrograd"
version = "scm-1"
-- `luarocks make` builds from the checkout it runs in and fetches nothing;
-- LuaRocks requires a source all the same.
source = {
  url = "git+file://.",
}
description = {
  summary = "A scalar autograd engine in micrograd's style, equal to its Python reference to the bit",
  detailed = [[
Value (forward, backward), Neuron/Layer/MLP and a seeded PRNG, in plain Lua
for Lua 5.1 to 5.5 and LuaJIT.  Every op returns the IEEE-754 result and
uses torch's gradient conventions, so values and gradients equal the Python
reference engine (python_ref/) bit for bit.
]],
}
dependencies = {
  "lua >= 5.1",
}
build = {
  type = "builtin",
  modules = {
    ["micrograd"] = "micrograd/init.lua",
    ["micrograd.engine"] = "micrograd/engine.lua",
    ["micrograd.ieee"] = "micrograd/ieee.lua",
    ["micrograd.nn"] = "micrograd/nn.lua",
    ["micrograd.rng"] = "micrograd/rng.lua",
  },
}

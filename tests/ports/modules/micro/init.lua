-- A test port in several files joined with require (micro/value.lua makes
-- Values and their operators, micro/unary.lua the methods, micro/graph.lua
-- the backward pass), with two classic bugs:
--   * a Value keeps its children in a set ({[child] = true}, micrograd's
--     set(_children) word for word) and backward walks it with pairs(): the
--     order depends on where the tables sit in memory, so on LuaJIT it
--     changes from run to run, and so does the rounding of gradients summed
--     from several paths;
--   * the operators assume a Value on the left: 2 * x indexes the number 2.
-- API: Value(x), v.data, v.grad, v:backward().
local Value = require("micro.value")
require("micro.unary")
require("micro.graph")
return Value

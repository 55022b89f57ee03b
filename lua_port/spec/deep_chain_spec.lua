-- A chain of 1,000,000 nodes (y = y + 1, a million times) backpropagates:
-- backward() walks the graph with an explicit stack, no recursion.
-- Run with the global `mg`, like micrograd_spec.lua; about 1 GiB and a few
-- seconds per runtime, so tests/lua runs it on a few runtimes only.
local n = ... or 1000000
local x = mg.Value(1.0)
local y = x
for _ = 1, n do
  y = y + 1.0
end
y:backward()
local failures = {}
if y.data ~= 1.0 + n then
  failures[#failures + 1] = "deep chain: y = " .. tostring(y.data) .. ", want " .. tostring(1.0 + n)
end
if x.grad ~= 1.0 then
  failures[#failures + 1] = "deep chain: dy/dx = " .. tostring(x.grad) .. ", want 1"
end
local runtime = rawget(_G, "jit") and jit.version or _VERSION
return {passed = #failures == 0 and 1 or 0, failures = failures, runtime = runtime, nodes = 2 * n + 1}

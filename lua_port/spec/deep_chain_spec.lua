-- A chain of 1,000,000 nodes (y = y + 1, a million times) backpropagates:
-- backward() walks the graph with an explicit stack, no recursion.  About
-- 1 GiB and a few seconds, so it is tagged #deep and runs only when asked:
-- cd lua_port && busted --run=deep
local mg = require("micrograd")

describe("a deep graph", function()
  it("a chain of 1,000,000 nodes backpropagates without recursion #deep", function()
    local n = 1000000
    local x = mg.Value(1.0)
    local y = x
    for _ = 1, n do
      y = y + 1.0
    end
    y:backward()
    assert.are.equal(1.0 + n, y.data)
    assert.are.equal(1.0, x.grad)
  end)
end)

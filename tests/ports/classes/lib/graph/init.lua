-- Reached as require("lib/graph"): lib/graph/init.lua, as ?/init.lua finds it.
-- Children before parents, each node once, without recursion.
local graph = {}

function graph.order(root)
  local order, seen = {}, {[root] = true}
  local stack, next_child = {root}, {1}
  while #stack > 0 do
    local top = #stack
    local node, i = stack[top], next_child[top]
    local child = node.children[i]
    if child ~= nil then
      next_child[top] = i + 1
      if not seen[child] then
        seen[child] = true
        stack[top + 1], next_child[top + 1] = child, 1
      end
    else
      order[#order + 1] = node
      stack[top], next_child[top] = nil, nil
    end
  end
  return order
end

return graph

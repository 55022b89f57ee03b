local Value = require("micro.value")

function Value:backward()
  local topo, visited = {}, {}
  local stack = {{node = self, children = nil}}
  visited[self] = true
  while #stack > 0 do
    local frame = stack[#stack]
    if frame.children == nil then
      frame.children = {}
      for child in pairs(frame.node._prev) do
        frame.children[#frame.children + 1] = child
      end
      frame.next = 1
    end
    local child = frame.children[frame.next]
    if child ~= nil then
      frame.next = frame.next + 1
      if not visited[child] then
        visited[child] = true
        stack[#stack + 1] = {node = child}
      end
    else
      topo[#topo + 1] = frame.node
      stack[#stack] = nil
    end
  end
  self.grad = 1.0
  for i = #topo, 1, -1 do
    if topo[i]._backward then topo[i]._backward() end
  end
end

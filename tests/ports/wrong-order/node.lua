-- A test port with one classic bug: backward walks the topological order
-- from the inputs to the output instead of back from the output, so a node
-- passes its gradient on before the nodes that use it have added theirs
-- (only the output's own arguments end up right).
-- API: methods instead of operators (a:add(b), a:mul(b), ...), leaves made
-- with Node.leaf(x), read with v:value() and v:gradient(), and
-- Node.lift(x) turning a number into a leaf (the manifest's expressions
-- call it where a number may stand).

local Node = {}
Node.__index = Node

function Node.leaf(x)
  return setmetatable({x = x * 1.0, g = 0.0, args = {}}, Node)
end

function Node.lift(x)
  if getmetatable(x) == Node then return x end
  return Node.leaf(x)
end

function Node:value() return self.x end
function Node:gradient() return self.g end

local function result(x, args, back)
  local out = Node.leaf(x)
  out.args, out.back = args, back
  return out
end

local tanh = math.tanh or function(x)
  if x ~= x or x == 0 then return x end
  local a = math.abs(x)
  local r = 1.0
  if a < 0.55 then
    local z, d = a * a, 33.0
    for k = 16, 2, -1 do d = (2 * k - 1) + z / d end
    r = a - a * (z / (d + z))
  elseif a <= 22 then
    r = 1 - 2 / (math.exp(2 * a) + 1)
  end
  return x < 0 and -r or r
end

function Node:add(o)
  o = Node.lift(o)
  local out
  out = result(self.x + o.x, {self, o}, function()
    self.g = self.g + out.g
    o.g = o.g + out.g
  end)
  return out
end

function Node:sub(o)
  o = Node.lift(o)
  local out
  out = result(self.x - o.x, {self, o}, function()
    self.g = self.g + out.g
    o.g = o.g - out.g
  end)
  return out
end

function Node:mul(o)
  o = Node.lift(o)
  local out
  out = result(self.x * o.x, {self, o}, function()
    self.g = self.g + o.x * out.g
    o.g = o.g + self.x * out.g
  end)
  return out
end

function Node:div(o)
  o = Node.lift(o)
  local out
  out = result(self.x / o.x, {self, o}, function()
    self.g = self.g + out.g / o.x
    o.g = o.g - out.g * (out.x / o.x)
  end)
  return out
end

function Node:pow(o)
  local out
  if type(o) == "number" then
    out = result(self.x ^ o, {self}, function()
      self.g = self.g + o * self.x ^ (o - 1) * out.g
    end)
  else
    out = result(self.x ^ o.x, {self, o}, function()
      self.g = self.g + o.x * self.x ^ (o.x - 1) * out.g
      o.g = o.g + out.x * math.log(self.x) * out.g
    end)
  end
  return out
end

function Node:neg()
  local out
  out = result(-self.x, {self}, function()
    self.g = self.g - out.g
  end)
  return out
end

function Node:relu()
  local out
  out = result(self.x < 0 and 0.0 or self.x, {self}, function()
    if out.x > 0 then self.g = self.g + out.g end
  end)
  return out
end

function Node:tanh()
  local t = tanh(self.x)
  local out
  out = result(t, {self}, function()
    self.g = self.g + (1 - t * t) * out.g
  end)
  return out
end

function Node:exp()
  local out
  out = result(math.exp(self.x), {self}, function()
    self.g = self.g + out.x * out.g
  end)
  return out
end

function Node:log()
  local out
  out = result(math.log(self.x), {self}, function()
    self.g = self.g + out.g / self.x
  end)
  return out
end

function Node:sigmoid()
  local s = 1 / (1 + math.exp(-self.x))
  local out
  out = result(s, {self}, function()
    self.g = self.g + s * (1 - s) * out.g
  end)
  return out
end

function Node:backward()
  local order, seen = {}, {[self] = true}
  local stack, next_arg = {self}, {1}
  while #stack > 0 do
    local v, i = stack[#stack], next_arg[#stack]
    local a = v.args[i]
    if a then
      next_arg[#stack] = i + 1
      if not seen[a] then
        seen[a] = true
        stack[#stack + 1], next_arg[#stack + 1] = a, 1
      end
    else
      order[#order + 1] = v
      stack[#stack], next_arg[#stack] = nil, nil
    end
  end
  self.g = 1.0
  for i = 1, #order do  -- the bug: inputs first, output last
    if order[i].back then order[i].back() end
  end
end

return Node

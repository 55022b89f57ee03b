-- A small class library, written for this test port: class(name, parent)
-- makes a class; calling it makes an instance and runs its init.  Instances
-- use the class as their metatable, so metamethods (__add, ...) defined on a
-- class apply to its instances, and a subclass copies its parent's.
local function class(name, parent)
  local cls = {name = name, parent = parent}
  if parent then
    for key, value in pairs(parent) do
      if type(key) == "string" and key:sub(1, 2) == "__" then
        cls[key] = value
      end
    end
  end
  cls.__index = function(_, key)
    local c = cls
    while c do
      local found = rawget(c, key)
      if found ~= nil then return found end
      c = c.parent
    end
  end
  return setmetatable(cls, {__call = function(c, ...)
    local instance = setmetatable({}, c)
    if instance.init then instance:init(...) end
    return instance
  end})
end

return class

-- The busted-style spec (lua_port/spec/*_spec.lua) in a lupa runtime, where
-- busted itself cannot run (test_lua_spec.py says why).  The assertions are
-- the real luassert, as under busted; only describe and it are ours: describe
-- runs its block at once and prefixes the names, it queues its test; then
-- every queued test runs, in order, in a pcall.
--
-- Called with the spec files and {tags = {...}} or {exclude_tags = {...}}
-- (busted's #tag in a test's name); returns {names = {...}, failures =
-- {"name: message", ...}}.
local files, options = ...
local tags = options.tags
local exclude_tags = options.exclude_tags or {}

assert = require("luassert")

local function has_tag(name, list)
  for _, tag in ipairs(list) do
    if name:find("#" .. tag, 1, true) then
      return true
    end
  end
  return false
end

local queued, prefix = {}, {}

function describe(name, block)
  prefix[#prefix + 1] = name
  block()
  prefix[#prefix] = nil
end

function it(name, test)
  local full = table.concat(prefix, " ") .. " " .. name
  local wanted = not has_tag(full, exclude_tags) and (tags == nil or has_tag(full, tags))
  if wanted then
    queued[#queued + 1] = {name = full, test = test}
  end
end

for _, file in ipairs(files) do
  local chunk, err = loadfile(file)
  if not chunk then
    error(err, 0)
  end
  chunk()
end

local names, failures = {}, {}
for i, entry in ipairs(queued) do
  names[i] = entry.name
  local ok, err = pcall(entry.test)
  if not ok then
    failures[#failures + 1] = entry.name .. ": " .. tostring(err)
  end
end
return {names = names, failures = failures}

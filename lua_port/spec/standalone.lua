-- Runs a spec file under a stand-alone interpreter, as lupa's sandbox would:
-- with the global `mg` and the file's returned {passed, failures, runtime}.
-- Usage, from the repository root:  lua5.4 lua_port/spec/standalone.lua lua_port/spec/micrograd_spec.lua
-- Prints one line per failure and a summary; exits 1 on any failure.
package.path = "lua_port/?.lua;lua_port/?/init.lua;" .. package.path
mg = require("micrograd")

local path = arg[1] or "lua_port/spec/micrograd_spec.lua"
local chunk, err = loadfile(path)
if not chunk then
  io.stderr:write(err, "\n")
  os.exit(2)
end
local result = chunk()
for _, message in ipairs(result.failures) do
  print("FAIL " .. message)
end
print(string.format("%s: %d passed, %d failed (%s)", path, result.passed, #result.failures, result.runtime))
os.exit(#result.failures == 0 and 0 or 1)

-- The trusted half of the Python bridge (lua_port/__init__.py).
--
-- Run once, with the runtime's full globals, right after the runtime is made.
-- It keeps private references to debug.sethook and the loaders, builds the
-- environment sandboxed code sees (the safe part of the standard library: no
-- os, io, package, require, load*, dofile, debug, coroutine, getfenv or
-- python; of jit only its version), loads the micrograd modules from the
-- sources Python read, and returns the few functions Python calls.  Nothing
-- it returns is reachable from inside the sandbox.
--
-- The instruction budget is a count hook: every HOOK_EVERY VM instructions
-- it adds to a counter and raises once the counter passes the budget.  Once
-- exceeded it raises again at every instruction, so a pcall inside the
-- sandbox cannot swallow it: the first instruction after the pcall raises
-- again.  Python also checks the flag after every call.  On LuaJIT (no memory cap in lupa) the same hook also enforces a soft
-- memory cap, checked with collectgarbage("count").
local sources = ...

local G = _G
local debug_sethook = debug.sethook
local setfenv_, loadstring_, load_ = G.setfenv, G.loadstring, G.load
local collectgarbage_, error, pairs, ipairs = collectgarbage, error, pairs, ipairs
local HOOK_EVERY = 10000

local SAFE_FUNCTIONS = {
  "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print",
  "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber",
  "tostring", "type", "xpcall", "collectgarbage", "_VERSION",
}
local SAFE_LIBRARIES = {"math", "string", "table", "utf8"}

local function copy(t)
  local c = {}
  for k, v in pairs(t) do
    c[k] = v
  end
  return c
end

-- A fresh environment: safe functions, copies of the safe libraries.
local function base_env()
  local env = {}
  for _, name in ipairs(SAFE_FUNCTIONS) do
    env[name] = G[name]
  end
  for _, name in ipairs(SAFE_LIBRARIES) do
    if G[name] then
      env[name] = copy(G[name])
    end
  end
  env.string.dump = nil
  env.unpack = G.unpack or G.table.unpack
  env.clock = G.os.clock  -- CPU seconds, for benchmarks; the rest of os stays out
  if G.jit then  -- which LuaJIT, read-only facts (jit.on/off stay out)
    env.jit = {version = G.jit.version, version_num = G.jit.version_num, os = G.jit.os, arch = G.jit.arch}
  end
  env._G = env
  return env
end

-- The shared string metatable would hand out the real string table.
getmetatable("").__metatable = false

-- Compile text (never bytecode) with env as its globals.
local function compile(source, chunkname, env)
  if source:byte(1) == 27 then
    return nil, chunkname:sub(2) .. ": binary chunks are refused"
  end
  if setfenv_ then  -- Lua 5.1, LuaJIT
    local f, err = loadstring_(source, chunkname)
    if f then
      setfenv_(f, env)
    end
    return f, err
  end
  return load_(source, chunkname, "t", env)
end

-- The micrograd modules, loaded from the sources Python read; their private
-- require resolves only these names.
local loaded = {}
local function private_require(name)
  if loaded[name] == nil then
    local entry = sources[name]
    if entry == nil then
      error("module " .. tostring(name) .. " is not part of the port", 2)
    end
    local env = base_env()
    env.require = private_require
    local f, err = compile(entry.source, "@" .. entry.path, env)
    if not f then
      error(err, 0)
    end
    loaded[name] = f(name)
  end
  return loaded[name]
end
local mg = private_require("micrograd")
local interpret = private_require("interpret")

-- == budget =====================================================================
-- Python arms and disarms the hook by calling debug.sethook itself (a C
-- function: no Lua instruction runs, so an exceeded hook cannot stop the
-- disarming) and reads and resets `state` directly.
local state = {budget = 0, used = 0, exceeded = false, memory_kb = false, memory_exceeded = false,
               gc_stopped = false, gc_restart_kb = 0}

local hook
hook = function()
  state.used = state.used + HOOK_EVERY
  if state.used > state.budget then
    state.exceeded = true
    debug_sethook(hook, "", 1)
    error("instruction budget exceeded", 0)
  end
  if state.gc_stopped and collectgarbage_("count") > state.gc_restart_kb then
    collectgarbage_("restart")  -- api.evaluate's pause ends here: memory stays bounded
    state.gc_stopped = false
  end
  if state.memory_kb and collectgarbage_("count") > state.memory_kb then
    collectgarbage_("collect")
    if collectgarbage_("count") > state.memory_kb then
      state.memory_exceeded = true
      debug_sethook(hook, "", 1)
      error("memory limit exceeded", 0)
    end
  end
end

-- == results =====================================================================
-- lupa hands an integral number to Python as an int on Lua 5.1, 5.2 and
-- LuaJIT, so -0.0 would arrive as 0.  Results are copied with -0.0 written
-- as this marker, which Python turns back into -0.0.  Tables with a
-- metatable (a Value, a Module) are passed as they are.
local NEG_ZERO_MARK = "\0-0.0"

local function encode(value, seen)
  if type(value) == "number" then
    if value == 0 and 1 / value < 0 then
      return NEG_ZERO_MARK
    end
    return value
  end
  if type(value) ~= "table" or getmetatable(value) ~= nil then
    return value
  end
  if seen[value] then
    return seen[value]
  end
  local copy = {}
  seen[value] = copy
  for k, v in pairs(value) do
    copy[k] = encode(v, seen)
  end
  return copy
end

local unpack_ = G.unpack or G.table.unpack

local function encode_results(...)
  local n = select("#", ...)
  local results = {...}
  for i = 1, n do
    results[i] = encode(results[i], {})
  end
  return unpack_(results, 1, n)
end

local api = {NEG_ZERO_MARK = NEG_ZERO_MARK, hook = hook, state = state, HOOK_EVERY = HOOK_EVERY}

-- Call a compiled chunk; its results come back encoded (see above).
function api.call(f, ...)
  return encode_results(f(...))
end

-- A sandboxed chunk: its globals are a fresh safe environment plus mg.
function api.compile(source, chunkname)
  local env = base_env()
  env.mg = mg
  local f, err = compile(source, chunkname, env)
  return f, err  -- always two values: lupa then always gives a tuple
end

-- data and grads come back as flat arrays with each -0.0 written as 0.0
-- and its index listed (negative_zeros: {data indices}, {grad indices}), so
-- Python reads them with a few slice() calls instead of one crossing per number.
local function take_negative_zeros(values)
  local where = {}
  for i = 1, #values do
    local v = values[i]
    if v == 0 and 1 / v < 0 then
      values[i] = 0.0
      where[#where + 1] = i
    end
  end
  return where
end

-- The collector is paused while a program runs: its graph stays live until
-- the results are read, so collecting meanwhile only walks a growing graph
-- again and again (a third of Lua 5.1's time on a 100,000-node chain).  What
-- earlier calls left is collected first once it passes COLLECT_BEFORE_KB;
-- the hook restarts the collector past state.gc_restart_kb, and Python
-- restarts it after the call, error or not.
local COLLECT_BEFORE_KB = 64 * 1024

function api.evaluate(program)
  if collectgarbage_("count") > COLLECT_BEFORE_KB then
    collectgarbage_("collect")
  end
  collectgarbage_("stop")
  state.gc_stopped = true
  local data, grads = interpret(program)
  collectgarbage_("restart")
  state.gc_stopped = false
  return data, grads, take_negative_zeros(data), take_negative_zeros(grads)
end

-- values[i..j] as one Lua call's results, after their count (so that one
-- value still comes back as a tuple); Python keeps j - i below SLICE.
api.SLICE = 4000  -- Lua 5.1 allows 8,000 results per C call
function api.slice(values, i, j)
  return j - i + 1, unpack_(values, i, j)
end

api.mg = mg
return api

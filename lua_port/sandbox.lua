-- The trusted half of the Python bridge (lua_port/bridge.py).
--
-- Run once, with the runtime's full globals, right after the runtime is made.
-- It keeps private references to debug.sethook and the loaders, builds the
-- environment sandboxed code sees (the safe part of the standard library: no
-- os, io, package, load*, dofile, debug, coroutine, getfenv or python; of jit
-- only its version), and returns the few functions Python calls.  Nothing it
-- returns is reachable from inside the sandbox.
--
-- Sandboxed code gets a private `require` that resolves only the modules
-- Python read and passed in (`sources`: {name = {path = ..., source = ...}}):
-- lua_port's own micrograd, or the files under a user's port root.  With
-- options.shared_globals every module, and whatever Python compiles in
-- api.env, shares one global table, as the modules of a stand-alone Lua
-- program share _G; otherwise each module gets its own.
--
-- The instruction budget is a count hook: every HOOK_EVERY VM instructions
-- it adds to a counter and raises once the counter passes the budget.  Once
-- exceeded it raises again at every instruction, so a pcall inside the
-- sandbox cannot swallow it: the first instruction after the pcall raises
-- again.  Python also checks the flag after every call.  On LuaJIT (no memory
-- cap in lupa) the same hook also enforces a soft memory cap, checked with
-- collectgarbage("count").  A runtime without a budget (a user's port in its
-- own worker process, which its parent stops by a time limit) sets no hook.
local sources, options = ...
options = options or {}

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

-- With options.capture_print, print() keeps its lines for Python (a port's
-- worker has no terminal: its stdout goes nowhere) instead of writing them:
-- the first PRINT_LINES lines since Python last took them, each cut to
-- PRINT_CHARS bytes, and a count of the rest.
local PRINT_LINES, PRINT_CHARS = 200, 400
local tostring_, select_, concat_ = tostring, select, table.concat
local printed, printed_more = {}, 0

local function keep_line(line)
  if #printed < PRINT_LINES then
    printed[#printed + 1] = line:sub(1, PRINT_CHARS)
  else
    printed_more = printed_more + 1
  end
end

local function captured_print(...)
  local parts = {}
  for i = 1, select_("#", ...) do
    parts[i] = tostring_((select_(i, ...)))
  end
  local text = concat_(parts, "\t") .. "\n"
  local start = 1
  while start <= #text do
    local stop = text:find("\n", start, true)
    keep_line(text:sub(start, stop - 1))
    start = stop + 1
  end
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
  if options.capture_print then
    env.print = captured_print
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

-- The modules, compiled from the sources Python read when first required;
-- this require resolves only those names.  A module that returns nothing
-- is kept as true, like Lua's own require does.
local loaded, loading = {}, {}
local shared_env
local private_require

-- The source a name stands for, found as package.path's ?.lua and
-- ?/init.lua find a file under the port's root: each "." of the name is a
-- directory separator, and so is a "/" ("lib/middleclass" and
-- "lib.middleclass" are lib/middleclass.lua).  Python keys the sources by
-- the dotted name (bridge.module_name).  As with Lua's own require, a
-- module is loaded once per name as written.
local function source_of(name)
  if type(name) ~= "string" then
    return nil
  end
  return sources[(name:gsub("/", "."))]
end

private_require = function(name)
  if loaded[name] == nil then
    local entry = source_of(name)
    if entry == nil then
      error("module '" .. tostring(name) .. "' is not part of the port", 2)
    end
    if loading[name] then
      error("loop or previous error loading module '" .. tostring(name) .. "'", 2)
    end
    local env = shared_env
    if env == nil then
      env = base_env()
      env.require = private_require
    end
    local f, err = compile(entry.source, "@" .. entry.path, env)
    if not f then
      error(err, 0)
    end
    loading[name] = true  -- stays set if the module raises, as with Lua's own require
    local result = f(name)
    loading[name] = nil
    if result == nil then
      result = true
    end
    loaded[name] = result
  end
  return loaded[name]
end
if options.shared_globals then
  shared_env = base_env()
  shared_env.require = private_require
end

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

-- Globals every chunk compiled by api.compile sees besides the safe library
-- (LuaEngine puts `mg` here).
api.globals = {}

-- A sandboxed chunk.  Its globals: env when given (api.env, the port's own),
-- else a fresh safe environment plus api.globals.
function api.compile(source, chunkname, env)
  if env == nil then
    env = base_env()
    for k, v in pairs(api.globals) do
      env[k] = v
    end
  end
  local f, err = compile(source, chunkname, env)
  return f, err  -- always two values: lupa then always gives a tuple
end

api.require = private_require

-- What print() kept since the last call (options.capture_print): the lines,
-- and how many more it left out.
function api.take_printed()
  local lines, more = printed, printed_more
  printed, printed_more = {}, 0
  return lines, more
end
api.env = shared_env  -- nil unless options.shared_globals

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

-- With pause_collector the collector is paused while a program runs: its
-- graph stays live until the results are read, so collecting meanwhile only
-- walks a growing graph again and again (a third of Lua 5.1's time on a
-- 100,000-node chain).  What earlier calls left is collected first once it
-- passes COLLECT_BEFORE_KB; the hook restarts the collector past
-- state.gc_restart_kb, and Python restarts it after the call, error or not.
-- Without a hook nothing would restart it, so a runtime with no budget
-- leaves the collector running.
--
-- interpreter(program) returns data, grads; or nil and what went wrong
-- (interpret_port.lua reports a failing step that way), passed on as it is.
local COLLECT_BEFORE_KB = 64 * 1024

function api.evaluate(interpreter, program, pause_collector)
  if pause_collector then
    if collectgarbage_("count") > COLLECT_BEFORE_KB then
      collectgarbage_("collect")
    end
    collectgarbage_("stop")
    state.gc_stopped = true
  end
  local data, grads, where, message = interpreter(program)
  if pause_collector then
    collectgarbage_("restart")
    state.gc_stopped = false
  end
  if data == nil then
    return nil, grads, where, message
  end
  return data, grads, take_negative_zeros(data), take_negative_zeros(grads)
end

-- values[i..j] as one Lua call's results, after their count (so that one
-- value still comes back as a tuple); Python keeps j - i below SLICE.
api.SLICE = 4000  -- Lua 5.1 allows 8,000 results per C call
function api.slice(values, i, j)
  return j - i + 1, unpack_(values, i, j)
end

return api

-- A scalar autograd engine in the style of micrograd.
--
-- Read it side by side with python_ref/engine.py: same ops, same order, same
-- names.  Differences from the original micrograd, and why:
--
-- * data is always a float (Lua 5.3+ would keep integers, and integer
--   arithmetic wraps at 2^63), and every op returns the IEEE-754 result;
-- * each forward is the direct operation (a - b, a / b), not a composition
--   (a + (-b), a * b^-1), so values match torch to the last bit;
-- * local gradients use torch's formulas (e.g. d(a/b)/db = -g * ((a/b)/b)) and
--   torch's conventions at the edges (x^0 has gradient 0, relu passes the
--   gradient only where its output is > 0);
-- * backward() walks the graph with an explicit stack, so a chain of a million
--   nodes needs no recursion, and the order of that walk is fixed (children in
--   argument order), so gradients accumulate in the same order in every engine;
-- * a node's _backward is its op's backward method, called as node:_backward()
--   (it reads the children from _prev), not a new closure per node: a closure
--   and its upvalues are objects the garbage collector traverses, again and
--   again while a large graph grows.
--
-- Plain Lua: runs unchanged under Lua 5.1 to 5.5 and LuaJIT 2.0/2.1.

local ieee = require("micrograd.ieee")

local format, char = string.format, string.char
local type, setmetatable, getmetatable = type, setmetatable, getmetatable
local tonumber, assert, error = tonumber, assert, error
local INF = ieee.INF

local Value = {}
Value.__index = Value

local function no_backward()
end

local NO_CHILDREN = {}  -- shared by every leaf (a million-node chain has a million leaves)

-- Value(data, children, op, label): a scalar in a computation graph.
local function new(data, children, op, label)
  if type(data) ~= "number" then
    error("Value needs a number, got " .. type(data), 3)
  end
  return setmetatable({
    -- a float even on Lua 5.3+ (4611686018427387904 * 4 must not wrap);
    -- `* 1.0`, not `+ 0.0`, which would turn -0.0 into 0.0
    data = data * 1.0,
    grad = 0.0,
    _backward = no_backward,
    _prev = children or NO_CHILDREN,  -- argument order: backward depends on it
    _op = op or "",
    label = label or "",
    _walk = 0,  -- the last topological walk that reached this node
  }, Value)
end
setmetatable(Value, {__call = function(_, ...) return new(...) end})

local function is_value(x)
  return getmetatable(x) == Value
end
Value.is_value = is_value

local function as_value(x)
  if is_value(x) then
    return x
  end
  return new(x)
end

-- -- binary ops -------------------------------------------------------------

function Value.add(self, other)
  other = as_value(other)
  local out = new(self.data + other.data, {self, other}, "+")

  out._backward = Value._add_backward
  return out
end

function Value._add_backward(self)
  local a, b = self._prev[1], self._prev[2]
  a.grad = a.grad + self.grad
  b.grad = b.grad + self.grad
end

function Value.sub(self, other)
  other = as_value(other)
  local out = new(self.data - other.data, {self, other}, "-")

  out._backward = Value._sub_backward
  return out
end

function Value._sub_backward(self)
  local a, b = self._prev[1], self._prev[2]
  a.grad = a.grad + self.grad
  b.grad = b.grad + -self.grad
end

function Value.mul(self, other)
  other = as_value(other)
  local out = new(self.data * other.data, {self, other}, "*")

  out._backward = Value._mul_backward
  return out
end

function Value._mul_backward(self)
  local a, b = self._prev[1], self._prev[2]
  a.grad = a.grad + b.data * self.grad
  b.grad = b.grad + a.data * self.grad
end

function Value.div(self, other)
  other = as_value(other)
  local out = new(ieee.div(self.data, other.data), {self, other}, "/")

  out._backward = Value._div_backward
  return out
end

function Value._div_backward(self)
  local a, b = self._prev[1], self._prev[2]
  a.grad = a.grad + ieee.div(self.grad, b.data)
  b.grad = b.grad + -self.grad * ieee.div(self.data, b.data)
end

local fmt_number  -- defined with __tostring below

function Value.pow(self, other)
  if is_value(other) then
    return self:_pow_value(other)
  end
  assert(type(other) == "number", "only number or Value exponents")
  local n = other * 1.0
  -- labelled as the lecture's graphs show x**2 and x**-1: the exponent's
  -- repr without a trailing ".0", so 2 and 2.0 (one number in Lua) match
  local out = new(ieee.pow(self.data, n), {self}, "**" .. fmt_number(n):gsub("%.0$", ""))

  out._exponent = n
  out._backward = Value._pow_number_backward
  return out
end

function Value._pow_number_backward(self)
  local a, n = self._prev[1], self._exponent
  -- torch: the gradient of x^0 is 0 everywhere, even at x = 0.
  if n ~= 0.0 then
    a.grad = a.grad + self.grad * (n * ieee.pow(a.data, n - 1.0))
  end
end

function Value._pow_value(self, other)
  local out = new(ieee.pow(self.data, other.data), {self, other}, "**")

  out._backward = Value._pow_value_backward
  return out
end

function Value._pow_value_backward(self)
  local a, b = self._prev[1], self._prev[2]
  if b.data ~= 0.0 then
    a.grad = a.grad + self.grad * (b.data * ieee.pow(a.data, b.data - 1.0))
  end
  -- torch: d(a^b)/db is 0 where a == 0 and b >= 0 (not 0 * -inf);
  -- it still multiplies by the upstream gradient, so nan flows on.
  local dlocal = self.data * ieee.log(a.data)
  if a.data == 0.0 and b.data >= 0.0 then dlocal = 0.0 end
  b.grad = b.grad + self.grad * dlocal
end

-- -- unary ops --------------------------------------------------------------

function Value.neg(self)
  local out = new(-self.data, {self}, "neg")

  out._backward = Value._neg_backward
  return out
end

function Value._neg_backward(self)
  local a = self._prev[1]
  a.grad = a.grad + -self.grad
end

function Value.relu(self)
  local out = new(self.data < 0.0 and 0.0 or self.data, {self}, "relu")

  out._backward = Value._relu_backward
  return out
end

function Value._relu_backward(self)
  -- torch: the gradient passes unless the output is <= 0 (0 at the kink).
  if not (self.data <= 0.0) then
    local a = self._prev[1]
    a.grad = a.grad + self.grad
  end
end

function Value.tanh(self)
  local t = ieee.tanh(self.data)
  local out = new(t, {self}, "tanh")

  out._backward = Value._tanh_backward
  return out
end

function Value._tanh_backward(self)
  local a, t = self._prev[1], self.data
  -- (1 - t)(1 + t) is 1 - t^2 without the cancellation near |t| = 1:
  -- 1 - t*t loses up to 25 bits there (torch rounds it once, with an FMA).
  a.grad = a.grad + self.grad * ((1.0 - t) * (1.0 + t))
end

function Value.exp(self)
  local out = new(ieee.exp(self.data), {self}, "exp")

  out._backward = Value._exp_backward
  return out
end

function Value._exp_backward(self)
  local a = self._prev[1]
  a.grad = a.grad + self.grad * self.data
end

function Value.log(self)
  local out = new(ieee.log(self.data), {self}, "log")

  out._backward = Value._log_backward
  return out
end

function Value._log_backward(self)
  local a = self._prev[1]
  a.grad = a.grad + ieee.div(self.grad, a.data)
end

function Value.sigmoid(self)
  local s = ieee.div(1.0, 1.0 + ieee.exp(-self.data))
  local out = new(s, {self}, "sigmoid")

  out._backward = Value._sigmoid_backward
  return out
end

function Value._sigmoid_backward(self)
  local a, s = self._prev[1], self.data
  a.grad = a.grad + self.grad * (1.0 - s) * s
end

-- -- fused n-ary ops (speed; same values as the chain of binary ops) ---------

-- start + v1 + v2 + ..., added left to right like the chain of `+`.
function Value.sum(values, start)
  start = as_value(start or 0.0)
  local total = start.data
  local children = {start}
  for i = 1, #values do
    total = total + values[i].data
    children[i + 1] = values[i]
  end
  local out = new(total, children, "sum")

  out._backward = Value._sum_backward
  return out
end

function Value._sum_backward(self)
  local children = self._prev
  for i = 1, #children do
    local child = children[i]
    child.grad = child.grad + self.grad
  end
end

-- start + w1*x1 + w2*x2 + ..., rounded like the chain of `*` and `+`.
function Value.dot(ws, xs, start)
  start = as_value(start or 0.0)
  local n = #ws
  assert(n == #xs, "dot needs two lists of the same length")
  local xv = {}
  for i = 1, n do
    xv[i] = as_value(xs[i])
  end
  local total = start.data
  local children = {start}
  for i = 1, n do
    total = total + ws[i].data * xv[i].data
    children[1 + i] = ws[i]
    children[1 + n + i] = xv[i]
  end
  local out = new(total, children, "dot")

  out._backward = Value._dot_backward
  return out
end

-- _prev is {start, w1..wn, x1..xn}
local floor = math.floor
function Value._dot_backward(self)
  local children, g = self._prev, self.grad
  local start, n = children[1], floor((#children - 1) / 2)
  start.grad = start.grad + g
  for i = 1, n do
    local w, x = children[1 + i], children[1 + n + i]
    w.grad = w.grad + x.data * g
    x.grad = x.grad + w.data * g
  end
end

-- -- backward -----------------------------------------------------------------

-- Every node below self, children before parents.
--
-- One iterative depth-first walk: children are visited in argument order and
-- a node is emitted once all its children are, exactly as the recursive walk
-- of micrograd would, but without recursion.  A node is marked visited by
-- writing the walk's token into its _walk field, which the walk reads anyway:
-- a table of visited nodes would be read at random addresses, and over a
-- million nodes that no longer fits in any cache.  The token is a number (the
-- walk's), not a fresh table: storing a table into a node the incremental
-- collector has already marked makes it traverse that node again.
local walks = 0  -- walks so far

function Value.topological_order(self)
  walks = walks + 1
  local walk = walks
  local topo, ntopo = {}, 0
  self._walk = walk
  local nodes, next_child, depth = {self}, {1}, 1
  while depth > 0 do
    local node = nodes[depth]
    local i = next_child[depth]
    local prev = node._prev
    if i <= #prev then
      next_child[depth] = i + 1
      local child = prev[i]
      if child._walk ~= walk then
        child._walk = walk
        depth = depth + 1
        nodes[depth] = child
        next_child[depth] = 1
      end
    else
      nodes[depth] = nil
      next_child[depth] = nil
      depth = depth - 1
      ntopo = ntopo + 1
      topo[ntopo] = node
    end
  end
  return topo
end

function Value.backward(self)
  local topo = self:topological_order()
  self.grad = 1.0
  for i = #topo, 1, -1 do
    topo[i]:_backward()
  end
end

-- -- the operators, with a number on either side -------------------------------
-- `2 * v` makes Value(2) * v, as Python's __rmul__ does.

local function lift(a)
  if type(a) == "number" then
    return new(a)
  end
  return a
end

Value.__add = function(a, b) return Value.add(lift(a), b) end
Value.__sub = function(a, b) return Value.sub(lift(a), b) end
Value.__mul = function(a, b) return Value.mul(lift(a), b) end
Value.__div = function(a, b) return Value.div(lift(a), b) end
Value.__unm = function(a) return Value.neg(a) end
Value.__pow = function(a, b)
  if type(a) == "number" then  -- number ^ Value, as Python's __rpow__
    return new(a):_pow_value(b)
  end
  return Value.pow(a, b)
end

-- The p-digit decimal nearest x: sign, digit string, decimal exponent.
local function decimal(x, p)
  local sign, first, rest, e = format("%." .. (p - 1) .. "e", x):match("^(-?)(%d)%.?(%d*)e([-+]%d+)$")
  return sign, first .. rest, tonumber(e)
end

-- The digit string one unit up ("1299" -> "1300"); a carry out of the first
-- digit ("999" -> "1000") moves the decimal exponent up by one.
local function next_up(digits, e)
  local i = #digits
  while i > 0 and digits:sub(i, i) == "9" do
    i = i - 1
  end
  if i == 0 then
    return "1" .. ("0"):rep(#digits - 1), e + 1
  end
  return digits:sub(1, i - 1) .. char(digits:byte(i) + 1) .. ("0"):rep(#digits - i), e
end

local function reads_back(sign, digits, e, x)
  return tonumber(sign .. digits .. "e" .. (e - #digits + 1)) == x
end

-- Python's repr of a float: the shortest decimal that reads back as x
-- (the nearest one of that length), positional for decimal exponents -4 to
-- 15 ("0.0001", "1000000000000000.0"), scientific outside ("1e-05", "1e+16").
fmt_number = function(x)
  if x ~= x then
    return "nan"
  elseif x == INF or x == -INF then
    return x > 0.0 and "inf" or "-inf"
  end
  -- A normal double's shortest decimal, padded with zeros, is its 15-digit
  -- rounding; a subnormal has fewer bits, so its search starts at 1 digit.
  local fewest = (x > -2.2250738585072014e-308 and x < 2.2250738585072014e-308) and 1 or 15
  local sign, digits, e
  for p = fewest, 17 do
    sign, digits, e = decimal(x, p)
    if reads_back(sign, digits, e, x) then
      break
    end
    -- a power of two has twice the room above it as below: the decimal one
    -- unit up can read back where the nearest (below) does not
    local up, e_up = next_up(digits, e)
    if reads_back(sign, up, e_up, x) then
      digits, e = up, e_up
      break
    end
  end
  digits = digits:gsub("0+$", "")
  if digits == "" then  -- 0.0 or -0.0
    digits = "0"
  end
  if e < -4 or e >= 16 then
    local mantissa = #digits > 1 and digits:sub(1, 1) .. "." .. digits:sub(2) or digits
    return format("%s%se%s%02d", sign, mantissa, e < 0 and "-" or "+", e < 0 and -e or e)
  elseif e < 0 then
    return sign .. "0." .. ("0"):rep(-e - 1) .. digits
  elseif #digits <= e + 1 then
    return sign .. digits .. ("0"):rep(e + 1 - #digits) .. ".0"
  end
  return sign .. digits:sub(1, e + 1) .. "." .. digits:sub(e + 2)
end
Value.format_number = fmt_number

Value.__tostring = function(self)
  local label = ""
  if self.label ~= "" then
    label = format("label=%q, ", self.label)
  end
  return format("Value(%sdata=%s, grad=%s)", label, fmt_number(self.data), fmt_number(self.grad))
end

return Value

-- A seeded PRNG that every engine reproduces to the bit.
--
-- python_ref/rng.py line by line; read its docstring for the why.
-- Algorithm: L'Ecuyer's MRG32k3a combined multiple recursive generator in
-- double precision: every product is an integer below 2^53, so + - * / and
-- floor are exact and give the same bits in Python, Lua 5.1 (no integers, no
-- bit operations), Lua 5.3+ and LuaJIT.  gauss() uses portable_log, built
-- from + - * / only, because libm's log differs by an ulp on some runtimes.

local floor, sqrt = math.floor, math.sqrt
local setmetatable, assert = setmetatable, assert

local M1 = 4294967087.0
local M2 = 4294944443.0
local A12 = 1403580.0
local A13N = 810728.0
local A21 = 527612.0
local A23N = 1370589.0
local NORM = 1.0 / (M1 + 1.0)
local LN2 = 0.6931471805599453

-- a mod m for integral doubles; the corrections cover a rounded a/m.
-- (On Lua 5.3+ floor returns an integer below 2^53: k * m is still exact.)
local function _mod(a, m)
  local r = a - floor(a / m) * m
  if r < 0.0 then
    r = r + m
  end
  if r >= m then
    r = r - m
  end
  return r
end

-- Natural log of a positive finite x using + - * / only (about 1 ulp).
local function portable_log(x)
  local e = 0.0
  while x >= 2.0 do
    x = x / 2.0
    e = e + 1.0
  end
  while x < 1.0 do
    x = x * 2.0
    e = e - 1.0
  end
  if x > 1.4142135623730951 then  -- centre the mantissa on 1: |z| <= 0.172
    x = x / 2.0
    e = e + 1.0
  end
  local z = (x - 1.0) / (x + 1.0)
  local z2 = z * z
  -- log(x) = 2 * atanh(z) = 2 * (z + z^3/3 + z^5/5 + ...), a fixed 20 terms.
  local term = z
  local total = 0.0
  local k = 1.0
  for _ = 1, 20 do
    total = total + term / k
    term = term * z2
    k = k + 2.0
  end
  return 2.0 * total + e * LN2
end

local Rng = {}
Rng.__index = Rng
Rng._mod = _mod
Rng.portable_log = portable_log

-- Rng(seed): seed an integer in [0, 2^53), default 0.
local function new(seed)
  seed = (seed or 0) * 1.0
  assert(seed >= 0.0 and seed == floor(seed) and seed < 2.0 ^ 53,
    "the seed must be an integer in [0, 2**53)")
  local x = _mod(seed, 2147483646.0) + 1.0
  local words = {}
  for i = 1, 6 do
    x = _mod(x * 16807.0, 2147483647.0)
    words[i] = x
  end
  local self = setmetatable({}, Rng)
  self.s1 = {words[1], words[2], words[3]}
  self.s2 = {words[4], words[5], words[6]}
  self._spare = nil  -- the polar method makes gaussians in pairs
  return self
end
setmetatable(Rng, {__call = function(_, seed) return new(seed) end})

function Rng:random()
  local s1, s2 = self.s1, self.s2
  local p1 = _mod(A12 * s1[2] - A13N * s1[1], M1)
  self.s1 = {s1[2], s1[3], p1}
  local p2 = _mod(A21 * s2[3] - A23N * s2[1], M2)
  self.s2 = {s2[2], s2[3], p2}
  if p1 <= p2 then
    return (p1 - p2 + M1) * NORM
  end
  return (p1 - p2) * NORM
end

function Rng:uniform(a, b)
  return a + (b - a) * self:random()
end

function Rng:gauss(mu, sigma)
  mu = mu or 0.0
  sigma = sigma or 1.0
  if self._spare ~= nil then
    local z = self._spare
    self._spare = nil
    return mu + sigma * z
  end
  local u, v, s
  repeat
    u = 2.0 * self:random() - 1.0
    v = 2.0 * self:random() - 1.0
    s = u * u + v * v
  until 0.0 < s and s < 1.0
  local f = sqrt(-2.0 * portable_log(s) / s)
  self._spare = v * f
  return mu + sigma * (u * f)
end

return Rng

-- IEEE-754 versions of the float operations the engine needs.
--
-- python_ref/ieee.py in Lua: same names, same order.  Python needs that
-- module because CPython raises where C returns inf or nan; Lua's operators
-- already give C's results (x/0 is inf, log(0) is -inf), so here the helpers
-- only make the nan results the same bits as python_ref's (a positive quiet
-- nan, as math.nan) and mend three LuaJIT 2.0 results (exp of a huge x, pow
-- beyond int32, integer powers).  Python's _is_odd_integer serves its
-- overflow and pole branches, which Lua's ^ handles itself.  Lua needs one
-- thing more: portable_tanh, because Lua 5.3+ have no math.tanh.

local exp, log, abs, floor, fmod = math.exp, math.log, math.abs, math.floor, math.fmod
local frexp, ldexp = math.frexp, math.ldexp   -- nil on Lua 5.3+, used only on LuaJIT 2.0

local ieee = {}

local INF = 1.0 / 0.0
local zero = 0.0
local NAN = abs(zero / zero)  -- fabs clears the sign bit x86 sets on 0/0
ieee.INF = INF
ieee.NAN = NAN

-- a / b with IEEE results for a zero divisor (the nan positive, as in Python).
function ieee.div(a, b)
  if b == 0.0 and (a == 0.0 or a ~= a) then
    return NAN
  end
  return a / b
end

-- C's exp: inf on overflow, 0 on underflow.  Above 709.79 every exp
-- overflows; saying so up front also covers LuaJIT 2.0, whose exp(1e300)
-- returns 1.44e300 instead of inf.
function ieee.exp(x)
  if x > 709.79 then
    return INF
  end
  return exp(x)
end

function ieee.log(x)
  if x > 0.0 or x ~= x then
    return log(x)
  end
  if x == 0.0 then
    return -INF
  end
  return NAN
end

-- An exponent LuaJIT's compiler must not see as a constant (below).
local opaque = {zero = 0.0}

-- LuaJIT 2.0 computes x^k for an integer k (|k| < 2^31) by repeated
-- multiplication, interpreter and compiled code alike: every product rounds,
-- so x^k drifts by about |k|/2 ulps, and x^-k, taken as 1/x^k, overflows or
-- underflows on the way where the result does not (up to 1e15 ulps at
-- k = -18).  Here such powers are computed in double-double arithmetic
-- (Dekker's exact product, about 104 bits) and rounded once: the correctly
-- rounded x^k, but for a true value within about |k| 2^-100 of a rounding
-- tie.  C's pow (python_ref's) is within 0.52 ulp of the true value, not
-- always correctly rounded either, so the two are at most 1 ulp apart
-- (harness/tolerances.py, luajit20's pow).
local LUAJIT20 = type(jit) == "table" and type(jit.version) == "string"
  and jit.version:find("^LuaJIT 2%.0") ~= nil
local SPLIT = 134217729.0                  -- 2^27 + 1: splits a double into two halves
local SMALLEST_NORMAL = 2.2250738585072014e-308   -- 2^-1022

-- a * b = p + e exactly (Dekker), for a, b in [1/4, 2]: nothing over- or underflows.
local function two_product(a, b)
  local p = a * b
  local t = SPLIT * a
  local a1 = t - (t - a)
  local a2 = a - a1
  t = SPLIT * b
  local b1 = t - (t - b)
  local b2 = b - b1
  return p, ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2
end

-- hi + lo with hi = the double nearest to it, scaled to hi in [1/2, 1):
-- (hi, lo, the power of two taken out).
local function normalised(p, e)
  local hi = p + e
  local lo = e - (hi - p)
  local m, k = frexp(hi)
  return m, ldexp(lo, -k), k
end

-- |x|^n for an integer n >= 1, as (hi + lo) * 2^e, by squaring.
local function power_dd(x, n)
  local bh, be = frexp(x)
  local bl = 0.0
  local rh, rl, re = 1.0, 0.0, 0
  while true do
    if n % 2 == 1 then
      local p, e = two_product(rh, bh)
      local k
      rh, rl, k = normalised(p, e + (rh * bl + rl * bh))
      re = re + be + k
    end
    n = floor(n / 2)
    if n == 0 then
      return rh, rl, re
    end
    local p, e = two_product(bh, bh)
    local k
    bh, bl, k = normalised(p, e + 2.0 * bh * bl)
    be = 2 * be + k
  end
end

-- 1 / (hi + lo), hi in [1/2, 1): q = 1/hi and one Newton step.
local function reciprocal_dd(hi, lo)
  local q = 1.0 / hi
  local p, e = two_product(q, hi)
  local r = ((1.0 - p) - e) - q * lo   -- 1 - q (hi + lo)
  return normalised(q, q * r)
end

-- (hi + lo) * 2^e rounded once to a double (hi in [1/2, 1), the double
-- nearest to hi + lo): a subnormal result rounds hi, and lo decides a tie.
local function rounded(hi, lo, e)
  if e > 1024 then
    return INF
  elseif e >= -1021 then
    return ldexp(hi, e)          -- a normal double: exact
  elseif e < -1074 then
    return 0.0                   -- below half the smallest subnormal
  end
  local h = ldexp(hi, e + 1022)  -- exact; one multiplication rounds to a subnormal
  local r = h * SMALLEST_NORMAL
  local back = r / SMALLEST_NORMAL
  local off = h - back
  if abs(off) == 1.1102230246251565e-16 and lo ~= 0.0 and (lo > 0.0) == (off > 0.0) then
    r = (back + 2.0 * off) * SMALLEST_NORMAL   -- h was a tie, and lo lies beyond it
  end
  return r
end

-- x^n for a finite nonzero x and an integer n, 2 <= |n| <= 2^31.
local function integer_power(x, n)
  local hi, lo, e = power_dd(abs(x), abs(n))
  if n < 0 then
    local k
    hi, lo, k = reciprocal_dd(hi, lo)
    e = k - e
  end
  local r = rounded(hi, lo, e)
  if x < 0.0 and fmod(n, 2.0) ~= 0.0 then  -- an odd exponent keeps the sign
    r = -r
  end
  return r
end

-- C99 pow (Lua's ^), with python_ref's positive nan for a negative finite base
-- and a non-integer exponent.  LuaJIT 2.0's ^ also gives nan for a negative
-- base and an integer exponent of magnitude >= 2^31 (it tests integrality
-- through int32), where C gives +-|x|^y, and drops the sign of -inf or -0.0
-- raised to such an odd exponent: both cases are computed here.
--
-- y + opaque.zero is y (and x^-0 is x^0): a table field is never a constant
-- to LuaJIT's compiler, so neither is the sum.  Where a trace holds the
-- exponent as a constant (a literal, or the upvalue of one of a function's
-- first closures), the compiler rewrites x^k: LuaJIT 2.0 as (1/x)^n
-- multiplied out for k = -n and as sqrt for 0.5, LuaJIT 2.1 as x*x for 2,
-- other bits than its interpreter's (2.0: x^-2 at 10,598 of 20,000 points).
function ieee.pow(x, y)
  if LUAJIT20 and y == floor(y) and abs(y) >= 2.0 and y >= -2147483648.0 and y < 2147483648.0
      and x ~= 0.0 and abs(x) < INF then
    return integer_power(x, y)   -- int32 exponents, -2^31 included, as LuaJIT tells them
  end
  local r = x ^ (y + opaque.zero)
  if LUAJIT20 and abs(y) >= 2147483648.0 and abs(fmod(y, 2.0)) == 1.0
      and (x == -INF or (x == 0.0 and 1.0 / x < 0.0)) then
    return -r  -- its +-0 or +inf: an odd exponent keeps -inf's and -0's sign
  end
  if r ~= r and x == x and y == y then
    if x < 0.0 and y == floor(y) then
      r = abs(x) ^ y
      if fmod(y, 2.0) ~= 0.0 then  -- an odd exponent keeps the sign
        r = -r
      end
      return r
    end
    return NAN
  end
  return r
end

-- tanh for Lua 5.3+, which has no math.tanh.  Measured against C's tanh
-- (CPython's math.tanh) over 3 million points from 1e-9 to 23: at most 2 ulp
-- (98.9% within 1 ulp).  tests/lua/test_lua_libm.py measures it again.
--   |x| < 2^-28: tanh(x) rounds to x (the x^3/3 term is below half an ulp);
--   |x| < 0.7: the odd Taylor series x + x*z*P(z), z = x^2, 24 terms
--     (radius pi/2; keeps full relative precision near 0, no cancellation);
--   |x| <= 22: 1 - 2/(exp(2|x|) + 1);
--   beyond: 1 (tanh(22) rounds to 1), so tanh(400) == 1 without overflow.
-- Coefficients of x^3, x^5, ... : 2^2n (2^2n - 1) B_2n / (2n)!.
local TANH_SERIES = {
  -0.33333333333333331, 0.13333333333333333, -0.053968253968253971,
  0.021869488536155203, -0.0088632355299021973, 0.0035921280365724811,
  -0.0014558343870513183, 0.00059002744094558595, -0.00023912911424355248,
  9.6915379569294509e-05, -3.9278323883316833e-05, 1.5918905069328964e-05,
  -6.4516892156554306e-06, 2.6147711512907546e-06, -1.0597268320104654e-06,
  4.2949110782738057e-07, -1.7406618963571648e-07, 7.0546369464009681e-08,
  -2.859136662305254e-08, 1.1587644432798853e-08, -4.6962953982309016e-09,
  1.9033368339312759e-09, -7.713933635359062e-10, 3.1263395458920869e-10,
}
local N_SERIES = #TANH_SERIES

function ieee.portable_tanh(x)
  if x ~= x then
    return x
  end
  local a = abs(x)
  local r
  if a < 3.7252902984619141e-09 then  -- 2^-28; keeps -0.0 and tiny x as they are
    return x
  elseif a < 0.7 then
    local z = a * a
    local p = TANH_SERIES[N_SERIES]
    for i = N_SERIES - 1, 1, -1 do
      p = p * z + TANH_SERIES[i]
    end
    r = a + a * (z * p)
  elseif a <= 22.0 then
    r = 1.0 - 2.0 / (exp(2.0 * a) + 1.0)
  else
    r = 1.0
  end
  if x < 0.0 then
    return -r
  end
  return r
end

-- libm's tanh where the runtime has it (bit-identical with CPython's).
ieee.tanh = math.tanh or ieee.portable_tanh

return ieee

-- The Lua port's spec: micrograd's own checks, the lecture's examples, IEEE
-- edge values of every op and the PRNG's test vectors, against python_ref's
-- values (spec/expected.lua, generated) to the bit.
--
-- Written for busted (cd lua_port && busted); tests/lua/test_lua_spec.py also
-- runs it on every lupa runtime with the same assertions (luassert) and a
-- small describe/it collector of its own.
--
-- Where libm differs, and only there, values are compared within an ulp bound:
-- * Lua 5.3+ have no math.tanh; ieee.lua's portable_tanh is within 2 ulp of C's
--   (measured over 3 million points, and again in tests/lua/test_lua_libm.py),
--   so the values that go through tanh get TANH_ULPS = 2 there.
-- * LuaJIT 2.0's own exp, log and pow are up to 1 ulp off C's at ordinary
--   points (25 ulp for x^n, |n| <= 40: repeated multiplication), measured in
--   tests/lua/test_lua_libm.py; every case of this spec is exact on it.
local mg = require("micrograd")
local say = require("say")

local Value, Rng = mg.Value, mg.Rng
local abs, floor, log = math.abs, math.floor, math.log
local format = string.format

local INF = 1.0 / 0.0
local NEG_ZERO = -1.0 / INF  -- computed: Lua 5.1/5.2 merge the constants 0.0 and -0.0
local NAN = mg.ieee.NAN

local RUNTIME = rawget(_G, "jit") and jit.version or _VERSION
local EXACT_TANH = math.tanh ~= nil
local TANH_ULPS = 2

local function show(x)
  return Value.format_number(x)
end

-- the spacing of doubles at |x|
local function ulp(x)
  x = abs(x)
  if x < 2.2250738585072014e-308 then
    return 4.9406564584124654e-324
  end
  local e = floor(log(x) / log(2.0))
  local p = 2.0 ^ e
  if p > x then
    p = p / 2.0
  elseif p * 2.0 <= x then
    p = p * 2.0
  end
  return p * 2.220446049250313e-16
end

-- the sign bit: true for -0.0 as well
local function negative(x)
  return x < 0.0 or 1.0 / x < 0.0
end

-- ulps between two doubles: 0 when identical (nan matches nan), inf when
-- their signs differ (0.0 and -0.0 included) or one is infinite
local function ulps(a, b)
  if a ~= a or b ~= b then
    return (a ~= a and b ~= b) and 0 or INF
  end
  if negative(a) ~= negative(b) then
    return INF
  end
  if a == b then
    return 0
  end
  if a == INF or a == -INF or b == INF or b == -INF then
    return INF
  end
  local small = abs(a) < abs(b) and a or b
  return abs(a - b) / ulp(small)
end

-- assert.are.within_ulps(expected, actual, bound[, message]): the same double
-- (nan matches nan, 0.0 does not match -0.0) or at most bound ulps apart;
-- assert.are.bitwise_equal(expected, actual[, message]) is bound 0.  The
-- message shows the numbers as python_ref prints them.
local function within_ulps(state, arguments)
  local expected, actual, bound = arguments[1], arguments[2], arguments[3]
  if arguments[4] ~= nil then
    state.failure_message = arguments[4]
  end
  local distance = ulps(actual, expected)
  arguments[1], arguments[2] = show(actual), show(expected)
  arguments[3] = show(distance) .. (bound > 0 and " (bound " .. bound .. ")" or "")
  arguments.n, arguments.nofmt = 3, {true, true, true}
  return distance <= bound
end

local function bitwise_equal(state, arguments)
  arguments[4], arguments[3] = arguments[3], 0
  return within_ulps(state, arguments)
end

say:set("assertion.within_ulps.positive", "Expected the same double.\nGot:      %s\nExpected: %s\nulps apart: %s")
say:set("assertion.within_ulps.negative", "Expected another double than %s (%s, %s ulps apart)")
assert:register("assertion", "within_ulps", within_ulps,
  "assertion.within_ulps.positive", "assertion.within_ulps.negative")
assert:register("assertion", "bitwise_equal", bitwise_equal,
  "assertion.within_ulps.positive", "assertion.within_ulps.negative")

local function num(s)
  if s == "inf" then return INF end
  if s == "-inf" then return -INF end
  if s == "nan" then return NAN end
  if s == "-0.0" then return NEG_ZERO end
  return tonumber(s) * 1.0
end

-- python_ref's values, generated (tests/lua/spec_values.py)
local GENERATED = require("spec.expected")

describe("micrograd on " .. RUNTIME, function()

  describe("micrograd's own checks", function()
    it("sanity check", function()
      local x = Value(-4.0)
      local z = 2 * x + 2 + x
      local q = z:relu() + z * x
      local h = (z * z):relu()
      local y = h + q + q * x
      y:backward()
      assert.are.bitwise_equal(-20.0, y.data, "y")
      assert.are.bitwise_equal(46.0, x.grad, "dy/dx")
    end)

    it("README example", function()
      local a = Value(-4.0)
      local b = Value(2.0)
      local c = a + b
      local d = a * b + b ^ 3
      c = c + c + 1
      c = c + 1 + c + (-a)
      d = d + d * 2 + (b + a):relu()
      d = d + 3 * d + (b - a):relu()
      local e = c - d
      local f = e ^ 2
      local g = f / 2.0
      g = g + 10.0 / f
      g:backward()
      assert.are.bitwise_equal(24.70408163265306, g.data, "g")
      assert.are.bitwise_equal(138.83381924198252, a.grad, "dg/da")
      assert.are.bitwise_equal(645.5772594752186, b.grad, "dg/db")
    end)
  end)

  describe("the lecture", function()
    local L = GENERATED.lecture

    local function f(x)
      return 3 * x ^ 2 - 4 * x + 5
    end

    it("f(x) = 3x^2 - 4x + 5, its gradient and numeric slope", function()
      assert.are.bitwise_equal(20.0, f(3.0), "f(3) is 20")
      for name, x0 in pairs({["3"] = 3.0, m3 = -3.0, ["2_3"] = 2.0 / 3.0}) do
        local x = Value(x0)
        local y = f(x)
        y:backward()
        assert.are.bitwise_equal(num(L["f_" .. name]), y.data, "f(" .. name .. ")")
        assert.are.bitwise_equal(num(L["df_" .. name]), x.grad, "f'(" .. name .. ")")
        local h = 0.00001
        assert.are.bitwise_equal(num(L["slope_" .. name]), (f(x0 + h) - f(x0)) / h, "slope at " .. name)
      end
      assert.are.bitwise_equal(14.00003000000538, num(L.slope_3), "slope at 3 with h = 0.00001")
    end)

    it("L = -8 and every gradient", function()
      local a, b, c, fv = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
      local e = a * b
      local d = e + c
      local loss = d * fv
      loss:backward()
      assert.are.bitwise_equal(-8.0, loss.data, "L")
      local want = {{loss, 1.0}, {fv, 4.0}, {d, -2.0}, {e, -2.0}, {c, -2.0}, {b, -4.0}, {a, 6.0}}
      for i, pair in ipairs(want) do
        assert.are.bitwise_equal(pair[2], pair[1].grad, "grad " .. i)
      end
    end)

    it("the tanh neuron, with tanh and through exp", function()
      for _, form in ipairs({"tanh", "exp"}) do
        local x1, x2, w1, w2 = Value(2.0), Value(0.0), Value(-3.0), Value(1.0)
        local b = Value(6.8813735870195432)
        local n = x1 * w1 + x2 * w2 + b
        local o
        if form == "tanh" then
          o = n:tanh()
        else
          local e = (2 * n):exp()
          o = (e - 1) / (e + 1)
        end
        o:backward()
        -- only the tanh form goes through Lua 5.3+'s own tanh
        local bound = (form == "tanh" and not EXACT_TANH) and TANH_ULPS or 0
        local got = {o = o.data, x1 = x1.grad, x2 = x2.grad, w1 = w1.grad, w2 = w2.grad, n = n.grad}
        for name, value in pairs(got) do
          assert.are.within_ulps(num(L["neuron_" .. form .. "_" .. name]), value, bound,
            form .. " neuron " .. name)
        end
        -- the lecture prints 0.7071067811865476 (its tanh is written through exp);
        -- C's tanh rounds this n to the next double up
        assert.are.within_ulps(0.7071067811865476, o.data, 1, form .. " neuron o ~ 0.7071")
      end
    end)
  end)

  describe("graphs", function()
    it("a node used twice gets both gradients: b = a + a, f = (a*b)*(a+b)", function()
      local a = Value(3.0)
      local b = a + a
      b:backward()
      assert.are.bitwise_equal(6.0, b.data, "b")
      assert.are.bitwise_equal(2.0, a.grad, "db/da")
      local a2, b2 = Value(-2.0), Value(3.0)
      local d = a2 * b2
      local e = a2 + b2
      local fv = d * e
      fv:backward()
      assert.are.bitwise_equal(-6.0, fv.data, "f")
      assert.are.bitwise_equal(-3.0, a2.grad, "df/da")
      assert.are.bitwise_equal(-8.0, b2.grad, "df/db")
    end)

    it("gradients accumulate; zero_grad resets the parameters", function()
      local n = mg.Neuron(3, {nonlin = "tanh", rng = Rng(1)})
      local x = {1.0, -2.0, 0.5}
      n(x):backward()
      local first = n.w[1].grad
      n(x):backward()
      assert.are.bitwise_equal(first + first, n.w[1].grad, "accumulated")
      n:zero_grad()
      for i, p in ipairs(n:parameters()) do
        assert.are.bitwise_equal(0.0, p.grad, "zeroed " .. i)
      end
    end)
  end)

  describe("floats everywhere", function()
    it("values are floats even on Lua 5.3+", function()
      local v = Value(4611686018427387904) * 4
      assert.are.bitwise_equal(1.8446744073709552e19, v.data, "2^62 * 4")
      assert.are.bitwise_equal(1.5, (Value(3) / 2).data, "Value(3) / 2")
      if math.type then
        assert.are.equal("float", math.type(Value(3).data))
        assert.are.equal("float", math.type((2 * Value(3)).grad))
      end
      assert.are.equal("Value(data=3.0, grad=0.0)", tostring(Value(3)))
    end)
  end)

  describe("IEEE edge values, as python_ref computes them", function()
    it("binary ops: Value op Value, Value ^ number, number ^ Value", function()
      for _, row in ipairs(GENERATED.binary) do
        local op, a, b = row[1], num(row[2]), num(row[3])
        local va, vb = Value(a), Value(b)
        local out
        if op == "add" then out = va + vb
        elseif op == "sub" then out = va - vb
        elseif op == "mul" then out = va * vb
        elseif op == "div" then out = va / vb
        elseif op == "pow" then out = va ^ vb
        elseif op == "powc" then out = va ^ b
        else out = a ^ vb end
        out:backward()
        local what = op .. "(" .. row[2] .. ", " .. row[3] .. ")"
        assert.are.bitwise_equal(num(row[4]), out.data, what)
        if op ~= "rpow" then
          assert.are.bitwise_equal(num(row[5]), va.grad, what .. " grad a")
        end
        if op ~= "powc" then
          assert.are.bitwise_equal(num(row[6]), vb.grad, what .. " grad b")
        end
      end
    end)

    it("unary ops", function()
      for _, row in ipairs(GENERATED.unary) do
        local op, x = row[1], num(row[2])
        local v = Value(x)
        local out
        if op == "neg" then out = -v else out = v[op](v) end
        out:backward()
        local bound = (op == "tanh" and not EXACT_TANH) and TANH_ULPS or 0
        assert.are.within_ulps(num(row[3]), out.data, bound, op .. "(" .. row[2] .. ")")
        assert.are.within_ulps(num(row[4]), v.grad, bound, op .. "(" .. row[2] .. ") grad")
      end
    end)

    it("tanh keeps its edges on every runtime", function()
      for _, tanh in ipairs({mg.ieee.tanh, mg.ieee.portable_tanh}) do
        assert.are.bitwise_equal(1.0, tanh(400.0), "tanh(400)")
        assert.are.bitwise_equal(-1.0, tanh(-400.0), "tanh(-400)")
        assert.are.bitwise_equal(1e-10, tanh(1e-10), "tanh(1e-10)")
        assert.are.bitwise_equal(NEG_ZERO, tanh(NEG_ZERO), "tanh(-0.0)")
        assert.are.bitwise_equal(1.0, tanh(INF), "tanh(inf)")
        assert.are.bitwise_equal(NAN, tanh(NAN), "tanh(nan)")
      end
    end)
  end)

  describe("the PRNG", function()
    it("test vectors equal python_ref's", function()
      for _, seed in ipairs({0, 42}) do
        local draws = {
          random = function(r) return r:random() end,
          uniform = function(r) return r:uniform(-1.0, 1.0) end,
          gauss = function(r) return r:gauss(0.0, 1.0) end,
        }
        for kind, draw in pairs(draws) do
          local r = Rng(seed)
          for i, want in ipairs(GENERATED.rng[kind .. "_" .. seed]) do
            assert.are.bitwise_equal(num(want), draw(r), format("Rng(%d) %s #%d", seed, kind, i))
          end
        end
      end
    end)

    it("the seed is checked", function()
      for _, bad in ipairs({-1, 0.5, 2.0 ^ 53}) do
        assert.has_error(function() Rng(bad) end, nil, "Rng(" .. show(bad) .. ")")
      end
    end)
  end)
end)

-- A test port with two classic bugs, written with functions instead of
-- metamethods (ad.add(a, b), ad.tanh(v), ...):
--   * tanh computed as (e^2x - 1) / (e^2x + 1): e^2x overflows from x = 355
--     (inf / inf = nan), and near 0 the subtraction cancels
--     (tanh(1e-10) is off by 8e-8 relative);
--   * division as a * b^-1, micrograd's way: two roundings instead of one.
-- API: ad.leaf(x), v.val, v.grad, ad.backward(v), and one function per op.

local ad = {}

local function leaf(x, parents, pull)
  return {val = x * 1.0, grad = 0.0, parents = parents or {}, pull = pull}
end

local function lift(x)
  if type(x) == "number" then return leaf(x) end
  return x
end

function ad.leaf(x)
  return leaf(x)
end

function ad.add(a, b)
  a, b = lift(a), lift(b)
  local out
  out = leaf(a.val + b.val, {a, b}, function()
    a.grad = a.grad + out.grad
    b.grad = b.grad + out.grad
  end)
  return out
end

function ad.mul(a, b)
  a, b = lift(a), lift(b)
  local out
  out = leaf(a.val * b.val, {a, b}, function()
    a.grad = a.grad + b.val * out.grad
    b.grad = b.grad + a.val * out.grad
  end)
  return out
end

function ad.neg(a)
  return ad.mul(a, -1)
end

function ad.sub(a, b)
  return ad.add(a, ad.neg(b))
end

function ad.pow(a, b)
  a = lift(a)
  local out
  if type(b) == "number" then
    out = leaf(a.val ^ b, {a}, function()
      a.grad = a.grad + b * a.val ^ (b - 1) * out.grad
    end)
  else
    out = leaf(a.val ^ b.val, {a, b}, function()
      a.grad = a.grad + b.val * a.val ^ (b.val - 1) * out.grad
      b.grad = b.grad + out.val * math.log(a.val) * out.grad
    end)
  end
  return out
end

function ad.div(a, b)
  return ad.mul(a, ad.pow(lift(b), -1))
end

local function unary(f, slope)
  return function(a)
    local out
    out = leaf(f(a.val), {a}, function()
      a.grad = a.grad + slope(a.val, out.val) * out.grad
    end)
    return out
  end
end

ad.relu = unary(function(x) return x < 0 and 0.0 or x end,
                function(_, y) return y > 0 and 1.0 or 0.0 end)
ad.tanh = unary(function(x)
                  local e = math.exp(2 * x)
                  return (e - 1) / (e + 1)
                end,
                function(_, t) return 1 - t * t end)
ad.exp = unary(math.exp, function(_, y) return y end)
ad.log = unary(math.log, function(x) return 1 / x end)
ad.sigmoid = unary(function(x) return 1 / (1 + math.exp(-x)) end,
                   function(_, s) return s * (1 - s) end)

function ad.backward(root)
  local order, done = {}, {}
  local stack = {root}
  local index = {[root] = 1}
  while #stack > 0 do
    local v = stack[#stack]
    local i = index[v]
    if v.parents[i] then
      index[v] = i + 1
      local p = v.parents[i]
      if not done[p] and not index[p] then
        index[p] = 1
        stack[#stack + 1] = p
      end
    else
      stack[#stack] = nil
      done[v] = true
      order[#order + 1] = v
    end
  end
  root.grad = 1.0
  for i = #order, 1, -1 do
    if order[i].pull then order[i].pull() end
  end
end

return ad

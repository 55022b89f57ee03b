"""What the nn library must give, observed the same way in both languages.

The corpus checks expressions, not nn.py / nn.lua, so nn mutants are judged
here: the same MLP (relu hidden layers, linear output: no libm function is
involved, so every engine must agree to the bit) is built from one seed; its
parameters, its loss on four samples and every parameter's gradient, twice
with zero_grad() in between, must equal python_ref's exactly.
"""
SEED = 4   # its outputs are of both signs, so a relu on the last layer shows
SIZES = (3, [4, 4, 1])
XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]
ROUNDS = 2   # the second round sees what zero_grad() left


def python_observations(package):
    """{what: list of floats} from a python_ref-like package (MLP)."""
    model = package.MLP(SIZES[0], SIZES[1], seed=SEED)
    params = model.parameters()
    seen = {"count": [float(len(params))], "params": [p.data for p in params]}
    for r in range(ROUNDS):
        model.zero_grad()
        loss = None
        for x, y in zip(XS, YS):
            term = (model(x) - y) ** 2
            loss = term if loss is None else loss + term
        loss.backward()
        seen[f"loss{r}"] = [loss.data]
        seen[f"grads{r}"] = [p.grad for p in model.parameters()]
    return seen


# The same, in Lua, with the port's micrograd loaded as `mg`.
LUA_OBSERVATIONS = """
local seed, nin, nouts, xs, ys, rounds = ...
local model = mg.MLP(nin, nouts, {seed = seed})
local params = model:parameters()
local seen = {count = {#params}, params = {}}
for i = 1, #params do seen.params[i] = params[i].data end
for r = 0, rounds - 1 do
  model:zero_grad()
  local loss
  for k = 1, #xs do
    local term = (model(xs[k]) - ys[k]) ^ 2
    if loss == nil then loss = term else loss = loss + term end
  end
  loss:backward()
  seen["loss" .. r] = {loss.data}
  local grads = {}
  local ps = model:parameters()
  for i = 1, #ps do grads[i] = ps[i].grad end
  seen["grads" .. r] = grads
end
return seen
"""


def lua_arguments():
    return (SEED, SIZES[0], list(SIZES[1]), XS, YS, ROUNDS)


def differences(reference, candidate):
    """Where candidate differs from reference: a list of short lines."""
    out = []
    for key, ref in reference.items():
        got = candidate.get(key)
        if got is None or len(got) != len(ref):
            out.append(f"nn {key}: expected {len(ref)} values, got "
                       f"{'none' if got is None else len(got)}")
            continue
        for i, (a, b) in enumerate(zip(ref, got)):
            if not (a == b or (a != a and b != b)):
                out.append(f"nn {key}[{i + 1}]: expected {a!r}, got {b!r}")
                break
    return out

"""The two-moons data set of micrograd's demo, from the shared PRNG.

Generated once, in Python, and handed to every engine as the same floats: the
angles come from Rng.random() and the noise from Rng.gauss(), but cos and sin
come from this machine's libm, which may differ from another runtime's by an
ulp.  Point i is on the upper moon (label -1) when i is even, on the lower
moon (label +1) when odd, as sklearn's make_moons lays them out, labels mapped
to -1/+1 as micrograd's demo does.
"""
import math

from micrograd_lab.python_ref.rng import Rng

N_POINTS = 100
NOISE = 0.1
DATA_SEED = 1


def make_moons(n=N_POINTS, noise=NOISE, seed=DATA_SEED):
    """(xs, ys): n points [x0, x1] and their labels -1.0 / +1.0."""
    rng = Rng(seed)
    xs, ys = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2 == 0:
            x0, x1, label = math.cos(t), math.sin(t), -1.0
        else:
            x0, x1, label = 1.0 - math.cos(t), 0.5 - math.sin(t), 1.0
        xs.append([x0 + rng.gauss(0.0, noise), x1 + rng.gauss(0.0, noise)])
        ys.append(label)
    return xs, ys

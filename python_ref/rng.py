"""A seeded PRNG that every engine reproduces to the bit.

Algorithm: L'Ecuyer's MRG32k3a combined multiple recursive generator
(Operations Research 47(1), 1999).  Its reference implementation already works
in double precision: every product is an integer below 2**53, so + - * / and
floor are exact and give the same bits in Python, in Lua 5.1 (which has no
integers and no bit operations), in Lua 5.3+ and in LuaJIT.

* Seeding: one integer seed (0 <= seed < 2**53) is spread over the six state
  words with the Park-Miller recurrence x = 16807 * x mod (2**31 - 1), starting
  from x = seed mod (2**31 - 2) + 1, so no word is zero.
* random(): a float in (0, 1) with 32 bits of randomness.
* uniform(a, b): a + (b - a) * random(), as Python's random.uniform.
* gauss(mu, sigma): Marsaglia's polar method.  It needs a logarithm; libm's
  log can differ by an ulp between runtimes (LuaJIT 2.0), so it uses
  portable_log below, built from + - * / only.  sqrt is correctly rounded
  by IEEE-754 everywhere.

lua_port/micrograd/rng.lua is the same code line by line.
"""
import math

M1 = 4294967087.0
M2 = 4294944443.0
A12 = 1403580.0
A13N = 810728.0
A21 = 527612.0
A23N = 1370589.0
NORM = 1.0 / (M1 + 1.0)
LN2 = 0.6931471805599453


def _mod(a, m):
    """a mod m for integral doubles; the corrections cover a rounded a/m."""
    r = a - math.floor(a / m) * m
    if r < 0.0:
        r = r + m
    if r >= m:
        r = r - m
    return r


def portable_log(x):
    """Natural log of a positive finite x using + - * / only (about 1 ulp)."""
    e = 0.0
    while x >= 2.0:
        x = x / 2.0
        e = e + 1.0
    while x < 1.0:
        x = x * 2.0
        e = e - 1.0
    if x > 1.4142135623730951:  # centre the mantissa on 1: |z| <= 0.172
        x = x / 2.0
        e = e + 1.0
    z = (x - 1.0) / (x + 1.0)
    z2 = z * z
    # log(x) = 2 * atanh(z) = 2 * (z + z**3/3 + z**5/5 + ...), a fixed 20 terms.
    term = z
    total = 0.0
    k = 1.0
    for _ in range(20):
        total = total + term / k
        term = term * z2
        k = k + 2.0
    return 2.0 * total + e * LN2


class Rng:
    def __init__(self, seed=0):
        seed = float(seed)
        if not (seed >= 0.0 and seed == math.floor(seed) and seed < 2.0 ** 53):
            raise ValueError(f"the seed must be an integer in [0, 2**53), got {seed!r}")
        x = _mod(seed, 2147483646.0) + 1.0
        words = []
        for _ in range(6):
            x = _mod(x * 16807.0, 2147483647.0)
            words.append(x)
        self.s1 = words[0:3]
        self.s2 = words[3:6]
        self._spare = None  # the polar method makes gaussians in pairs

    def random(self):
        s1, s2 = self.s1, self.s2
        p1 = _mod(A12 * s1[1] - A13N * s1[0], M1)
        self.s1 = [s1[1], s1[2], p1]
        p2 = _mod(A21 * s2[2] - A23N * s2[0], M2)
        self.s2 = [s2[1], s2[2], p2]
        if p1 <= p2:
            return (p1 - p2 + M1) * NORM
        return (p1 - p2) * NORM

    def uniform(self, a, b):
        return a + (b - a) * self.random()

    def gauss(self, mu=0.0, sigma=1.0):
        if self._spare is not None:
            z = self._spare
            self._spare = None
            return mu + sigma * z
        while True:
            u = 2.0 * self.random() - 1.0
            v = 2.0 * self.random() - 1.0
            s = u * u + v * v
            if 0.0 < s < 1.0:
                break
        f = math.sqrt(-2.0 * portable_log(s) / s)
        self._spare = v * f
        return mu + sigma * (u * f)

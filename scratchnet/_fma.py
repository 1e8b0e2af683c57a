"""Fused multiply-add, ``round(a * b + c)`` with a single rounding, for NumPy arrays.

NumPy has no ``fma``, but torch's random kernels are compiled with FMA contraction, so matching
their bits needs one. float32: the product of two float32 values is exact in float64; the sum
``p + c`` in float64 is then rounded once more to float32, which is wrong only when the float64
sum lands exactly on a float32 halfway point — there the exact error of the sum (TwoSum) says which
way to go. float64: the exact product is split into two doubles (Dekker's TwoProduct) and summed
with TwoSum; correct except in extremely rare halfway cases (documented, never seen in tests).

>>> import numpy as np
>>> bool(fma32(np.float32([0.1]), np.float32([10.0]), np.float32([-1.0]))[0] != np.float32(0.1) * np.float32(10) - 1)
True
"""

from .backend import xp


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fma32(a, b, c):
    """``a * b + c`` rounded once to float32 (a, b, c float32 arrays or scalars)."""
    a, b, c = (xp.asarray(v, dtype=xp.float32).astype(xp.float64) for v in (a, b, c))
    s, err = _two_sum(a * b, c)  # a * b is exact in float64
    r = s.astype(xp.float32)
    back = r.astype(xp.float64)
    # s exactly between two float32 neighbours: round-to-even may have gone the wrong way.
    other = xp.where(back > s, xp.nextafter(r, xp.float32(-xp.inf)), xp.nextafter(r, xp.float32(xp.inf)))
    halfway = (s - back) == -(s - other.astype(xp.float64))
    wrong = halfway & (err != 0) & ((other.astype(xp.float64) - s) * err > 0)
    return xp.where(wrong, other, r)


def fma64(a, b, c):
    """``a * b + c`` in float64 with (almost always) one rounding."""
    a, b, c = (xp.asarray(v, dtype=xp.float64) for v in (a, b, c))
    p = a * b
    with xp.errstate(over="ignore", invalid="ignore"):
        ah, al = _split(a)
        bh, bl = _split(b)
        pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # p + pe == a * b exactly
        s, se = _two_sum(p, c)
        err = se + pe
        out = xp.where(err == 0, s, s + err)  # adding a zero error would lose the sign of a zero sum
    return xp.where(xp.isfinite(out), out, p + c)


def _split(x):
    t = 134217729.0 * x  # 2**27 + 1: Veltkamp's split into two 26-bit halves
    hi = t - (t - x)
    return hi, x - hi

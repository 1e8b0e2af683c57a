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


#: float64 bits below float32's precision, and the pattern of an exact float32 halfway point.
_BELOW_SINGLE, _HALFWAY = xp.uint64((1 << 29) - 1), xp.uint64(1 << 28)
#: float32's exponent field, and its value at the smallest normal number.
_EXPONENT, _SMALLEST_NORMAL = xp.uint32(0x7F800000), xp.uint32(0x00800000)


def fma32(a, b, c):
    """``a * b + c`` rounded once to float32 (a, b, c float32 arrays or scalars).

    The float64 sum is rounded to float32 for every element; only the few elements where that
    may be wrong (the sum on a float32 halfway point, or a result at float32's subnormal end)
    go through :func:`_fma32_exact`. (A sum past float32's range is rounded right: to inf, or on
    a halfway point.) torch's normal sampler on 4M float32: 3.5 s with every element through it,
    1.1 s this way."""
    a, b, c = (xp.asarray(v, dtype=xp.float32) for v in (a, b, c))
    if a.ndim == b.ndim == c.ndim == 0:
        return _fma32_exact(a, b, c)
    s = xp.multiply(a, b, dtype=xp.float64)  # exact in float64
    s += c
    r = xp.asarray(s.astype(xp.float32))
    suspect = (s.view(xp.uint64) & _BELOW_SINGLE) == _HALFWAY
    suspect |= (r.view(xp.uint32) & _EXPONENT) <= _SMALLEST_NORMAL  # rounded at a float32 subnormal's place (and 0)
    at = xp.nonzero(suspect)
    if at[0].size:
        shape = r.shape
        r[at] = _fma32_exact(*(xp.broadcast_to(v, shape)[at] for v in (a, b, c)))
    return r


def _fma32_exact(a, b, c):
    """fma32 element by element with the exact error of the sum: right on every input."""
    a, b, c = (v.astype(xp.float64) for v in (a, b, c))
    s, err = _two_sum(a * b, c)  # a * b is exact in float64
    r = s.astype(xp.float32)
    back = r.astype(xp.float64)
    # s exactly between two float32 neighbours: round-to-even may have gone the wrong way.
    other = xp.where(back > s, xp.nextafter(r, xp.float32(-xp.inf)), xp.nextafter(r, xp.float32(xp.inf)))
    halfway = (s - back) == -(s - other.astype(xp.float64))
    wrong = halfway & (err != 0) & ((other.astype(xp.float64) - s) * err > 0)
    return xp.where(wrong, other, r)


def fma64(a, b, c):
    """``a * b + c`` in float64 with one rounding.

    The exact result is ``s + u + v``: ``s`` the rounded sum of the rounded product and ``c``,
    ``u + v`` the exact sum of the two rounding errors. ``r = s + u`` rounded is right unless
    ``s + u`` fell exactly halfway between two doubles and ``v`` (which rounding dropped) lies on
    the far side: then the neighbour beyond the halfway point is. (1.5 * 3e38 - 1e-10 is such a
    case: a plain ``s + (u + v)`` gave the double above torch's.)"""
    a, b, c = (xp.asarray(v, dtype=xp.float64) for v in (a, b, c))
    with xp.errstate(over="ignore", invalid="ignore"):
        p = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        pe = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # p + pe == a * b exactly
        s, se = _two_sum(p, c)
        u, v = _two_sum(pe, se)  # u + v == pe + se exactly
        r, e = _two_sum(s, u)
        beyond = xp.nextafter(r, xp.where(e > 0, xp.inf, -xp.inf))  # the neighbour of r on e's side
        wrong = (e != 0) & (beyond - r == 2 * e) & (v != 0) & ((v > 0) == (e > 0))
        out = xp.where(wrong, beyond, r)
        out = xp.where(u == 0, s, out)  # adding a zero error would lose the sign of a zero sum
    return xp.where(xp.isfinite(out), out, p + c)


def _split(x):
    t = 134217729.0 * x  # 2**27 + 1: Veltkamp's split into two 26-bit halves
    hi = t - (t - x)
    return hi, x - hi

"""erf, erfc and erfinv on arrays, to float64 rounding, with NumPy alone (no SciPy).

- ``erf`` for ``|x| < 1.5`` sums Maclaurin's series
  ``erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))``, smallest term first
  (32 terms reach 1e-22 at the edge).
- ``erfc`` for ``x >= 1`` evaluates Laplace's continued fraction
  ``erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))`` bottom-up from a
  fixed depth (200 levels converge to rounding for ``x >= 1``); ``exp(-x^2)`` is taken as
  ``exp(-hi^2) * exp(-(x-hi)(x+hi))`` with ``hi`` = x cut to 26 bits, so ``hi^2`` is exact and the
  rounding of ``x^2`` is not amplified for large ``x``.
- Elsewhere one is ``1 -`` the other (never where that cancels badly).
- ``erfinv`` starts from Winitzki's closed-form approximation (relative error ~1e-3) and takes
  three Halley steps on ``erf(x) = y`` (or on ``erfc(x) = 1 - y`` in the tails, where ``1 - y``
  is exact), each step cubing the error.

Each works elementwise on a float64 array; NaN propagates, and the limits at +-inf are exact.
``erf(x, single=True)`` (GELU's float32 path) works in float32 instead, from two polynomials fitted
once to the float64 erf, within 2 units in the last place.

>>> import numpy as np
>>> float(erf(np.array(0.5)))
0.5204998778130465
>>> float(erfinv(erf(np.array(0.5))))
0.5
"""

import math

from ..backend import fast_where, xp

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _exp_minus_square(x):
    """exp(-x*x) without the rounding error of x*x (which exp would multiply by x*x)."""
    hi = (x.view(xp.uint64) & xp.uint64(0xFFFFFFFFF8000000)).view(xp.float64)
    return xp.exp(-hi * hi) * xp.exp(-(x - hi) * (x + hi))


#: The series' coefficients (-1)^n / (n! (2n + 1)): 27 terms reach float64 rounding for |x| < 1.5,
#: 17 terms float32's (relative error < 1e-9).
_SERIES = [(-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(27)]
_BLOCK = 1 << 18  # elements a pass of the series works on: in cache (L2/L3), long enough that the Python between
# passes is a small part (GELU fwd+bwd on 1.6M float32: min 21.9 ms at 32768, 20.5 here; float64 erf on 200k: 11.6, 10.7)


def _erf_series(x, terms=27):
    """erf for |x| < 1.5: Maclaurin's series as a polynomial in x^2, by Horner's rule (which adds
    the smallest term first), in place, a cache-sized block of elements at a time."""
    flat = xp.ascontiguousarray(x).reshape(-1)
    out = xp.empty_like(flat)
    for start in range(0, flat.size, _BLOCK):
        block = flat[start:start + _BLOCK]
        x2 = block * block
        total = out[start:start + _BLOCK]
        total.fill(_SERIES[terms - 1])
        for c in reversed(_SERIES[:terms - 1]):
            total *= x2
            total += c
        total *= block  # (so -0.0 stays -0.0)
    return (out * _TWO_OVER_SQRT_PI).reshape(x.shape)


def _erfc_fraction(x, terms=200):
    """erfc for x >= 1 (and +inf, NaN): the continued fraction above (``terms=50`` reaches float32
    rounding from x = 1.5 on)."""
    with xp.errstate(invalid="ignore", over="ignore", divide="ignore"):
        f = x.copy()
        for k in range(terms, 0, -1):
            f = x + (0.5 * k) / f
        out = _exp_minus_square(x) / (math.sqrt(math.pi) * f)
    return fast_where(x == xp.inf, 0.0, out)


def _horner(u, coefficients):
    """sum_k c_k u^k by Horner's rule, in place, a cache-sized block of elements at a time."""
    flat = xp.ascontiguousarray(u).reshape(-1)
    out = xp.empty_like(flat)
    for start in range(0, flat.size, _BLOCK):
        block, total = flat[start:start + _BLOCK], out[start:start + _BLOCK]
        total.fill(coefficients[-1])
        for c in reversed(coefficients[:-1]):
            total *= block
            total += c
    return out.reshape(xp.shape(u))


_SINGLE = {}
_INNER = 1.5  # |x| below this: erf(x) / x as a polynomial; from here to 4: erfc(|x|) as one


def _single_fits():
    """Polynomials for float32's erf, fitted once from the float64 erf above (Chebyshev
    interpolation, numpy.polynomial) and rounded to float32: erf(x) / x in u = x^2 / (1.5^2 / 2) - 1
    for |x| < 1.5 (degree 8), and erfc(|x|) in v = (|x| - 2.75) / 1.25 for 1.5 <= |x| < 4
    (degree 12); both within 1e-9 of erf, far inside float32's rounding (beyond 4, erf is +-1 in
    float32). Both variables lie in [-1, 1], where the coefficients are small: Horner's rule in
    float32 loses no more than a few roundings."""
    if not _SINGLE:
        from numpy.polynomial import Chebyshev, chebyshev

        def ratio(t):  # erf(sqrt t) / sqrt t, with its limit 2/sqrt(pi) at t = 0
            r = xp.sqrt(t)
            return fast_where(r > 0, erf(r) / xp.where(r > 0, r, 1.0), _TWO_OVER_SQRT_PI)

        inner = Chebyshev.interpolate(ratio, 8, domain=[0.0, _INNER * _INNER])
        outer = Chebyshev.interpolate(lambda a: 1.0 - erf(a), 12, domain=[_INNER, 4.0])
        _SINGLE["inner"] = [xp.float32(c) for c in chebyshev.cheb2poly(inner.coef)]
        _SINGLE["outer"] = [xp.float32(c) for c in chebyshev.cheb2poly(outer.coef)]
    return _SINGLE["inner"], _SINGLE["outer"]


def _erf_single(x):
    """erf of a float32 array in float32, within 2 units in the last place (ulp) of the exact
    value (torch's own float32 erf: within 1), from the two fitted polynomials."""
    inner, outer = _single_fits()
    f32 = xp.float32
    with xp.errstate(over="ignore", invalid="ignore"):  # huge |x|: inf or NaN here, replaced below
        u = x * x
        u *= f32(2.0 / (_INNER * _INNER))
        u -= f32(1.0)
        out = _horner(u, inner)
        out *= x
    a = xp.abs(x)
    big = xp.flatnonzero(~(a < _INNER))  # few, as positions (NaN among them): cheaper than a mask
    if big.size:
        ab = a.reshape(-1)[big]
        v = xp.minimum(ab, f32(4.0))
        v -= f32((_INNER + 4.0) / 2)
        v *= f32(2.0 / (4.0 - _INNER))
        tail = f32(1.0) - _horner(v, outer)
        out.reshape(-1)[big] = xp.sign(x.reshape(-1)[big]) * fast_where(ab < 4.0, tail, f32(1.0))
    return out


def erf(x, single=False):
    """erf(x) in float64, to float64 rounding; ``single=True``: in float32, within 2 ulp (two
    fitted polynomials, :func:`_erf_single`)."""
    if single:
        return _erf_single(xp.asarray(x, dtype=xp.float32))
    x = xp.asarray(x, dtype=xp.float64)
    a = xp.abs(x)
    # the series on every element (0 beyond 1.5, so nothing overflows), then the few beyond 1.5 (and
    # NaN) replaced: cheaper than splitting a large array in two and joining it again
    small = a < 1.5
    out = _erf_series(fast_where(small, x, 0.0))
    big = ~small
    if big.any():
        out[big] = xp.sign(x[big]) * (1.0 - _erfc_fraction(a[big]))
    return out


def erfc(x):
    x = xp.asarray(x, dtype=xp.float64)
    out = xp.empty_like(x)
    tail = (x >= 1.0) | xp.isnan(x)
    out[tail] = _erfc_fraction(x[tail])
    out[~tail] = 1.0 - erf(x[~tail])
    return out


def _winitzki(log_term):
    """Winitzki's approximation of erfinv(y) >= 0 from ln(1 - y^2) (relative error ~1e-3)."""
    c = 2 / (math.pi * 0.147) + log_term / 2
    return xp.sqrt(xp.sqrt(c * c - log_term / 0.147) - c)


def erfinv(y):
    y = xp.asarray(y, dtype=xp.float64)
    with xp.errstate(invalid="ignore", divide="ignore"):
        a = xp.abs(y)
        inside = a < 1
        t = fast_where(inside, a, 0.5)
        x = _winitzki(xp.log((1 - t) * (1 + t)))  # ln(1 - y^2), with 1 - t exact near 1
        tail = t > 0.5
        for _ in range(3):
            # Halley on f(x) = erf(x) - t (or erfc(x) - (1 - t) in the tail): f'' = -2x f'
            residual = fast_where(tail, -(erfc(x) - (1 - t)), erf(x) - t)
            step = residual / (_TWO_OVER_SQRT_PI * xp.exp(-x * x))
            x = x - step / (1 + x * step)
        out = xp.sign(y) * x
        out = fast_where(a == 1, xp.sign(y) * xp.inf, out)
        out = fast_where((a > 1) | xp.isnan(y), xp.nan, out)
    return fast_where(y == 0, y, out)  # keeps the sign of -0.0


def erfcx(x):
    """exp(x^2) * erfc(x): the continued fraction without its exp(-x^2) factor for x >= 1."""
    x = xp.asarray(x, dtype=xp.float64)
    out = xp.empty_like(x)
    tail = (x >= 1.0) | xp.isnan(x)
    with xp.errstate(invalid="ignore", over="ignore", divide="ignore"):
        a = x[tail]
        f = a.copy()
        for k in range(200, 0, -1):
            f = a + (0.5 * k) / f
        out[tail] = fast_where(a == xp.inf, 0.0, 1.0 / (math.sqrt(math.pi) * f))
        b = x[~tail]
        out[~tail] = xp.exp(b * b) * erfc(b)
    return out


def ndtri(p):
    """The standard normal quantile: ndtr(x) = p, solved with the tail's exact q = 2 min(p, 1-p)."""
    p = xp.asarray(p, dtype=xp.float64)
    with xp.errstate(invalid="ignore", divide="ignore"):
        lower = p < 0.5
        q = 2 * fast_where(lower, p, 1 - p)  # exact: 1 - p has no rounding for p >= 0.5
        safe = fast_where((q > 0) & (q <= 1), q, 0.5)
        x = _winitzki(xp.log(safe * (2 - safe)))  # a first guess; then Halley on erfc(x) = q (exact residual)
        for _ in range(3):
            residual = fast_where(safe < 0.5, erfc(x) - safe, -(erf(x) - (1 - safe)))
            step = -residual / (_TWO_OVER_SQRT_PI * xp.exp(-x * x))
            x = x - step / (1 + x * step)
        out = math.sqrt(2.0) * fast_where(lower, -x, x)
        out = fast_where(q == 0, fast_where(lower, -xp.inf, xp.inf), out)
        out = fast_where(xp.isnan(p) | (p < 0) | (p > 1), xp.nan, out)
    return out

"""Registry cases of torch.special's Bessel and Airy functions, orthogonal polynomials, zeta and
the incomplete gamma functions (scratchnet/ops/_bessel_more.py, _special_poly.py,
incomplete_gamma.py, _special_funcs.py). torch gives the Bessel functions and polynomials no
derivative (forward only); zeta and igamma/igammac differentiate only in their second argument."""

import numpy as np

from tests.registry import Case, broadcast_pair, positive, unary


def spread(x, rng):
    """Values across [-12, 12]: the series, the asymptotic branches and the switch between."""
    return np.asarray(x) * 4


def degrees(x, rng):
    """Polynomial degrees: the integers -1 ... 12 and some fractions (torch truncates them)."""
    x = np.asarray(x)
    return np.round(np.abs(x) * 4) - 1 + (np.abs(x * 10) % 1 > 0.8) * 0.5


def near_interval(x, rng):
    return np.tanh(np.asarray(x)) * 1.2


def _bessels(lib, x):
    s = lib.special
    return (s.modified_bessel_i0(x), s.modified_bessel_i1(x), s.modified_bessel_k0(x), s.modified_bessel_k1(x),
            s.scaled_modified_bessel_k0(x), s.scaled_modified_bessel_k1(x), s.spherical_bessel_j0(x))


def _oscillating(lib, x):
    """J, Y and Ai, compared in float32: torch's float64 kernels for them carry absolute errors up
    to ~3e-7 for 5 < |x| < 25 (Ai: near -2), far above the float64 tolerance (ours are accurate to
    ~1e-15 there; tests/test_opinfo_pointwise.py checks them against their Wronskians instead)."""
    s, x = lib.special, x.float()
    return s.bessel_j0(x), s.bessel_j1(x), s.bessel_y0(x), s.bessel_y1(x), s.airy_ai(x)


_POLYS = ["chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
          "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
          "shifted_chebyshev_polynomial_w", "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l",
          "legendre_polynomial_p"]


def _polys(lib, x, n):
    return tuple(getattr(lib.special, name)(x, n) for name in _POLYS)


def _igamma(lib, x):
    a, b = x.detach() * 0 + 1.7, x.detach() * 0 + 0.4  # (torch has no derivative with respect to a: constants)
    return lib.igamma(a, x), a.clone().igammac_(x), b.clone().igamma_(x), lib.special.gammaincc(b, x)


def _zeta(lib, q):
    return lib.special.zeta(q.detach() * 0 + 2.5, q), lib.special.zeta(3.0, q)


CASES = [
    Case("special-bessel", _bessels, unary(), domain=spread, grad=False, tol32=1e-4),
    Case("special-bessel-jy", _oscillating, unary(), domain=spread, grad=False, tol32=1e-4),
    Case("special-polynomials", _polys, broadcast_pair(), domain=[near_interval, degrees], grad=False, tol32=1e-4),
    # (finite differences off: torch's formulas are checked by the backward and double backward
    # against torch, and each finite-difference pass costs seconds of incomplete-gamma and zeta loops)
    Case("igamma", _igamma, unary(), domain=positive, tol32=1e-4, fd=False),
    Case("special.zeta", _zeta, unary(), domain=positive, tol32=1e-4, fd=False),
]

COVERED_BY = {name: "tests/cases/special_more.py (the igamma case)" for name in ("igammac", "igamma_", "igammac_")}

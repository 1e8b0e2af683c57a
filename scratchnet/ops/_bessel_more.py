"""torch.special's other Bessel functions: ``bessel_j0/j1`` and ``bessel_y0/y1`` (first and second
kind), ``modified_bessel_i0/i1/k0/k1``, ``scaled_modified_bessel_k0/k1`` (``exp(x) K_n(x)``),
``spherical_bessel_j0`` (``sin x / x``) and ``airy_ai``.

How each is computed (in float64, or NumPy's extended ``longdouble`` for the series whose terms
cancel, then cast to the input's float dtype; integers and bools give the default float):

- ``J_n, Y_n`` for ``|x| <= 17``: their power series,
  ``J_n(x) = sum_k (-1)^k (x/2)^(2k+n) / (k! (k+n)!)``, and ``Y_n`` from ``J_n log(x/2)`` plus
  the harmonic-number series; past 17, Hankel's expansion
  ``sqrt(2 / (pi x)) (P cos(x - phase) - Q sin(x - phase))``.
- ``K_n`` for ``x <= 2``: its series (``-log(x/2) I_n`` plus digamma-weighted terms); up to 25
  the integral ``exp(x) K_nu(x) = int_0^inf exp(-x (cosh t - 1)) cosh(nu t) dt`` by the
  trapezoidal rule (which converges geometrically for it); past that the asymptotic expansion.
- ``Ai`` from its Maclaurin series on [-9, 2.5], ``sqrt(x / 3) K_{1/3}(2/3 x^1.5) / pi`` above,
  and the Hankel expansion with ``nu = 1/3`` below -9.

torch gives these no derivative: the results never require grad.

>>> import scratchnet as sn
>>> sn.special.bessel_j0(sn.tensor([0.0, 1.0]))
tensor([1.0000, 0.7652])
>>> sn.special.modified_bessel_k0(sn.tensor([1.0]))
tensor([0.4210])
"""

import math

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Tensor, get_default_dtype
from .bessel import _bessel

__all__ = [
    "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1", "modified_bessel_i0", "modified_bessel_i1",
    "modified_bessel_k0", "modified_bessel_k1", "scaled_modified_bessel_k0", "scaled_modified_bessel_k1",
    "spherical_bessel_j0", "airy_ai",
]

_EULER_DIGITS = "0.57721566490153286060651209008240243"
_EULER = float(_EULER_DIGITS)
_LD = xp.longdouble


def _unary(fn, input, compute):
    """``compute`` (float64 array -> float64 array) on ``input``, as a Tensor outside the graph."""
    if not isinstance(input, Tensor):
        raise TypeError(f"{fn}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    dtype = input.dtype if input.dtype in FLOAT_DTYPES else xp.dtype(get_default_dtype())
    x = input.array.astype(xp.float64)
    with xp.errstate(all="ignore"):
        out = xp.where(xp.isnan(x), xp.nan, compute(x)).astype(dtype)
    return Tensor._make(out)


# ---- J and Y ---------------------------------------------------------------------------------

def _psi_pair(k, order):
    """``psi(k + 1) + psi(k + n + 1)`` (n = 0, 1) from harmonic numbers: ``psi(m + 1) = H_m - gamma``."""
    harmonic = sum((_LD(1) / j for j in range(1, k + 1)), _LD(0))  # (in longdouble: Y's terms reach 1e7)
    return 2 * (harmonic - _LD(_EULER_DIGITS)) + (_LD(1) / (k + 1) if order else 0)


def _jy_series(x, order, terms=56):
    """``J_n(x)`` and ``Y_n(x)`` (n = 0, 1) by their power series (A&S 9.1.10, 9.1.11), in
    longdouble, for x > 0: ``Y_n = (2/pi) log(x/2) J_n - (1/pi) sum_k (psi(k+1) + psi(k+n+1)) t_k``
    (less ``2 / (pi x)`` for n = 1), ``t_k = (-1)^k (x/2)^(2k+n) / (k! (k+n)!)``."""
    x = x.astype(_LD)
    square = -(x * x) / 4
    term = xp.ones_like(x) if order == 0 else x / 2
    j, weighted = term.copy(), term * _psi_pair(0, order)
    for k in range(1, terms):
        term = term * square / (k * (k + order))
        j, weighted = j + term, weighted + term * _psi_pair(k, order)
    pi = _LD(math.pi)
    y = (2 / pi) * xp.log(x / 2) * j - weighted / pi
    if order == 1:
        y = y - 2 / (pi * x)
    return j.astype(xp.float64), y.astype(xp.float64)


def _hankel(x, mu, terms=40):
    """Hankel's ``P`` and ``Q`` for ``mu = 4 nu^2`` at large ``x``: ``P = sum_k (-1)^k a_2k / x^2k``,
    ``Q = sum_k (-1)^k a_(2k+1) / x^(2k+1)``, ``a_k = prod_(j<=k) (mu - (2j-1)^2) / (k! 8^k)``."""
    p, q = xp.ones_like(x), xp.zeros_like(x)
    term = xp.ones_like(x)
    for k in range(1, terms):
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        sign = -1.0 if (k // 2) % 2 else 1.0
        if k % 2:
            q = q + sign * term
        else:
            p = p + sign * term
    return p, q


_SWITCH = 17.0  # series up to here (terms up to ~1e6: longdouble keeps 1e-13), Hankel past it (error ~e^-2x)


def _jy(x, order, which):
    """J_n or Y_n on float64 ``x`` (J's parity for negative x; Y: NaN there, -inf at 0)."""
    ax = xp.abs(x)
    near_j, near_y = _jy_series(xp.where(ax <= _SWITCH, ax, 1.0), order)
    big = xp.where(ax > _SWITCH, ax, _SWITCH + 1)
    p, q = _hankel(big, 4.0 * order * order)
    c, s = xp.cos(big), xp.sin(big)
    # cos and sin of x - (n/2 + 1/4) pi, from cos x and sin x (no rounding of a shifted argument)
    cos_chi, sin_chi = ((c + s), (s - c)) if order == 0 else ((s - c), (-c - s))
    scale = xp.sqrt(2 / (math.pi * big)) / math.sqrt(2)
    if which == "j":
        far = scale * (p * cos_chi - q * sin_chi)
        out = xp.where(ax <= _SWITCH, near_j, far)
        out = xp.where(xp.isinf(x), xp.nan, out)
        return out * xp.sign(x) if order == 1 else out
    far = scale * (p * sin_chi + q * cos_chi)
    out = xp.where(ax <= _SWITCH, near_y, far)
    return xp.where(x == 0, -xp.inf, xp.where((x < 0) | xp.isinf(x), xp.nan, out))


def bessel_j0(input, *, out=None):
    """The Bessel function of the first kind of order 0, ``J0(x) = sum_k (-1)^k (x/2)^(2k) / (k!)^2``.

    Args:
        input (Tensor): the input tensor.

    >>> import scratchnet as sn
    >>> sn.special.bessel_j0(sn.tensor([2.404825557695773], dtype=sn.float64)).abs().item() < 1e-12
    True
    """
    return _unary("bessel_j0", input, lambda x: _jy(x, 0, "j"))


def bessel_j1(input, *, out=None):
    """The Bessel function of the first kind of order 1, ``J1(x) = sum_k (-1)^k (x/2)^(2k+1) / (k! (k+1)!)``.

    >>> import scratchnet as sn
    >>> sn.special.bessel_j1(sn.tensor([1.0, -1.0]))
    tensor([ 0.4401, -0.4401])
    """
    return _unary("bessel_j1", input, lambda x: _jy(x, 1, "j"))


def bessel_y0(input, *, out=None):
    """The Bessel function of the second kind of order 0 (NaN for x < 0, -inf at 0).

    >>> import scratchnet as sn
    >>> sn.special.bessel_y0(sn.tensor([1.0, 0.0]))
    tensor([0.0883,   -inf])
    """
    return _unary("bessel_y0", input, lambda x: _jy(x, 0, "y"))


def bessel_y1(input, *, out=None):
    """The Bessel function of the second kind of order 1 (NaN for x < 0, -inf at 0).

    >>> import scratchnet as sn
    >>> sn.special.bessel_y1(sn.tensor([1.0]))
    tensor([-0.7812])
    """
    return _unary("bessel_y1", input, lambda x: _jy(x, 1, "y"))


# ---- I and K -----------------------------------------------------------------------------------

def modified_bessel_i0(input, *, out=None):
    """The modified Bessel function of the first kind of order 0 (``torch.i0``'s values; NaN at +-inf).

    >>> import scratchnet as sn
    >>> sn.special.modified_bessel_i0(sn.tensor([1.0]))
    tensor([1.2661])
    """
    return _unary("modified_bessel_i0", input, lambda x: xp.where(xp.isinf(x), xp.nan, _bessel(x, 0, False)))


def modified_bessel_i1(input, *, out=None):
    """The modified Bessel function of the first kind of order 1 (NaN at +-inf).

    >>> import scratchnet as sn
    >>> sn.special.modified_bessel_i1(sn.tensor([1.0]))
    tensor([0.5652])
    """
    return _unary("modified_bessel_i1", input, lambda x: xp.where(xp.isinf(x), xp.nan, _bessel(x, 1, False)))


def _k_series(x, order, terms=30):
    """``K_n(x)`` (n = 0, 1) for small x > 0 by its series (A&S 9.6.11): with
    ``t_k = (x/2)^(2k+n) / (k! (k+n)!)`` and ``S = sum_k (psi(k+1) + psi(k+n+1)) t_k``,
    ``K0 = -log(x/2) I0 + S / 2`` and ``K1 = 1/x + log(x/2) I1 - S / 2``."""
    square = x * x / 4
    term = xp.ones_like(x) if order == 0 else x / 2
    total = term * _psi_pair(0, order)
    for k in range(1, terms):
        term = term * square / (k * (k + order))
        total = total + term * _psi_pair(k, order)
    if order == 0:
        return -xp.log(x / 2) * _bessel(x, 0, False) + total / 2
    return 1 / x + xp.log(x / 2) * _bessel(x, 1, False) - total / 2


def _k_integral(x, nu, step=0.1, top=5.0):
    """``exp(x) K_nu(x)`` for moderate x by the trapezoidal rule on ``t`` in [0, top]."""
    t = xp.arange(0.0, top + step / 2, step)
    weights = xp.full(t.shape, step) * xp.cosh(nu * t)
    weights[0] /= 2
    rise = xp.cosh(t) - 1
    chunk = 1 << 15  # (elements at a time: the nodes-by-elements table stays small)
    return xp.concatenate([xp.exp(-x[i:i + chunk, None] * rise) @ weights for i in range(0, x.size, chunk)] or [x[:0]])


def _k_asymptotic(x, nu, terms=40):
    """``exp(x) K_nu(x) ~ sqrt(pi / (2x)) sum_k a_k(nu) / x^k`` for large x."""
    mu = 4.0 * nu * nu
    term, total = xp.ones_like(x), xp.ones_like(x)
    for k in range(1, terms):
        term = term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * x)
        total = total + term
    return xp.sqrt(math.pi / (2 * x)) * total


def _scaled_k(x, nu, series_order=None):
    """``exp(x) K_nu(x)`` on float64 x (NaN for x < 0, inf at 0, 0 at inf)."""
    flat = x.reshape(-1)
    out = xp.full(flat.shape, xp.nan)
    small = (flat > 0) & (flat <= 2) if series_order is not None else xp.zeros(flat.shape, bool)
    middle = (flat > 0) & ~small & (flat <= 25)
    large = flat > 25
    if small.any():
        out[small] = _k_series(flat[small], series_order) * xp.exp(flat[small])
    if middle.any():
        out[middle] = _k_integral(flat[middle], nu)
    if large.any():
        out[large] = _k_asymptotic(flat[large], nu)
    out[flat == 0] = xp.inf
    out[flat == xp.inf] = 0.0
    return out.reshape(x.shape)


def _k(x, order, scaled):
    s = _scaled_k(x, float(order), order)
    return s if scaled else xp.where(xp.isinf(x) & (x > 0), 0.0, s * xp.exp(-x))


def modified_bessel_k0(input, *, out=None):
    """The modified Bessel function of the second kind of order 0 (NaN for x < 0, inf at 0).

    >>> import scratchnet as sn
    >>> sn.special.modified_bessel_k0(sn.tensor([2.0]))
    tensor([0.1139])
    """
    return _unary("modified_bessel_k0", input, lambda x: _k(x, 0, False))


def modified_bessel_k1(input, *, out=None):
    """The modified Bessel function of the second kind of order 1 (NaN for x < 0, inf at 0).

    >>> import scratchnet as sn
    >>> sn.special.modified_bessel_k1(sn.tensor([2.0]))
    tensor([0.1399])
    """
    return _unary("modified_bessel_k1", input, lambda x: _k(x, 1, False))


def scaled_modified_bessel_k0(input, *, out=None):
    """``exp(x) K0(x)``, finite for large x.

    >>> import scratchnet as sn
    >>> sn.special.scaled_modified_bessel_k0(sn.tensor([1.0]))
    tensor([1.1445])
    """
    return _unary("scaled_modified_bessel_k0", input, lambda x: _k(x, 0, True))


def scaled_modified_bessel_k1(input, *, out=None):
    """``exp(x) K1(x)``, finite for large x.

    >>> import scratchnet as sn
    >>> sn.special.scaled_modified_bessel_k1(sn.tensor([1.0]))
    tensor([1.6362])
    """
    return _unary("scaled_modified_bessel_k1", input, lambda x: _k(x, 1, True))


def spherical_bessel_j0(input, *, out=None):
    """The spherical Bessel function of the first kind of order 0, ``sin(x) / x`` (1 at 0, 0 at +-inf).

    >>> import scratchnet as sn
    >>> sn.special.spherical_bessel_j0(sn.tensor([0.0, math.pi]))
    tensor([ 1.0000e+00, -2.7828e-08])
    """
    def compute(x):
        safe = xp.where(x == 0, 1.0, x)
        return xp.where(xp.isinf(x), 0.0, xp.where(x == 0, 1.0, xp.sin(safe) / safe))

    return _unary("spherical_bessel_j0", input, compute)


# ---- Airy ------------------------------------------------------------------------------------

_AI0 = _LD("0.355028053887817239260063186004183176")  # Ai(0) = 1 / (3^(2/3) Gamma(2/3))
_AI1 = _LD("0.258819403792806798405183560189203963")  # -Ai'(0) = 1 / (3^(1/3) Gamma(1/3))


def _airy_series(x, terms=70):
    """``Ai(x) = Ai(0) f(x) - |Ai'(0)| g(x)``, f and g its Maclaurin series, in longdouble."""
    x = x.astype(_LD)
    cube = x * x * x
    f_term, g_term = xp.ones_like(x), x.copy()
    f, g = f_term.copy(), g_term.copy()
    for k in range(1, terms):
        f_term = f_term * cube / ((3 * k - 1) * (3 * k))
        g_term = g_term * cube / ((3 * k) * (3 * k + 1))
        f, g = f + f_term, g + g_term
    return (_AI0 * f - _AI1 * g).astype(xp.float64)


def _airy(x):
    out = xp.full(x.shape, xp.nan)
    middle = (x >= -9) & (x <= 2.5)  # (above, the series' terms cancel: K_{1/3} instead)
    out = xp.where(middle, _airy_series(xp.where(middle, x, 0.0)), out)
    above = xp.isfinite(x) & (x > 2.5)
    if above.any():
        z = (2 / 3) * x[above] ** 1.5
        out[above] = xp.sqrt(x[above] / 3) / math.pi * _scaled_k(z, 1 / 3) * xp.exp(-z)
    below = xp.isfinite(x) & (x < -9)
    if below.any():
        ax = -x[below]  # Ai(-x) = sqrt(x) / 3 (J_{1/3}(z) + J_{-1/3}(z)), whose Hankel P, Q agree (mu = 4/9)
        z = (2 / 3) * ax ** 1.5
        p, q = _hankel(z, 4.0 / 9.0)
        c, s = xp.cos(z), xp.sin(z)
        cos_chi, sin_chi = (c + s) / math.sqrt(2), (s - c) / math.sqrt(2)  # of z - pi/4
        out[below] = xp.sqrt(ax) / 3 * xp.sqrt(2 / (math.pi * z)) * math.sqrt(3) * (p * cos_chi - q * sin_chi)
    return out


def airy_ai(input, *, out=None):
    """The Airy function ``Ai(x)``, the solution of ``y'' = x y`` that decays as x grows (NaN at +-inf).

    >>> import scratchnet as sn
    >>> sn.special.airy_ai(sn.tensor([0.0, 1.0]))
    tensor([0.3550, 0.1353])
    """
    return _unary("airy_ai", input, _airy)

"""The gamma-function family: ``lgamma``, ``digamma``, ``polygamma(n, x)`` and ``mvlgamma(x, p)``.

NumPy has no gamma functions of arrays, so they are computed here, vectorised, to float64 rounding:

* ``lgamma``: Stirling's series for x >= 10, the recurrence ``lgamma(x) = lgamma(x + 1) - log(x)``
  below, a Taylor series around 1 and 2 (where lgamma is zero, so the recurrence would cancel)
  and the reflection ``lgamma(x) = log(pi / |sin(pi x)|) - lgamma(1 - x)`` for x < 0.
* ``digamma``: the recurrence ``psi(x) = psi(x + 1) - 1 / x`` up to 10, then its asymptotic
  series; reflection ``psi(x) = psi(1 - x) - pi / tan(pi x)`` for x < 0 (the Cephes algorithm
  torch uses, in the input's precision, so poles and huge values come out as torch's).
* ``polygamma(1, x)`` (trigamma): reflection below 1/2, six recurrence steps, the asymptotic series.
* ``polygamma(n, x)``, n >= 2: ``(-1)^(n+1) n! zeta(n + 1, x)`` with the Hurwitz zeta function
  summed directly and then by Euler-Maclaurin (as Cephes, in float64).

Derivatives: ``lgamma' = digamma``, ``digamma' = polygamma(1, .)``, ``polygamma(n)' = polygamma(n + 1)``,
``mvlgamma(x, p)' = sum_i digamma(x - i / 2)``. Integer and bool input gives the default float dtype.

>>> import scratchnet as sn
>>> x = sn.tensor([0.5, 1.0, 3.0], dtype=sn.float64, requires_grad=True)
>>> sn.round(sn.lgamma(x), decimals=4).tolist()
[0.5724, 0.0, 0.6931]
>>> sn.lgamma(x).sum().backward()
>>> sn.round(x.grad, decimals=4).tolist()
[-1.9635, -0.5772, 0.9228]
"""

import math

from ..backend import xp
from ..tensor import Function, Tensor
from .pointwise import _float

__all__ = ["lgamma", "digamma", "polygamma", "mvlgamma"]

_EULER = 0.57721566490153286061
_HALF_LOG_2PI = 0.91893853320467274178
# Stirling's series: B_2k / (2k (2k - 1)), k = 1..8
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400)
# the asymptotic series of digamma (Cephes' coefficients, highest power first)
_PSI_SERIES = (8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
               -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
               8.33333333333333333333e-2)
_PSI_10 = 2.25175258906672110764  # digamma(10)
# Euler-Maclaurin's denominators (2k)! / B_2k of the zeta function's tail
_ZETA_EM = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9, 7.47242496e10,
            -2.950130727918164224e12, 1.1646782814350067249e14, -4.5979787224074726105e15,
            1.8152105401943546773e17, -7.1661652561756670113e18)
_MACHEP = 1.11022302462515654042e-16


# ---- the functions on arrays ---------------------------------------------------------------------


def _zeta(s, q):
    """Hurwitz zeta ``sum_k (q + k)^-s`` for a scalar s > 1 and a float64 array q."""
    q = xp.asarray(q, dtype=xp.float64)
    out = xp.empty_like(q)
    pole = (q <= 0) & (q == xp.floor(q))
    with xp.errstate(all="ignore"):
        total = q ** -s
        a = q.copy()
        b = xp.zeros_like(q)
        done = pole.copy()
        step = 0
        while True:  # direct sum: at least 9 terms and until q + k > 9 (capped for huge negative q)
            busy = ~done & ((step < 9) | (a <= 9.0))
            if not busy.any() or step > 65536:
                break
            step += 1
            a = xp.where(busy, a + 1, a)
            b = xp.where(busy, a ** -s, b)
            total = xp.where(busy, total + b, total)
            small = busy & (-_MACHEP * total < b) & (b < _MACHEP * total)
            out[small] = total[small]
            done |= small
        w = a
        total = total + b * w / (s - 1) - 0.5 * b
        factor, k = 1.0, 0.0
        for denominator in _ZETA_EM:  # the Euler-Maclaurin tail, until its terms are negligible
            factor *= s + k
            b = b / w
            term = factor * b / denominator
            total = xp.where(done, total, total + term)
            converged = ~done & (xp.abs(term / total) < _MACHEP)
            out[converged] = total[converged]
            done |= converged
            k += 1
            factor *= s + k
            b = b / w
            k += 1
    out[~done] = total[~done]
    out[pole] = xp.inf
    return out


def _lgamma_positive(y):
    """lgamma of float64 values y > 0 (and inf, NaN)."""
    with xp.errstate(all="ignore"):
        near = xp.abs(y - 1) < 0.25
        near2 = xp.abs(y - 2) < 0.25
        e = xp.where(near2, y - 2, y - 1)
        series = _lgamma_one_plus(e) + xp.where(near2, xp.log1p(e), 0.0)
        # shift below 10 up: lgamma(y) = lgamma(y + n) - log(y (y + 1) ... (y + n - 1))
        low = y < 10
        logs = xp.where(low, xp.log(xp.where(low, y, 1.0)), 0.0)
        z = xp.where(low, y + 1, y)
        product = xp.ones_like(y)
        for _ in range(10):
            below = z < 10
            product = xp.where(below, product * z, product)
            z = xp.where(below, z + 1, z)
        inv = 1 / z
        inv2 = inv * inv
        tail = xp.zeros_like(y)
        for c in reversed(_STIRLING):
            tail = tail * inv2 + c
        big = (z - 0.5) * xp.log(z) - z + _HALF_LOG_2PI + tail * inv
        big = xp.where(z == xp.inf, xp.inf, big)
        result = big - logs - xp.log(product)
        return xp.where(near | near2, series, result)


def _lgamma_one_plus(e):
    """lgamma(1 + e) for |e| <= 1/4: ``-gamma e + sum_k (-1)^k zeta(k) e^k / k``."""
    total = xp.zeros_like(e)
    for k in range(_SERIES_TERMS, 1, -1):
        total = (total + (-1) ** k * _ZETA_K[k] / k) * e
    return (total - _EULER) * e


_SERIES_TERMS = 30
_ZETA_K = {k: float(_zeta(float(k), xp.ones(1))[0]) for k in range(2, _SERIES_TERMS + 1)}


def _lgamma(a):
    """lgamma of a float array, computed in float64, in a's dtype."""
    x = a.astype(xp.float64)
    with xp.errstate(all="ignore"):
        pole = (x <= 0) & (x == xp.floor(x))
        negative = (x < 0) & ~pole
        value = _lgamma_positive(xp.where(negative | pole, xp.where(pole, 1.0, 1 - x), x))
        sine = xp.abs(xp.sin(math.pi * (x - xp.round(x))))
        value = xp.where(negative, xp.log(math.pi / sine) - value, value)
        value = xp.where(pole, xp.inf, value)
    return value.astype(a.dtype)


def _digamma(a):
    """digamma of a float array, in its own precision (as torch's kernel)."""
    t = a.dtype.type
    with xp.errstate(all="ignore"):
        whole = a == xp.trunc(a)
        reflect = (a < 0) & ~whole
        fraction = (a - xp.trunc(a)).astype(xp.float64)  # pi / tan(pi r) in float64 (as torch, for float32 too)
        correction = (math.pi / xp.tan(math.pi * fraction)).astype(a.dtype)
        y = xp.where(reflect, t(1) - a, a)
        result = xp.zeros_like(a)
        for _ in range(11):
            below = y < 10
            result = xp.where(below, result - t(1) / y, result)
            y = xp.where(below, y + t(1), y)
        z = t(1) / (y * y)
        poly = xp.zeros_like(a)
        for c in _PSI_SERIES:
            poly = poly * z + t(c)
        series = xp.where(y < t(1e17), z * poly, t(0))
        value = xp.where(y == 10, result + t(_PSI_10), result + xp.log(y) - t(0.5) / y - series)
        value = xp.where(reflect, value - correction, value)
        value = xp.where((a < 0) & whole, t(xp.nan), value)
        value = xp.where(a == 0, xp.copysign(t(xp.inf), -a), value)
    return value.astype(a.dtype)


def _trigamma(a):
    """polygamma(1, x) of a float array, in its own precision (as torch's kernel)."""
    t = a.dtype.type
    pi = t(math.pi)
    with xp.errstate(all="ignore"):
        reflect = a < 0.5
        sine = xp.sin(pi * a)
        result = xp.where(reflect, -(pi * pi) / (sine * sine), t(0))
        x = xp.where(reflect, t(1) - a, a)
        for _ in range(6):
            result = result + t(1) / (x * x)
            x = x + t(1)
        ixx = t(1) / (x * x)
        result = result + (t(1) + t(1) / (t(2) * x) + ixx * (t(1 / 6) - ixx * (t(1 / 30) - ixx * t(1 / 42)))) / x
        return xp.where(reflect, -result, result).astype(a.dtype)


def _polygamma(n, a):
    if n == 0:
        return _digamma(a)
    if n == 1:
        return _trigamma(a)
    zeta = _zeta(float(n + 1), a.astype(xp.float64)).astype(a.dtype)
    with xp.errstate(all="ignore"):
        scale = a.dtype.type((1.0 if n % 2 else -1.0) * math.exp(math.lgamma(n + 1.0)))  # +-n!
        return (scale * zeta).astype(a.dtype)


# ---- the nodes -----------------------------------------------------------------------------------


class Lgamma(Function):
    """``log |Gamma(x)|``; ``d/dx = digamma(x)``."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _lgamma(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * Digamma.apply(x)


class Digamma(Function):
    """``psi(x) = Gamma'(x) / Gamma(x)``; ``d/dx = polygamma(1, x)``."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _digamma(x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * Polygamma.apply(x, n=1)


class Polygamma(Function):
    """The n-th derivative of digamma; ``d/dx = polygamma(n + 1, x)``."""

    def forward(ctx, x, n):
        ctx.save_for_backward(x)
        ctx.n = n
        return _polygamma(n, x)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * Polygamma.apply(x, n=ctx.n + 1)


class Mvlgamma(Function):
    """``sum_i lgamma(x - i / 2) + p (p - 1) / 4 log(pi)``; ``d/dx = sum_i digamma(x - i / 2)``."""

    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        offsets = ((xp.arange(p) - (p - 1)) * 0.5).astype(x.dtype)
        with xp.errstate(all="ignore"):
            total = _lgamma(x[..., None] + offsets).sum(-1)
            return (total + x.dtype.type(p * (p - 1) / 4 * math.log(math.pi))).astype(x.dtype)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        offsets = Tensor._make(((xp.arange(ctx.p) - (ctx.p - 1)) * 0.5).astype(x.dtype))
        return grad * Digamma.apply(x.unsqueeze(-1) + offsets).sum(-1)


# ---- the public functions ------------------------------------------------------------------------


def _order(n):
    if isinstance(n, bool) or not isinstance(n, int):
        if isinstance(n, Tensor) or hasattr(n, "__index__") and not isinstance(n, bool):
            n = int(n)
        else:
            raise TypeError(f"polygamma(): argument 'n' (position 1) must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return n


def lgamma(input, *, out=None):
    """``lgamma(input)``: the natural log of the absolute value of the gamma function, elementwise.

    Poles (0 and the negative integers) give ``inf``. Integer input gives the default float dtype.

    >>> import scratchnet as sn
    >>> sn.round(sn.lgamma(sn.tensor([0.5, 4.0, -0.5], dtype=sn.float64)), decimals=4).tolist()
    [0.5724, 1.7918, 1.2655]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"lgamma(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return Lgamma.apply(_float(input))


def digamma(input, *, out=None):
    """``digamma(input)``: the logarithmic derivative of the gamma function, ``psi(x) = d/dx lgamma(x)``.

    ``digamma(0) = -inf``, ``digamma(-0.0) = inf``, NaN at the negative integers (as torch 2.x).

    >>> import scratchnet as sn
    >>> sn.round(sn.digamma(sn.tensor([1.0, 0.5], dtype=sn.float64)), decimals=4).tolist()
    [-0.5772, -1.9635]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"digamma(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return Digamma.apply(_float(input))


def polygamma(n, input, *, out=None):
    """``polygamma(n, input)``: the n-th derivative of digamma, ``psi^(n)(x)``; n = 0 is digamma.

    Arguments: ``n`` a non-negative int, ``input`` a tensor of any shape (the result's shape).

    >>> import scratchnet as sn
    >>> sn.round(sn.polygamma(1, sn.tensor([1.0, 2.0], dtype=sn.float64)), decimals=4).tolist()
    [1.6449, 0.6449]
    """
    n = _order(n)
    if not isinstance(input, Tensor):
        raise TypeError(f"polygamma(): argument 'input' (position 2) must be Tensor, not {type(input).__name__}")
    return Polygamma.apply(_float(input), n=n)


def mvlgamma(input, p, *, out=None):
    """``mvlgamma(input, p)``: the log of the multivariate gamma function of dimension ``p``,
    ``p (p - 1) / 4 log(pi) + sum_{i=0}^{p-1} lgamma(x - i / 2)``, elementwise.

    >>> import scratchnet as sn
    >>> sn.round(sn.mvlgamma(sn.tensor([2.0, 3.0], dtype=sn.float64), p=3), decimals=4).tolist()
    [1.5963, 2.6949]
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"mvlgamma(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if isinstance(p, bool) or not isinstance(p, int):
        raise TypeError(f"mvlgamma(): argument 'p' must be int, not {type(p).__name__}")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    if input.dtype == xp.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor.")  # torch's: it adds arange(p) to x
    return Mvlgamma.apply(_float(input), p=p)


def _polygamma_method(self, n):
    """``x.polygamma(n)``: :func:`polygamma` of this tensor.

    >>> import scratchnet as sn
    >>> sn.round(sn.tensor([1.0], dtype=sn.float64).polygamma(1), decimals=4).tolist()
    [1.6449]
    """
    return polygamma(n, self)


def _mvlgamma_method(self, p):
    """``x.mvlgamma(p)``: :func:`mvlgamma` of this tensor.

    >>> import scratchnet as sn
    >>> sn.round(sn.tensor([2.0], dtype=sn.float64).mvlgamma(2), decimals=4).tolist()
    [0.4516]
    """
    return mvlgamma(self, p)


def _polygamma_inplace(self, n):
    """``x.polygamma_(n)``: ``x`` replaced by ``polygamma(n, x)``, in place.

    >>> import scratchnet as sn
    >>> x = sn.tensor([1.0], dtype=sn.float64)
    >>> sn.round(x.polygamma_(1), decimals=4).tolist()
    [1.6449]
    """
    from .inplace import _inplace_of

    return _inplace_of("polygamma")(self, n)


METHODS = {
    "lgamma": lgamma, "digamma": digamma, "polygamma": _polygamma_method, "mvlgamma": _mvlgamma_method,
    "polygamma_": _polygamma_inplace,
}

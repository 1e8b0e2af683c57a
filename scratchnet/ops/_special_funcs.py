"""The functions of scratchnet.special (see scratchnet/special.py, which exports exactly torch's
names): the error-function family and the normal distribution, with sinc, entr, xlog1py, zeta.

Most names are the elementwise ops of :mod:`scratchnet.ops.pointwise` under torch.special's
names; the rest are built from them, except ``ndtri`` and ``erfcx``, which are nodes of their
own (their direct formulas would lose precision in the tails).

>>> import scratchnet as sn
>>> print(f"{sn.special.ndtr(sn.tensor(1.0)).item():.6f}")
0.841345
>>> print(f"{sn.special.ndtri(sn.tensor(0.975, dtype=sn.float64)).item():.6f}")
1.959964
"""

import math

from ..backend import xp
from . import _special
from .activation import log_softmax, sigmoid, softmax
from .bitwise import log1p
from .math import cos, log, sin, where
from .pointwise import _float, erf, erfc, erfinv, exp2, expm1, round  # noqa: A004
from .pointwise_more import logit, xlogy
from ..tensor import Function, Tensor

__all__ = [
    "erf", "erfc", "erfcx", "erfinv", "exp2", "expm1", "expit", "log1p", "log_ndtr", "log_softmax", "logit",
    "ndtr", "ndtri", "round", "sinc", "softmax", "entr", "xlog1py", "xlogy",
]

expit = sigmoid


def ndtr(input, *, out=None):
    """The standard normal CDF, ``0.5 * erfc(-x / sqrt(2))`` (accurate in the lower tail).

    >>> import scratchnet as sn
    >>> sn.special.ndtr(sn.tensor([0.0])).tolist()
    [0.5]
    """
    return 0.5 * erfc(_float(input) * (-1 / math.sqrt(2)))


class LogNdtr(Function):
    """``log(ndtr(x))`` as torch computes it: ``log(erfcx(-t) / 2) - t^2`` with ``t = x / sqrt(2)``
    below -1 (no underflow however far into the tail), ``log1p(-erfc(t) / 2)`` above.
    ``d/dx = exp(-(out + x^2 / 2)) / sqrt(2 pi)``."""

    def forward(ctx, x):
        ctx.save_for_backward(x)
        t = x.astype(xp.float64) * math.sqrt(0.5)  # torch multiplies by the rounded 1/sqrt(2)
        with xp.errstate(all="ignore"):
            tail = xp.log(_special.erfcx(-t) / 2) - t * t
            body = xp.log1p(-_special.erfc(t) / 2)
            return xp.where(x < -1, tail, body).astype(x.dtype)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / math.sqrt(2 * math.pi) * (-(LogNdtr.apply(x) + x * x / 2)).exp()


def log_ndtr(input, *, out=None):
    """``log(ndtr(x))``, accurate in both tails (no underflow to -inf for very negative x).

    >>> import scratchnet as sn
    >>> print(f"{sn.special.log_ndtr(sn.tensor(0.0)).item():.6f}")
    -0.693147
    >>> print(f"{sn.special.log_ndtr(sn.tensor(-40.0, dtype=sn.float64)).item():.2f}")
    -804.61
    """
    return LogNdtr.apply(_float(input))


class Ndtri(Function):
    """The standard normal quantile; ``d/dp = sqrt(2 pi) exp(x^2 / 2)``."""

    def forward(ctx, p):
        out = _special.ndtri(p).astype(p.dtype)
        ctx.save_for_backward(out)
        return out

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * math.sqrt(2 * math.pi) * (x * x * 0.5).exp()


def ndtri(input, *, out=None):
    """The inverse of :func:`ndtr`: ``x`` with ``P(Z <= x) = p`` for a standard normal ``Z``.

    >>> import scratchnet as sn
    >>> sn.special.ndtri(sn.tensor([0.5])).tolist()
    [0.0]
    """
    return Ndtri.apply(_float(input))


class Erfcx(Function):
    """``exp(x^2) erfc(x)``; ``d/dx = 2 x erfcx(x) - 2 / sqrt(pi)``."""

    def forward(ctx, x):
        out = _special.erfcx(x).astype(x.dtype)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        return grad * (2 * x * y - 2 / math.sqrt(math.pi))


def erfcx(input, *, out=None):
    """The scaled complementary error function ``exp(x^2) * erfc(x)``, finite for large ``x``.

    >>> import scratchnet as sn
    >>> print(f"{sn.special.erfcx(sn.tensor(30.0)).item():.6f}")
    0.018796
    """
    return Erfcx.apply(_float(input))


class Sinc(Function):
    """``sin(pi x) / (pi x)``; ``d/dx = (pi x cos(pi x) - sin(pi x)) / (pi x) / x``, 0 at 0 (torch's
    formula, whose rounding makes it exactly 0 for tiny x too)."""

    def forward(ctx, x):
        with xp.errstate(invalid="ignore", divide="ignore"):
            px = math.pi * x
            out = xp.where(x == 0, 1.0, xp.sin(px) / xp.where(x == 0, 1.0, px)).astype(x.dtype)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        (x, _) = ctx.saved_tensors
        zero = Tensor._make(x.array == 0)
        safe = where(zero, 1.0, x)
        px = safe * math.pi
        return grad * where(zero, 0.0, (px * cos(px) - sin(px)) / px / safe)


def sinc(input, *, out=None):
    """``sin(pi x) / (pi x)``, and 1 at 0.

    >>> import scratchnet as sn
    >>> sn.special.sinc(sn.tensor([0.0, 0.5])).tolist()[0]
    1.0
    """
    return Sinc.apply(_float(input))


class Entr(Function):
    """``-x log x`` (0 at 0, -inf below); ``d/dx = -(1 + log x)`` (torch's formula everywhere)."""

    def forward(ctx, x):
        with xp.errstate(invalid="ignore", divide="ignore"):
            out = xp.where(x > 0, -x * xp.log(xp.where(x > 0, x, 1.0)), xp.where(x == 0, 0.0, -xp.inf))
        ctx.save_for_backward(x)
        return xp.where(xp.isnan(x), x, out).astype(x.dtype)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * -(1 + log(x))


def entr(input, *, out=None):
    """Elementwise entropy ``-x log x`` (0 at 0, -inf for negative x).

    >>> import scratchnet as sn
    >>> sn.special.entr(sn.tensor([0.0, 1.0])).tolist()
    [0.0, -0.0]
    """
    return Entr.apply(_float(input))


class Xlog1py(Function):
    """``x * log1p(y)``, 0 where ``x == 0`` (NaN where y is). torch's gradients:
    ``d/dx = xlog1py(grad, y)``, 0 where ``x == 0`` and ``y <= -1``; ``d/dy = grad * x / (y + 1)``."""

    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        with xp.errstate(all="ignore"):
            return xp.where(xp.isnan(y), xp.nan, xp.where(x == 0, 0.0, x * xp.log1p(y))).astype(x.dtype)

    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad
        gx = where(Tensor._make((x.array == 0) & (y.array <= -1)), 0.0, Xlog1py.apply(grad, y)) if need_x else None
        return gx, (grad * x / (y + 1) if need_y else None)


def xlog1py(input, other, *, out=None):
    """``x * log1p(y)``, and 0 where ``x == 0`` (unless y is NaN).

    >>> import scratchnet as sn
    >>> sn.special.xlog1py(sn.tensor([0.0, 2.0]), sn.tensor([-1.0, 0.0])).tolist()
    [0.0, 0.0]
    """
    from .pointwise import _pair

    return Xlog1py.apply(*_pair(input, other, floating=True))


# ---- the gamma family (scratchnet/ops/gamma.py) under torch.special's names ----------------------
from .gamma import digamma, lgamma as gammaln, mvlgamma, polygamma  # noqa: E402

psi = digamma


def multigammaln(input, p, *, out=None):
    """``multigammaln(input, p)``: the log of the multivariate gamma function, torch.mvlgamma.

    >>> import scratchnet as sn
    >>> sn.round(sn.special.multigammaln(sn.tensor([2.0], dtype=sn.float64), 2), decimals=4).tolist()
    [0.4516]
    """
    return mvlgamma(input, p)


__all__ += ["gammaln", "digamma", "psi", "polygamma", "multigammaln"]
from .bessel import i0, special_i0e as i0e, special_i1 as i1, special_i1e as i1e  # noqa: E402  (ops/bessel.py)

__all__ += ["i0", "i0e", "i1", "i1e"]

# ---- orthogonal polynomials (scratchnet/ops/_special_poly.py) -------------------------------------
from ._special_poly import (  # noqa: E402
    chebyshev_polynomial_t, chebyshev_polynomial_u, chebyshev_polynomial_v, chebyshev_polynomial_w,
    hermite_polynomial_h, hermite_polynomial_he, laguerre_polynomial_l, legendre_polynomial_p,
    shifted_chebyshev_polynomial_t, shifted_chebyshev_polynomial_u, shifted_chebyshev_polynomial_v,
    shifted_chebyshev_polynomial_w,
)
from . import _special_poly as _poly  # noqa: E402

__all__ += _poly.__all__

# ---- Bessel functions of the first and second kinds, the modified ones, Airy (ops/_bessel_more.py)
from ._bessel_more import (  # noqa: E402
    airy_ai, bessel_j0, bessel_j1, bessel_y0, bessel_y1, modified_bessel_i0, modified_bessel_i1,
    modified_bessel_k0, modified_bessel_k1, scaled_modified_bessel_k0, scaled_modified_bessel_k1,
    spherical_bessel_j0,
)
from . import _bessel_more  # noqa: E402

__all__ += _bessel_more.__all__

# ---- the incomplete gamma functions (ops/incomplete_gamma.py) and the Hurwitz zeta ---------------
from .incomplete_gamma import igamma as gammainc, igammac as gammaincc  # noqa: E402

__all__ += ["gammainc", "gammaincc"]


class Zeta(Function):
    """The Hurwitz zeta function ``sum_k (q + k)^-x``; torch's derivative is only with respect to
    ``q``: ``d/dq = -x zeta(x + 1, q)``."""

    def forward(ctx, x, q):
        from .gamma import _zeta

        ctx.save_for_backward(x, q)
        s, v = xp.broadcast_arrays(x.astype(xp.float64), q.astype(xp.float64))
        with xp.errstate(all="ignore"):
            ok = (s > 1) & ~xp.isnan(v)
            value = _zeta(xp.where(ok, s, 2.0), xp.where(ok, v, 1.0))
            # torch's tests, in its order: inf at x == 1, NaN below; for q <= 0, inf at the
            # integers (the poles) and NaN for a non-integer x
            pole = (v <= 0) & (v == xp.floor(v))
            chain = [(s == 1, xp.inf), (s < 1, xp.nan), (pole, xp.inf), ((v <= 0) & (s != xp.floor(s)), xp.nan),
                     (xp.isnan(s) | xp.isnan(v), xp.nan)]
            for cond, fill in reversed(chain):
                value = xp.where(cond, fill, value)
        return value.astype(x.dtype)

    def backward(ctx, grad):
        x, q = ctx.saved_tensors
        if ctx.needs_input_grad[0]:
            raise NotImplementedError("the derivative for 'zeta' is not implemented.")
        return None, grad * -x * Zeta.apply(x + 1, q)


def zeta(input, other, *, out=None):
    """The Hurwitz zeta function ``zeta(x, q) = sum_{k >= 0} (q + k)^-x`` (the Riemann zeta at q = 1):
    inf at x == 1, NaN for x < 1; one of the two may be a number.

    Args:
        input (Tensor or number): ``x``, the exponent.
        other (Tensor or number): ``q``, the offset.

    >>> import scratchnet as sn
    >>> sn.special.zeta(sn.tensor([2.0, 4.0]), 1.0)
    tensor([1.6449, 1.0823])
    """
    from .pointwise import _pair

    if not isinstance(input, Tensor) and not isinstance(other, Tensor):
        raise TypeError(f"zeta(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return Zeta.apply(*_pair(input, other, floating=True))


__all__ += ["zeta"]

from .stats import logsumexp  # noqa: E402  (torch.special.logsumexp is torch.logsumexp)

__all__ += ["logsumexp"]

"""The modified Bessel functions of the first kind, orders 0 and 1: ``i0`` (``torch.i0``,
``torch.special.i0``), ``special.i0e``, ``special.i1``, ``special.i1e`` (the ``e`` forms scaled
by ``exp(-|x|)``, which stay finite for large ``x``).

``I_n(x) = sum_k (x/2)^(2k+n) / (k! (k+n)!)``: the series is summed (in float64) for
``|x| <= 20``, and past that the asymptotic expansion
``I_n(x) ~ e^|x| / sqrt(2 pi |x|) sum_k (-1)^k a_k(n) / |x|^k`` is used, then cast to the
input's float dtype (integers give the default float). ``inf`` gives NaN for the unscaled
functions and 0 for the scaled ones, as torch's.

Derivatives (torch's): ``i0' = i1``; ``i0e' = i1e - sgn(x) i0e``; ``i1' = i0 - i1 / x`` (1/2 where
``|x| <= eps``); ``i1e' = i0e - i1e (sgn(x) + 1 / x)`` (the same).

>>> import scratchnet as sn
>>> sn.i0(sn.tensor([0.0, 1.0]))
tensor([1.0000, 1.2661])
"""

import math

from ..backend import xp
from ..tensor import Function, Tensor
from .pointwise import _float

__all__ = ["i0", "i0_"]

_SERIES_TERMS = 64
_ASYMPTOTIC_TERMS = 12


def _series(x, order):
    """``sum_k (x/2)^(2k+n) / (k! (k+n)!)`` on float64 ``x``, term by term (a fixed count)."""
    half = x / 2
    term = half ** order / math.factorial(order)
    total = term.copy()
    square = half * half
    for k in range(1, _SERIES_TERMS):
        term = term * square / (k * (k + order))
        total = total + term
    return total


def _asymptotic(ax, order):
    """``sum_k (-1)^k a_k(n) / ax^k / sqrt(2 pi ax)``: the scaled function for large ``ax``."""
    mu = 4.0 * order * order
    term = xp.ones_like(ax)
    total = term.copy()
    for k in range(1, _ASYMPTOTIC_TERMS):
        term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * ax)
        total = total + term
    return total / xp.sqrt(2 * math.pi * ax)


def _bessel(x, order, scaled):
    """I_order(x), or its scaled form, on an array (computed in float64, cast back)."""
    dtype = x.dtype
    v = x.astype(xp.float64)
    ax = xp.abs(v)
    with xp.errstate(all="ignore"):
        small = ax <= 20
        near = _series(xp.where(small, v, 0.0), order)
        if scaled:
            near = near * xp.exp(-ax)
        far_scaled = _asymptotic(xp.where(small, 21.0, ax), order)
        far = far_scaled if scaled else xp.exp(ax) * far_scaled  # (inf * 0 at inf: NaN, as torch)
        if not scaled:
            far = xp.where(xp.isinf(ax), xp.nan, far)
        if order == 1:
            far = far * xp.sign(v)
        out = xp.where(small, near, far)
    return out.astype(dtype)


class I0(Function):
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _bessel(x, 0, False)

    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * special_i1(x)


class I0e(Function):
    backward_name = "SpecialI0EBackward0"

    def forward(ctx, x):
        out = _bessel(x, 0, True)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return grad * (special_i1e(x) - x.sgn() * out)


class I1(Function):
    backward_name = "SpecialI1Backward0"

    def forward(ctx, x):
        out = _bessel(x, 1, False)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        tiny, safe = _tiny(x)
        return grad * (i0(safe) - out * safe.reciprocal()).masked_fill(tiny, 0.5)


class I1e(Function):
    backward_name = "SpecialI1EBackward0"

    def forward(ctx, x):
        out = _bessel(x, 1, True)
        ctx.save_for_backward(x, out)
        return out

    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        tiny, safe = _tiny(x)
        return grad * (special_i0e(safe) - out * (safe.sgn() + safe.reciprocal())).masked_fill(tiny, 0.5)


def _tiny(x):
    """torch's guard at 0: where ``|x| <= eps`` the derivative is 1/2, and ``x`` is replaced by
    eps in the formula (so no 1 / 0 reaches the gradient)."""
    eps = float(xp.finfo(x.dtype).eps)
    tiny = Tensor._make(~(xp.abs(x.array) > eps))
    return tiny, x.masked_fill(tiny, eps)


def i0(input, *, out=None):
    """The modified Bessel function of the first kind of order 0, ``I0(x) = sum_k (x/2)^(2k) / (k!)^2``.

    >>> import scratchnet as sn
    >>> sn.i0(sn.tensor([2.0])).item() > 2.27
    True
    """
    return I0.apply(_float(input))


def i0_(input):
    """In place :func:`i0`: ``input.i0_()``.

    >>> import scratchnet as sn
    >>> sn.i0_(sn.tensor([0.0]))
    tensor([1.])
    """
    return input.i0_()


def special_i0e(input, *, out=None):
    """``exp(-|x|) I0(x)``: the exponentially scaled Bessel function of order 0.

    >>> import scratchnet as sn
    >>> sn.special.i0e(sn.tensor([0.0]))
    tensor([1.])
    """
    return I0e.apply(_float(input))


def special_i1(input, *, out=None):
    """The modified Bessel function of the first kind of order 1, ``I1(x) = sum_k (x/2)^(2k+1) / (k! (k+1)!)``.

    >>> import scratchnet as sn
    >>> sn.special.i1(sn.tensor([0.0]))
    tensor([0.])
    """
    return I1.apply(_float(input))


def special_i1e(input, *, out=None):
    """``exp(-|x|) I1(x)``: the exponentially scaled Bessel function of order 1.

    >>> import scratchnet as sn
    >>> sn.special.i1e(sn.tensor([0.0]))
    tensor([0.])
    """
    return I1e.apply(_float(input))


def _with_inplace_form():
    from .inplace import _inplace_of

    return _inplace_of("i0")


METHODS = {"i0": i0, "i0_": _with_inplace_form()}

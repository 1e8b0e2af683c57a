"""Reductions: sum, mean, max/min (whole or along a dim), var, std, argmax, argmin.

The backward of a reduction puts the gradient back where the reduced dims were
(:func:`expand_back`) and spreads it: evenly for sum and mean, to the chosen elements for max.

>>> import scratchnet as sn
>>> x = sn.tensor([[1.0, 5.0], [7.0, 3.0]], requires_grad=True)
>>> x.max(dim=1)
scratchnet.return_types.max(values=tensor([5., 7.], grad_fn=<MaxBackward0>), indices=tensor([1, 0]))
>>> x.max(dim=1).values.sum().backward()
>>> x.grad
tensor([[0., 1.],
        [1., 0.]])
"""

import builtins
from collections import namedtuple

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, _wrap_dim, int64
from .math import floating


def normalize_dims(dim, ndim):
    """``dim`` (None, int or tuple) as a sorted tuple of non-negative dims; None means all."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, xp.integer)) else tuple(dim)
    dims = tuple(sorted(_wrap_dim(d, ndim) for d in dims))
    if len(set(dims)) != len(dims):
        raise RuntimeError(f"dim {dims} appears multiple times in the list of dims")
    return dims


def expand_back(grad, shape, dims, keepdim):
    """The gradient of a reduction over ``dims``, broadcast back to the input's ``shape``."""
    if not keepdim:
        grad = grad.reshape(tuple(1 if i in dims else n for i, n in enumerate(shape)))
    return grad.expand(shape)


class Sum(Function):
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return x.sum(axis=dims, keepdims=keepdim)

    def backward(ctx, grad):
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)


class Mean(Function):
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.count = builtins.max(1, int(xp.prod([x.shape[d] for d in dims])))
        return x.mean(axis=dims, keepdims=keepdim)

    def backward(ctx, grad):
        return expand_back(grad / ctx.count, ctx.shape, ctx.dims, ctx.keepdim)


def sum(input, dim=None, keepdim=False, dtype=None):
    """Sum over ``dim`` (an int, a tuple, or None for all).

    >>> import scratchnet as sn
    >>> sn.ones(2, 3).sum(dim=(0, 1)).item()
    6.0
    """
    if dtype is not None:
        input = input.to(dtype)
    elif input.dtype.kind in "bu" or input.dtype == xp.int32:
        input = input.to(int64)  # torch sums bool and small ints as int64
    return Sum.apply(input, dims=normalize_dims(dim, input.ndim), keepdim=keepdim)


def mean(input, dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError(
            f"mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input.dtype}"
        )
    return Mean.apply(input, dims=normalize_dims(dim, input.ndim), keepdim=keepdim)


# --- max and min ------------------------------------------------------------------------------


class Extreme(Function):
    """max/min over dims; the gradient goes to the extreme elements (shared evenly by ties)."""

    backward_name = "AmaxBackward0"

    def forward(ctx, x, dims, keepdim, largest):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        out = (x.max if largest else x.min)(axis=dims, keepdims=True)
        hits = x == out
        ctx.weights = hits / hits.sum(axis=dims, keepdims=True)
        return out if keepdim else out.reshape([n for i, n in enumerate(x.shape) if i not in dims])

    def backward(ctx, grad):
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) * Tensor._make(ctx.weights.astype(grad.dtype))


class SelectAlongDim(Function):
    """max/min along one dim with its indices; the gradient goes to the element at the index."""

    backward_name = "MaxBackward0"

    def forward(ctx, x, dim, keepdim, indices):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, (dim,), keepdim
        positions = xp.arange(x.shape[dim]).reshape([-1 if i == dim else 1 for i in range(x.ndim)])
        ctx.mask = positions == indices
        values = xp.take_along_axis(x, indices, axis=dim)
        return values if keepdim else values.squeeze(dim)

    def backward(ctx, grad):
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) * Tensor._make(ctx.mask)


class MinSelectAlongDim(SelectAlongDim):
    backward_name = "MinBackward0"


_max_return = namedtuple("max", ["values", "indices"])
_min_return = namedtuple("min", ["values", "indices"])
_max_return.__module__ = _min_return.__module__ = "scratchnet.return_types"
_max_return.__repr__ = lambda self: f"scratchnet.return_types.max(values={self.values!r}, indices={self.indices!r})"
_min_return.__repr__ = lambda self: f"scratchnet.return_types.min(values={self.values!r}, indices={self.indices!r})"


def _extreme(input, dim, keepdim, largest):
    if input.numel() == 0:
        raise RuntimeError(f"{'max' if largest else 'min'}(): Expected reduction dim to be specified for input.numel() == 0")
    if dim is None or isinstance(dim, tuple):
        return _EXTREME[largest, dim is None].apply(input, dims=normalize_dims(dim, input.ndim), keepdim=keepdim, largest=largest)
    d = _wrap_dim(dim, input.ndim)
    find = xp.argmax if largest else xp.argmin
    idx = find(input.array, axis=d, keepdims=True) if input.ndim else xp.zeros((), dtype=xp.int64)
    values = (SelectAlongDim if largest else MinSelectAlongDim).apply(input, dim=d, keepdim=keepdim, indices=idx)
    indices = Tensor._make(idx.astype(xp.int64) if keepdim else idx.squeeze(d).astype(xp.int64))
    return (_max_return if largest else _min_return)(values, indices)


def max(input, dim=None, keepdim=False):
    """The largest element; with an int ``dim``, ``(values, indices)`` along it, as torch."""
    if isinstance(dim, Tensor):  # torch.max(a, b) is maximum
        from .math import maximum

        return maximum(input, dim)
    return _extreme(input, dim, keepdim, largest=True)


def min(input, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        from .math import minimum

        return minimum(input, dim)
    return _extreme(input, dim, keepdim, largest=False)


def amax(input, dim=(), keepdim=False):
    return Extreme.apply(input, dims=normalize_dims(dim if dim != () else None, input.ndim), keepdim=keepdim, largest=True)


def amin(input, dim=(), keepdim=False):
    return _EXTREME[False, False].apply(input, dims=normalize_dims(dim if dim != () else None, input.ndim), keepdim=keepdim, largest=False)


class _MaxAll(Extreme):
    backward_name = "MaxBackward1"


class _MinAll(Extreme):
    backward_name = "MinBackward1"


class _Amin(Extreme):
    backward_name = "AminBackward0"


_EXTREME = {(True, True): _MaxAll, (False, True): _MinAll, (True, False): Extreme, (False, False): _Amin}


def argmax(input, dim=None, keepdim=False):
    """Index of the largest element (of the flattened tensor when ``dim`` is None)."""
    if dim is None:
        return Tensor._make(xp.asarray(xp.argmax(input.array), dtype=xp.int64))
    return Tensor._make(xp.argmax(input.array, axis=_wrap_dim(dim, input.ndim), keepdims=keepdim).astype(xp.int64))


def argmin(input, dim=None, keepdim=False):
    if dim is None:
        return Tensor._make(xp.asarray(xp.argmin(input.array), dtype=xp.int64))
    return Tensor._make(xp.argmin(input.array, axis=_wrap_dim(dim, input.ndim), keepdims=keepdim).astype(xp.int64))


# --- variance and standard deviation (built from the ops above, so their backward comes free) ---


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance with Bessel's correction by default (``correction=1``), as torch.

    >>> import scratchnet as sn
    >>> round(sn.tensor([1.0, 2.0, 3.0, 4.0]).var().item(), 6)
    1.666667
    """
    if unbiased is not None and correction is not None:
        raise RuntimeError("var: pass either unbiased or correction, not both")
    correction = (1 if unbiased in (None, True) else 0) if correction is None else correction
    input = floating(input)
    dims = normalize_dims(dim, input.ndim)
    count = int(xp.prod([input.shape[d] for d in dims]))
    centered = input - input.mean(dim=dims, keepdim=True)
    return (centered * centered).sum(dim=dims, keepdim=keepdim) / builtins.max(0, count - correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    return var(input, dim, unbiased, keepdim, correction=correction).sqrt()

"""Counting and differencing: bincount, histc, diff.

    bincount(x)[k] = #{i : x[i] = k}            (with weights: the sum of weights[i] over those i)
    histc(x, bins, min, max)[k] = #{i : x[i] in bin k of bins equal bins on [min, max]}
    diff(x)[..., i] = x[..., i + 1] - x[..., i]  (n times; != for bool)

bincount and histc give counts, which have no gradient (torch's bincount refuses a backward
through its weights; histc's result never requires grad); diff is built from narrow and
subtraction, so its gradient comes from theirs.

>>> import scratchnet as sn
>>> sn.bincount(sn.tensor([0, 2, 2]))
tensor([1, 0, 2])
>>> sn.histc(sn.tensor([0.0, 1.0, 2.0, 5.0]), bins=4, min=0, max=3)
tensor([1., 1., 1., 0.])
>>> sn.diff(sn.tensor([1, 4, 9]))
tensor([3, 5])
"""

import builtins

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, _wrap_dim
from ._promote import not_implemented

__all__ = ["bincount", "diff", "histc"]


class Bincount(Function):
    """The weighted counts; torch has no derivative for them, and neither does this node."""

    def forward(ctx, x, weights, length):
        out = xp.zeros(length, dtype=weights.dtype)
        xp.add.at(out, x, weights)  # one add at a time, in order, in the weights' dtype (as torch)
        return out

    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::bincount is not implemented")


def bincount(input, weights=None, minlength=0):
    """Count how often each non-negative integer occurs (or sum ``weights`` per value).

    Args:
        input: 1-D tensor of non-negative integers.
        weights: optional 1-D tensor of input's length; float32/float64 keep their dtype, other
            dtypes count in float64 (as torch).
        minlength (int): the result has at least this many bins.

    Shape: ``(max(input.max() + 1, minlength),)``; int64 without weights.

    >>> import scratchnet as sn
    >>> sn.bincount(sn.tensor([1, 1]), weights=sn.tensor([0.5, 2.0]), minlength=3)
    tensor([0.0000, 2.5000, 0.0000])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"bincount(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.dtype == xp.bool_ or input.dtype in FLOAT_DTYPES:
        raise not_implemented("bincount_cpu", input.dtype)
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    x = input.array
    if x.ndim != 1 or (x.size and x.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    length = builtins.max(int(x.max()) + 1 if x.size else 0, int(minlength))
    if x.size == 0:
        return Tensor._make(xp.zeros(length, dtype=xp.int64))  # torch: int64 zeros, whatever the weights
    if weights is None:
        return Tensor._make(xp.bincount(x.astype(xp.int64), minlength=length).astype(xp.int64))
    if not isinstance(weights, Tensor):
        raise TypeError(f"bincount(): argument 'weights' must be Tensor, not {type(weights).__name__}")
    if weights.ndim != 1 or weights.shape[0] != x.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    if weights.dtype not in FLOAT_DTYPES:
        weights = weights.to(dtype="float64")
    return Bincount.apply(input, weights, length=length)


def _check_histc(input, bins, lo, hi):
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    if not (xp.isfinite(lo) and xp.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo:g}, {hi:g}] is not finite")
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")


def histc(input, bins=100, min=0, max=0):
    """A histogram of ``bins`` equal bins on ``[min, max]``; values outside (and NaN) are left out.

    With ``min == max`` the data's own range is used (widened by 1 each way if it is one value).
    A value equal to an edge counts in the bin it starts, except ``max``, in the last.

    Args:
        input: a float tensor (any shape).
        bins (int), min, max (numbers).

    Shape: ``(bins,)``, in the input's dtype; never requires grad.

    >>> import scratchnet as sn
    >>> sn.histc(sn.tensor([1.0, 1.0]), bins=3)
    tensor([0., 2., 0.])
    """

    if not isinstance(input, Tensor):
        raise TypeError(f"histc(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.dtype not in FLOAT_DTYPES:  # torch meets bool first in its linspace of the edges
        raise not_implemented("linspace_cpu" if input.dtype == xp.bool_ else "histogram_cpu", input.dtype)
    x = input.array.ravel()
    dtype = input.array.dtype
    lo, hi = dtype.type(min), dtype.type(max)
    if lo == hi and x.size:
        lo, hi = x.min(), x.max()  # NaN in the data makes the range NaN: torch's error then
    if lo == hi:
        lo, hi = lo - dtype.type(1), hi + dtype.type(1)
    _check_histc(input, bins, lo, hi)
    # torch takes the outer edges from its linspace of bins + 1 edges, computed in the input's
    # dtype: start + 0 * step and end - 0 * step, NaN when the step overflows (then nothing is kept)
    with xp.errstate(over="ignore", invalid="ignore"):
        step = (hi - lo) / dtype.type(bins)
        lo, hi = lo + step * 0, hi - step * 0
        kept = x[(x >= lo) & (x <= hi)]
        # torch's histc maps a value to its bin by linear interpolation in the input's dtype
        # (not by searching the edges): bin = trunc((x - min) * bins / (max - min))
        pos = (kept - lo) * dtype.type(bins) / (hi - lo)
    # an overflowing quotient (inf) converts to int64's minimum in torch's kernel, whose index
    # then wraps to the first bin
    pos = xp.where(xp.isfinite(pos), pos, 0).astype(xp.int64)
    pos = xp.minimum(pos, bins - 1)
    return Tensor._make(xp.bincount(pos, minlength=bins).astype(dtype))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The ``n``-th forward difference along ``dim``, after joining ``prepend`` and ``append``.

    Args:
        input: a tensor of at least one dimension.
        n (int): how many times to difference (a length below ``n`` gives an empty result).
        dim (int): the dimension.
        prepend, append: tensors joined before / after ``input`` along ``dim`` first.

    Shape: ``dim`` shrinks by ``n`` (not below 0); bool inputs give ``x[i + 1] != x[i]``.

    >>> import scratchnet as sn
    >>> sn.diff(sn.tensor([[1.0, 2.0], [4.0, 8.0]]), dim=0, prepend=sn.zeros(1, 2))
    tensor([[1., 2.],
            [3., 6.]])
    """
    from . import cat, ne

    if not isinstance(input, Tensor):
        raise TypeError(f"diff(): argument 'input' must be Tensor, not {type(input).__name__}")
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = _wrap_dim(dim, input.ndim)
    if n == 0:
        return input.clone()  # torch: a copy, prepend and append unused
    parts = [t for t in (prepend, input, append) if t is not None]
    for t in parts:
        if not isinstance(t, Tensor):
            raise TypeError(f"diff(): prepend and append must be Tensors, not {type(t).__name__}")
        if t.ndim != input.ndim:
            raise RuntimeError(f"diff expects prepend or append to be the same dimension as input, but got "
                               f"{t.ndim}-d and {input.ndim}-d")
    x = cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        later, earlier = x.narrow(dim, 1, length - 1), x.narrow(dim, 0, length - 1)
        x = ne(later, earlier) if x.dtype == xp.bool_ else later - earlier
    return x


METHODS = {"bincount": bincount, "diff": diff, "histc": histc}

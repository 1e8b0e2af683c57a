"""Sorting and selection: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive,
searchsorted, bucketize.

Orderings are stable and put NaN above every number (last ascending, first descending), as
torch's. The ops that return values (sort, topk, kthvalue) gather them at the indices they chose,
so the gradient is scattered back to those indices (:class:`~scratchnet.ops.reduce.TakeAlong`).

>>> import scratchnet as sn
>>> x = sn.tensor([3.0, float("nan"), 1.0, 2.0])
>>> x.sort().values.tolist()[:3], x.sort().indices.tolist()
([1.0, 2.0, 3.0], [2, 3, 0, 1])
>>> x.topk(2, largest=False).indices
tensor([2, 3])
"""

import builtins

from .. import return_types
from ..backend import xp
from ..tensor import Function, Tensor, _wrap_dim, int32, int64
from .reduce import TakeAlong, dim_alias, index_result, one_dim, torch_name

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive", "searchsorted", "bucketize"]


class Sort(TakeAlong):
    backward_name = "SortBackward0"


class Topk(TakeAlong):
    backward_name = "TopkBackward0"


class Kthvalue(TakeAlong):
    backward_name = "KthvalueBackward0"


def order(array, dim, descending=False):
    """Stable argsort along ``dim``; descending keeps equal elements in their original order and
    puts NaN first (it is the ascending order of the reversed array, reversed)."""
    if not descending:
        return xp.argsort(array, axis=dim, kind="stable")
    n = array.shape[dim]
    flipped = xp.flip(array, axis=dim)
    return n - 1 - xp.flip(xp.argsort(flipped, axis=dim, kind="stable"), axis=dim)


def _sorted(input, dim, descending, cls):
    d = one_dim(dim, input.ndim, "sort")
    if input.ndim == 0:
        index = xp.zeros((), xp.int64)
    else:
        index = order(input.array, d, descending)
    return cls.apply(input, indices=index, dim=d, keepdim=True), index_result(index, d, True, input.ndim)


@dim_alias
def sort(input, dim=-1, descending=False, stable=False):
    """Sorted values along ``dim`` and the indices they came from (stable always, which torch's
    ``stable=True`` promises; NaN sorts as the largest).

    >>> import scratchnet as sn
    >>> sn.tensor([[2, 1, 2], [0, 5, 3]]).sort(dim=1, descending=True).values
    tensor([[2, 2, 1],
            [5, 3, 0]])
    """
    return return_types.sort(*_sorted(input, dim, descending, Sort))


@dim_alias
def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim`` (see :func:`sort`).

    >>> import scratchnet as sn
    >>> sn.tensor([3.0, 1.0, 2.0]).argsort()
    tensor([1, 2, 0])
    """
    d = one_dim(dim, input.ndim, "argsort")
    return index_result(order(input.array, d, descending) if input.ndim else xp.zeros((), xp.int64), d, True, input.ndim)


def msort(input):
    """``input`` sorted along its first dim (``sort(input, dim=0).values``).

    >>> import scratchnet as sn
    >>> sn.tensor([[2.0, 1.0], [0.0, 3.0]]).msort()
    tensor([[0., 1.],
            [2., 3.]])
    """
    return sort(input, dim=0).values


@dim_alias
def topk(input, k, dim=-1, largest=True, sorted=True):
    """The ``k`` largest (or smallest) values along ``dim`` and their indices, largest first.

    >>> import scratchnet as sn
    >>> sn.tensor([1.0, 4.0, 2.0, 3.0]).topk(2)
    scratchnet.return_types.topk(
    values=tensor([4., 3.]),
    indices=tensor([1, 3]))
    """
    if input.dtype == xp.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    d = one_dim(dim, input.ndim, "topk")
    size = input.shape[d] if input.ndim else 1
    if not isinstance(k, (int, xp.integer)) or isinstance(k, builtins.bool):
        raise TypeError(f"topk(): argument 'k' must be int, not {type(k).__name__}")
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    if input.ndim == 0:
        return return_types.topk(*_sorted(input, 0, largest, Topk))
    index = xp.take(order(input.array, d, descending=largest), xp.arange(k), axis=d)
    values = Topk.apply(input, indices=index, dim=d, keepdim=True)
    return return_types.topk(values, index_result(index, d, True, input.ndim))


@dim_alias
def kthvalue(input, k, dim=-1, keepdim=False):
    """The ``k``-th smallest value along ``dim`` (counting from 1) and its index.

    >>> import scratchnet as sn
    >>> sn.tensor([3.0, 1.0, 2.0]).kthvalue(2)
    scratchnet.return_types.kthvalue(
    values=tensor(2.),
    indices=tensor(2))
    """
    d = one_dim(dim, input.ndim, "kthvalue")
    size = input.shape[d] if input.ndim else 1
    if size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    if input.dtype == xp.bool_ and input.ndim:  # torch copies a 0-d input before its dtype dispatch
        raise NotImplementedError("\"kthvalue_cpu\" not implemented for 'Bool'")
    if input.ndim == 0:
        index = xp.zeros((), xp.int64)
    else:
        index = xp.take(order(input.array, d), [k - 1], axis=d)
    values = Kthvalue.apply(input, indices=index, dim=d, keepdim=keepdim)
    return return_types.kthvalue(values, index_result(index, d, keepdim, input.ndim))


# --- unique ---------------------------------------------------------------------------------------


class Unique(Function):
    """The distinct values, recorded so that a graph through them fails as torch's does."""

    backward_name = "Unique2Backward0"
    torch_op = "_unique2"

    def forward(ctx, x, values):
        return values

    def backward(ctx, grad):
        raise NotImplementedError(f"the derivative for '{ctx.torch_op}' is not implemented.")


class UniqueDim(Unique):
    backward_name = "UniqueDimBackward0"
    torch_op = "unique_dim"


class UniqueConsecutive(Unique):
    backward_name = "UniqueConsecutiveBackward0"
    torch_op = "unique_consecutive"


def _unique_results(values, inverse, counts, return_inverse, return_counts, like, node):
    out = [node.apply(like, values=xp.asarray(values, dtype=like.dtype))]
    if return_inverse:
        out.append(Tensor._make(xp.asarray(inverse, dtype=xp.int64)))
    if return_counts:
        out.append(Tensor._make(xp.asarray(counts, dtype=xp.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _check_unique_dim(a, dim):
    """torch refuses slices along ``dim`` of a 0-d tensor, or when another dim has size 0."""
    if dim is None:
        return
    if a.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _wrap_dim(dim, a.ndim)
    empty = [i for i, n in enumerate(a.shape) if n == 0]
    if len(empty) > 1:
        raise RuntimeError("Number of zero sized dimensions is more than one, so unique cannot be applied ")
    if empty and empty[0] != d:
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied")


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted; each NaN counts once), optionally with, for each input element,
    the index of its value (``return_inverse``, shaped like the input) and each value's count.
    With ``dim``, the distinct slices along it. No gradient flows (as in torch).

    >>> import scratchnet as sn
    >>> sn.unique(sn.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True)
    (tensor([1, 2, 3]), tensor([2, 0, 2, 1]), tensor([1, 1, 2]))
    """
    a = input.array
    _check_unique_dim(a, dim)
    if dim is None:
        values, inverse, counts = xp.unique(a.reshape(-1), return_inverse=True, return_counts=True, equal_nan=False)
        inverse = inverse.reshape(a.shape)
    else:
        d = _wrap_dim(dim, a.ndim)
        if a.shape[d] == 0:
            values, inverse, counts = a, xp.zeros(0, xp.int64), xp.zeros(0, xp.int64)
        else:
            values, inverse, counts = xp.unique(a, axis=d, return_inverse=True, return_counts=True, equal_nan=False)
            inverse = inverse.reshape(-1)
    return _unique_results(values, inverse, counts, return_inverse, return_counts, input, Unique if dim is None else UniqueDim)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse each run of equal consecutive values (or slices along ``dim``) to one.

    >>> import scratchnet as sn
    >>> sn.tensor([1, 1, 2, 2, 1]).unique_consecutive(return_counts=True)
    (tensor([1, 2, 1]), tensor([2, 2, 1]))
    """
    a = input.array
    _check_unique_dim(a, dim)
    if dim is None:
        flat = a.reshape(-1)
        d, moved = 0, flat
    else:
        d = _wrap_dim(dim, a.ndim)
        moved = xp.moveaxis(a, d, 0)
    n = moved.shape[0] if moved.ndim else 1
    if moved.ndim == 0:
        moved = moved.reshape(1)
    rows = moved.reshape(n, int(xp.prod(moved.shape[1:], dtype=xp.int64)))
    change = (rows[1:] != rows[:-1]).any(axis=1) if n else xp.zeros(0, bool)
    starts = xp.concatenate([xp.ones(builtins.min(n, 1), bool), change])
    inverse = xp.cumsum(starts) - 1
    first = xp.flatnonzero(starts)
    counts = xp.diff(xp.append(first, n))
    values = moved[first]
    if dim is not None:
        values = xp.moveaxis(values, 0, d)
    else:
        inverse = inverse.reshape(a.shape)
    return _unique_results(values, inverse, counts, return_inverse, return_counts, input, UniqueConsecutive)


# --- searchsorted, bucketize ------------------------------------------------------------------


def _positions(boundaries, values, right):
    """torch's binary search for each value along the last dim of ``boundaries`` (whose leading
    dims match ``values'``): step right while ``!(mid >= v)`` (``!(mid > v)`` when ``right``), so a
    NaN value lands past the end, and NaN boundaries send the search right wherever it meets them.
    One vectorised step per halving (log2 of the length), none per element."""
    m = boundaries.shape[-1]
    start = xp.zeros(values.shape, xp.int64)
    end = xp.full(values.shape, m, xp.int64)
    with xp.errstate(invalid="ignore"):
        while (start < end).any():
            active = start < end
            mid = start + ((end - start) >> 1)
            at = xp.minimum(mid, m - 1)
            mid_val = boundaries[at] if boundaries.ndim == 1 else xp.take_along_axis(boundaries, at, axis=-1)
            go_right = ~(mid_val > values) if right else ~(mid_val >= values)
            start = xp.where(active & go_right, mid + 1, start)
            end = xp.where(active & ~go_right, mid, end)
    return start


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None):
    """Where each value of ``input`` would go in ``sorted_sequence`` (sorted along its last dim) to
    keep it sorted: the first such place, or the last with ``right=True`` / ``side='right'``.

    >>> import scratchnet as sn
    >>> sn.searchsorted(sn.tensor([1, 3, 5, 7]), sn.tensor([3, 6]))
    tensor([1, 3])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left while right was True")
        right = side == "right"
    boundaries = sorted_sequence.array
    if sorter is not None:
        sorter = sorter.array if isinstance(sorter, Tensor) else xp.asarray(sorter)
        if sorter.shape != boundaries.shape:
            raise RuntimeError(f"torch.searchsorted(): boundary and sorter must have the same size, but got boundary tensor {list(boundaries.shape)}and got sorter tensor {list(sorter.shape)}")
        if sorter.dtype != xp.int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but got dtype {torch_name(sorter.dtype)}")
        if sorter.size and (sorter.min() < 0 or sorter.max() >= boundaries.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
        boundaries = xp.take_along_axis(boundaries, sorter, axis=-1)
    scalar = not isinstance(input, Tensor)
    values = xp.asarray(input) if scalar else input.array
    if scalar and boundaries.ndim > 1:
        raise RuntimeError(f"torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got boundaries tensor dim({boundaries.ndim}) and input value's dim(0) numel(1)")
    if boundaries.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [] and input value tensor " + str(list(values.shape)))
    if boundaries.ndim > 1 and (scalar or boundaries.shape[:-1] != values.shape[:-1]):
        raise RuntimeError(
            f"torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
            f"tensor and input value tensor must match, but we got boundaries tensor {list(boundaries.shape)} and "
            f"input value tensor {list(values.shape)}"
        )
    if values.dtype == xp.bool_ and boundaries.dtype == xp.bool_ and values.size:  # torch answers no values first
        raise NotImplementedError("\"searchsorted_out_cpu\" not implemented for 'Bool'")
    out = _positions(boundaries, values, right)
    return Tensor._make(xp.asarray(out, dtype=int32 if out_int32 else int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each value given 1-D sorted ``boundaries``: i with
    ``boundaries[i-1] < x <= boundaries[i]`` (``<=`` and ``<`` swapped with ``right=True``).

    >>> import scratchnet as sn
    >>> sn.bucketize(sn.tensor([1, 5, 9]), sn.tensor([1, 3, 5, 7]))
    tensor([0, 2, 4])
    """
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


METHODS = {name: globals()[name] for name in ("sort", "argsort", "msort", "topk", "kthvalue", "unique", "unique_consecutive")}


"""Index and mask ops: slices along a dim picked or written by a vector of indices
(``index_select``, ``index_add``, ``index_copy``, ``index_fill``), elements written at advanced
indices (``index_put``), picked or written by a boolean mask (``masked_fill``, ``masked_select``,
``masked_scatter``), read from the flattened tensor (``take``), and where the nonzeros are
(``nonzero``, ``argwhere``, ``where(condition)``).

Each picking op's backward is its writing twin (``index_select`` <-> ``index_add``,
``masked_select`` <-> ``masked_scatter``), so backwards stay differentiable.

>>> import scratchnet as sn
>>> x = sn.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> y = x.index_select(0, sn.tensor([1, 1]))
>>> y.sum().backward(); x.grad
tensor([[0., 0.],
        [2., 2.]])
"""

import builtins

from ..backend import FLOAT_DTYPES, fast_where, xp
from ..dtypes import fill_scalar
from ..tensor import Function, Tensor, _wrap_dim, bool_, int32, int64, is_grad_enabled
from .scatter import _1d, _embed, _in_range, _index, _name, broadcast_shapes
from .shape import IndexAdd

__all__ = [
    "index_select", "index_add", "index_copy", "index_fill", "index_put", "masked_fill",
    "masked_select", "masked_scatter", "take", "nonzero", "argwhere", "where", "nonzero_static",
]

# --- index_select, index_add, index_copy, index_fill ---------------------------------------------------


def _vector_index(index, op, long_only=False, exc=RuntimeError, message=None):
    idx = _index(index, op, long_only=long_only, exc=exc)
    if idx.ndim > 1:
        raise IndexError(message or f"{op}(): Index is supposed to be a vector, but got dim: {idx.ndim} with type: {_name(index.dtype)} and size: {list(idx.shape)}")
    return idx.reshape(-1)


def _check_select(shape, d, idx):
    """torch's index_select checks: an index outside the dim (RuntimeError on an empty tensor)."""
    n = (tuple(shape) or (1,))[d]
    if idx.size and ((idx < 0) | (idx >= n)).any():
        if len(shape) > 1 and int(xp.prod(shape)) == 0:
            if n == 0:
                raise RuntimeError("index_select(): self indexing axis dim should be positive")
            raise RuntimeError(f"index_select(): index {int(idx[(idx < 0) | (idx >= n)][0])} is out of bounds for dimension {d} with size {n}")
        raise IndexError("index out of range in self")


class IndexSelect(Function):
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        return xp.take(x, index, axis=dim) if x.ndim else x.copy()

    def backward(ctx, grad):
        zeros = Tensor._make(xp.zeros(ctx.shape, grad.dtype))
        return IndexAddFn.apply(zeros, grad, dim=ctx.dim, index=ctx.index, alpha=1)


class IndexAddFn(Function):
    backward_name = "IndexAddBackward0"

    def forward(ctx, x, source, dim, index, alpha):
        ctx.dim, ctx.index, ctx.alpha = dim, index, alpha
        out = _1d(x).copy()
        if out.size == 0:  # torch adds nothing into an empty tensor (and checks no index)
            return out.reshape(x.shape)
        source = _1d(source)
        xp.add.at(xp.moveaxis(out, dim, 0), index, xp.moveaxis(source * alpha if alpha != 1 else source, dim, 0))
        return out.reshape(x.shape)

    def backward(ctx, grad):
        _check_select(grad.shape, ctx.dim, ctx.index)
        picked = IndexSelect.apply(grad, dim=ctx.dim, index=ctx.index)
        return grad, picked * ctx.alpha if ctx.alpha != 1 else picked


class IndexCopy(Function):
    def forward(ctx, x, source, dim, index):
        ctx.dim, ctx.index = dim, index
        out = _1d(x).copy()
        xp.moveaxis(out, dim, 0)[index] = xp.moveaxis(_1d(source), dim, 0)
        return out.reshape(x.shape)

    def backward(ctx, grad):
        return IndexFill.apply(grad, Tensor._make(xp.zeros((), grad.dtype)), dim=ctx.dim, index=ctx.index), IndexSelect.apply(grad, dim=ctx.dim, index=ctx.index)


class IndexFill(Function):
    def forward(ctx, x, value, dim, index):
        ctx.dim, ctx.index = dim, index
        out = _1d(x).copy()
        if out.size:
            xp.moveaxis(out, dim, 0)[index] = value
        return out.reshape(x.shape)

    def backward(ctx, grad):
        if grad.numel() == 0 and ctx.needs_input_grad[1]:
            _check_select(grad.shape, ctx.dim, ctx.index)  # torch's backward reads the filled slices
        zero = Tensor._make(xp.zeros((), grad.dtype))
        kept = IndexFill.apply(grad, zero, dim=ctx.dim, index=ctx.index)
        return kept, (grad - kept).sum()  # each filled element once, however often it is indexed


def _check_source(input, source, d, index, op, same_ndim=False):
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}(): argument 'source' must be Tensor, not {type(source).__name__}")
    if same_ndim and (input.ndim == 0) != (source.ndim == 0):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    if same_ndim and source.ndim == 0 and index.size != 1:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    nd = builtins.max(input.ndim, 1)
    xs, ss = _1d(input.array).shape, _1d(source.array).shape
    if builtins.max(source.ndim, 1) != nd or builtins.any(xs[k] != ss[k] for k in range(nd) if k != d):
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = {list(input.shape)} source.shape = {list(source.shape)}")
    if ss[d] != index.size:
        raise RuntimeError(f"{op}(): Number of indices ({index.size}) should be equal to source.size(dim): ({ss[d]}), for dim: {d}")


def index_select(input, dim, index):
    """The slices of ``input`` along ``dim`` at ``index`` (a vector of int64/int32), in that order.

    >>> import scratchnet as sn
    >>> sn.index_select(sn.tensor([[1, 2], [3, 4]]), 0, sn.tensor([1, 1]))
    tensor([[3, 4],
            [3, 4]])
    """
    d = _wrap_dim(dim, input.ndim)
    idx = _vector_index(index, "index_select", message=None if index.ndim <= 1 else "index_select(): Index is supposed to be a vector")
    if input.ndim == 0 and idx.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {idx.size} value(s)")
    _check_select(input.shape, d, idx)
    return IndexSelect.apply(input, dim=d, index=idx)


def index_add(input, dim, index, source, *, alpha=1):
    """A copy of ``input`` with ``alpha * source`` added at the slices ``index`` along ``dim``;
    repeated indices add up.

    >>> import scratchnet as sn
    >>> sn.index_add(sn.zeros(3), 0, sn.tensor([0, 0]), sn.tensor([1.0, 2.0]))
    tensor([3., 0., 0.])
    """
    d = _wrap_dim(dim, input.ndim)
    idx = _vector_index(index, "index_add_")
    _check_source(input, source, d, idx, "index_add_", same_ndim=True)
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_add_(): self ({_name(input.dtype)}) and source ({_name(source.dtype)}) must have the same scalar type")
    if input.numel():  # torch checks no index of an empty tensor
        _in_range(idx, _1d(input.array).shape[d], d)
    # alpha in input's dtype, checked as torch converts it: truncated for integers (2.5 -> 2, so
    # 3 * 2.5 adds 6, not 7), a value the dtype cannot hold (-1 into uint8, 1e40 into float32) refused
    scale = fill_scalar(alpha, input.dtype)
    if input.dtype not in FLOAT_DTYPES:
        alpha = scale.item()
    return IndexAddFn.apply(input, source, dim=d, index=idx, alpha=alpha)


def index_copy(input, dim, index, source):
    """A copy of ``input`` with the slices ``index`` along ``dim`` replaced by ``source``'s.

    >>> import scratchnet as sn
    >>> sn.index_copy(sn.zeros(3), 0, sn.tensor([2]), sn.tensor([7.0]))
    tensor([0., 0., 7.])
    """
    d = _wrap_dim(dim, input.ndim)
    idx = _vector_index(index, "index_copy_", long_only=True)
    if index.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    try:
        _check_source(input, source, d, idx, "index_copy_")
    except RuntimeError as e:
        if "Number of indices" not in str(e):
            raise
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to source.size(dim) ({_1d(source.array).shape[d]})") from None
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but got (self) {_name(input.dtype)} and (source) {_name(source.dtype)}")
    _in_range(idx, _1d(input.array).shape[d], d, exc=IndexError, op="index_copy_(): ")
    return IndexCopy.apply(input, source, dim=d, index=idx)


def _scalar_value(value, like, op):
    """A fill value as a 0-d Tensor of ``like``'s dtype (a Tensor value stays in the graph)."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"{op} only supports a 0-dimensional value tensor, but got tensor with {value.ndim} dimension(s).")
        if value.requires_grad and like.dtype not in FLOAT_DTYPES and is_grad_enabled():
            raise RuntimeError(f"Autograd not support dtype: {_name(like.dtype)}")
        if value.dtype == like.dtype:
            return value
        if value.requires_grad and like.dtype in FLOAT_DTYPES:
            return value.to(like.dtype)
        # torch reads the value as a number (item()) and converts it as a fill: checked, so -1.0,
        # 300 or NaN into uint8, inf into int64, 1e40 into float32 are its RuntimeError (not a wrap)
        return Tensor._make(fill_scalar(value.item(), like.dtype))
    return Tensor._make(fill_scalar(value, like.dtype))


def index_fill(input, dim, index, value):
    """A copy of ``input`` with the slices ``index`` along ``dim`` set to ``value`` (a number or a
    0-d tensor). Negative indices count from the end.

    >>> import scratchnet as sn
    >>> sn.index_fill(sn.zeros(2, 2), 1, sn.tensor([0]), -1.0)
    tensor([[-1.,  0.],
            [-1.,  0.]])
    """
    d = _wrap_dim(dim, input.ndim)
    idx = _index(index, "index_fill_", long_only=True, exc=IndexError)
    if idx.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    value = _scalar_value(value, input, "index_fill_")
    n = _1d(input.array).shape[d]
    if input.numel() == 0:  # torch checks no index of an empty tensor, but fails on a dim of size 0
        if n == 0 and idx.size and int(xp.prod([k for i, k in enumerate(input.shape) if i != d])):
            raise RuntimeError(f"index_fill_(): index {int(idx.reshape(-1)[0])} is out of bounds for dimension {d} with size 0")
        return IndexFill.apply(input, value, dim=d, index=idx.reshape(-1))
    idx = _in_range(idx.reshape(-1), n, d, exc=IndexError, negative=True)
    return IndexFill.apply(input, value, dim=d, index=idx)


# --- index_put ----------------------------------------------------------------------------------


class IndexPut(Function):
    def forward(ctx, x, values, indices, accumulate):
        ctx.indices, ctx.accumulate = indices, accumulate
        out = x.copy()
        if accumulate:
            xp.add.at(out, indices, xp.broadcast_to(values, out[indices].shape))
        else:
            out[indices] = values
        return out

    def backward(ctx, grad):
        from .shape import GetItem

        zero = Tensor._make(xp.zeros((), grad.dtype))
        self_grad = grad if ctx.accumulate else IndexPut.apply(grad, zero, indices=ctx.indices, accumulate=False)
        return self_grad, GetItem.apply(grad, index=ctx.indices)


def index_put(input, indices, values, accumulate=False):
    """A copy of ``input`` with ``out[indices] = values`` (``indices`` a tuple of int/bool tensors,
    as in ``x[i, j]``); with ``accumulate`` the values add up, repeated indices included.

    >>> import scratchnet as sn
    >>> sn.index_put(sn.zeros(3), (sn.tensor([0, 0]),), sn.tensor(1.0), accumulate=True)
    tensor([2., 0., 0.])
    """
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 3) must be Tensor, not {type(values).__name__}")
    arrays, dim = [], 0
    for k, i in enumerate(indices):
        if not isinstance(i, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got {type(i).__name__}")
        if i.dtype not in (int64, int32, bool_, xp.dtype("uint8")):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        a = i.array.astype(bool) if i.dtype == xp.dtype("uint8") else i.array
        width = a.ndim if a.dtype == bool else 1
        if dim + width > input.ndim:
            raise IndexError(f"too many indices for tensor of dimension {input.ndim} (got {len(indices)})")
        if a.dtype != bool:
            a = _in_range(a, input.shape[dim], dim, exc=IndexError, negative=True)
        arrays.append(a)
        dim += width
    if not arrays:
        raise RuntimeError("index_put(): expected at least one index tensor")
    if values.dtype != input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {_name(input.dtype)} for the destination and {_name(values.dtype)} for the source.")
    indices = tuple(arrays)
    try:
        target = input.array[indices].shape
    except IndexError:
        shapes = ", ".join(str(list(a.shape)) for a in arrays)
        raise IndexError(f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}") from None
    try:
        xp.broadcast_shapes(values.shape, target)
    except ValueError:
        raise RuntimeError(f"shape mismatch: value tensor of shape {list(values.shape)} cannot be broadcast to indexing result of shape {list(target)}") from None
    return IndexPut.apply(input, values, indices=indices, accumulate=builtins.bool(accumulate))


# --- masks ------------------------------------------------------------------------------------------


def _mask(mask, op):
    if not isinstance(mask, Tensor) or mask.dtype != bool_:
        got = _name(mask.dtype) if isinstance(mask, Tensor) else type(mask).__name__
        if op == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        got = {"Long": "long int", "Float": "float", "Double": "double"}.get(got, got) if op == "masked_fill_" else got
        raise RuntimeError(f"{op} only supports boolean masks, but got mask with dtype {got}")
    return mask.array


class MaskedFill(Function):
    def forward(ctx, x, value, mask):
        ctx.mask = mask
        return fast_where(mask, value, x).astype(x.dtype, copy=False)  # (a new array already)

    def backward(ctx, grad):
        zero = Tensor._make(xp.zeros((), grad.dtype))
        kept = MaskedFill.apply(grad, zero, mask=ctx.mask)
        return kept, ((grad - kept).sum() if ctx.needs_input_grad[1] else None)  # (a constant value: no pass)


def masked_fill(input, mask, value):
    """A copy of ``input`` with ``value`` (a number or a 0-d tensor) where ``mask`` is True; input
    and mask broadcast.

    >>> import scratchnet as sn
    >>> sn.masked_fill(sn.zeros(3), sn.tensor([True, False, True]), 2.0)
    tensor([2., 0., 2.])
    """
    m = _mask(mask, "masked_fill_")
    broadcast_shapes(input.shape, m.shape)
    return MaskedFill.apply(input, _scalar_value(value, input, "masked_fill_"), mask=m)


class MaskedSelect(Function):
    def forward(ctx, x, mask):
        ctx.shape = broadcast_shapes(x.shape, mask.shape)
        ctx.mask = xp.broadcast_to(mask, ctx.shape)
        return xp.broadcast_to(x, ctx.shape)[ctx.mask]

    def backward(ctx, grad):
        zeros = Tensor._make(xp.zeros(ctx.shape, grad.dtype))
        return MaskedScatter.apply(zeros, grad, mask=ctx.mask)


class MaskedScatter(Function):
    def forward(ctx, x, source, mask):
        shape = broadcast_shapes(x.shape, mask.shape)
        ctx.mask, ctx.source_shape = xp.broadcast_to(mask, shape), source.shape
        out = xp.array(xp.broadcast_to(x, shape))
        ctx.count = int(ctx.mask.sum())
        out[ctx.mask] = source.reshape(-1)[: ctx.count]
        return out

    def backward(ctx, grad):
        zero = Tensor._make(xp.zeros((), grad.dtype))
        picked = MaskedSelect.apply(grad, mask=ctx.mask)
        numel = int(xp.prod(ctx.source_shape))
        return MaskedFill.apply(grad, zero, mask=ctx.mask), _embed(picked, (numel,)).reshape(ctx.source_shape)


def masked_select(input, mask):
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (input and mask broadcast).

    >>> import scratchnet as sn
    >>> sn.masked_select(sn.tensor([[1, 2], [3, 4]]), sn.tensor([True, False]))
    tensor([1, 3])
    """
    m = _mask(mask, "masked_select")
    broadcast_shapes(input.shape, m.shape)
    return MaskedSelect.apply(input, mask=m)


def masked_scatter(input, mask, source):
    """A copy of ``input`` with ``source``'s elements, in order, written where ``mask`` is True.

    >>> import scratchnet as sn
    >>> sn.masked_scatter(sn.zeros(3), sn.tensor([True, False, True]), sn.tensor([5.0, 6.0]))
    tensor([5., 0., 6.])
    """
    m = _mask(mask, "masked_scatter_")
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got{_name(input.dtype)} and {_name(source.dtype)}")
    shape = broadcast_shapes(input.shape, m.shape)
    if int(xp.broadcast_to(m, shape).sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return MaskedScatter.apply(input, source, mask=m)


# --- take, take_along_dim ---------------------------------------------------------------------------


class Take(Function):
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        return x.reshape(-1)[index]

    def backward(ctx, grad):
        return IndexAdd.apply(grad, shape=(int(xp.prod(ctx.shape)),), index=ctx.index).reshape(ctx.shape)


def take(input, index):
    """``input`` read as 1-D at ``index`` (any shape; negative counts from the end).

    >>> import scratchnet as sn
    >>> sn.take(sn.tensor([[4, 3], [5, 6]]), sn.tensor([0, -1]))
    tensor([4, 6])
    """
    if not isinstance(index, Tensor) or index.dtype != int64:
        got = _name(index.dtype) if isinstance(index, Tensor) else type(index).__name__
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {got}")
    idx, n = index.array, input.numel()
    if idx.size and n == 0:
        raise IndexError("take(): tried to take from an empty tensor")
    bad = (idx < -n) | (idx >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(idx[bad].flat[0])} on a tensor of {n} elements.")
    return Take.apply(input, index=idx % builtins.max(n, 1))


# --- nonzero, argwhere, where(condition) ---------------------------------------------------------------


def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: an int64 ``(count, ndim)`` tensor, or with
    ``as_tuple=True`` one 1-D tensor per dim (a 0-d input counts as 1-D there).

    >>> import scratchnet as sn
    >>> sn.nonzero(sn.tensor([[0, 1], [2, 0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    if as_tuple:
        return tuple(Tensor._make(a.astype(xp.int64)) for a in xp.nonzero(_1d(input.array)))
    return Tensor._make(xp.argwhere(input.array).astype(xp.int64))


def nonzero_static(input, *, size, fill_value=-1):
    """:func:`nonzero` with a fixed number of rows: the first ``size`` rows of indices, padded
    with rows of ``fill_value`` when there are fewer nonzero elements.

    >>> import scratchnet as sn
    >>> sn.nonzero_static(sn.tensor([0, 5, 0]), size=2)
    tensor([[ 1],
            [-1]])
    """
    for name, value in (("size", size), ("fill_value", fill_value)):
        if not isinstance(value, (int, xp.integer)) or isinstance(value, bool):
            raise TypeError(f"nonzero_static(): argument '{name}' must be int, not {type(value).__name__}")
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    found = xp.argwhere(input.array)[:size].astype(xp.int64)
    out = xp.full((size, input.ndim), fill_value, dtype=xp.int64)
    out[:len(found)] = found
    return Tensor._make(out)


def argwhere(input):
    """The same as ``nonzero(input)``: one row of indices per nonzero element.

    >>> import scratchnet as sn
    >>> sn.argwhere(sn.tensor([0.0, 3.0]))
    tensor([[1]])
    """
    return nonzero(input)


def where(condition, input=None, other=None):
    """``where(condition)`` is ``nonzero(condition, as_tuple=True)``; the three-argument form is
    the elementwise choice of :func:`scratchnet.ops.math.where`.

    >>> import scratchnet as sn
    >>> sn.where(sn.tensor([True, False, True]))
    (tensor([0, 2]),)
    """
    if input is None and other is None:
        return nonzero(condition if isinstance(condition, Tensor) else Tensor._make(xp.asarray(condition)), as_tuple=True)
    from . import math

    return math.where(condition, input, other)


from .convert import numpy_names  # noqa: E402  (axis= for dim=, as torch)

for _op in __all__:
    globals()[_op] = numpy_names(globals()[_op])

METHODS = {
    "index_select": index_select, "index_add": index_add, "index_copy": index_copy, "index_fill": index_fill,
    "index_put": index_put, "masked_fill": masked_fill, "masked_select": masked_select,
    "masked_scatter": masked_scatter, "take": take, "nonzero": nonzero, "argwhere": argwhere, "nonzero_static": nonzero_static,
}

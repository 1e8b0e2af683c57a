"""Gather, scatter, index and mask ops: picking elements by index or mask, and putting them back.

Each pair is the other's backward: ``gather``'s gradient is a ``scatter_add`` into zeros and
``scatter_add``'s gradient for ``src`` is a ``gather``; ``index_select`` and ``index_add`` pair the
same way, ``masked_select`` and ``masked_scatter`` too. The backwards are written with these ops, so
they can be differentiated again. Index tensors are int64 (int32 where torch accepts it too).

>>> import scratchnet as sn
>>> x = sn.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
>>> y = sn.gather(x, 1, sn.tensor([[1], [0]]))
>>> y
tensor([[2.],
        [3.]], grad_fn=<GatherBackward0>)
>>> y.sum().backward(); x.grad
tensor([[0., 1.],
        [1., 0.]])
"""

import builtins

from ..backend import FLOAT_DTYPES, xp
from ..tensor import Function, Tensor, _wrap_dim, bool_, int32, int64
from ..tensor import broadcast_shapes as _shape_error
from .shape import IndexAdd

__all__ = [
    "gather", "scatter", "scatter_add", "scatter_reduce", "index_select", "index_add", "index_copy",
    "index_fill", "index_put", "masked_fill", "masked_select", "masked_scatter", "take",
    "take_along_dim", "nonzero", "argwhere", "where",
]

_DTYPE_NAMES = {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "uint8": "Byte", "bool": "Bool"}


def broadcast_shapes(*shapes):
    """The broadcast shape (a size 0 wins over a size 1), or torch's error naming the clash."""
    try:
        return tuple(xp.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        _shape_error(*shapes)
        raise


def _name(dtype):
    return _DTYPE_NAMES.get(str(dtype), str(dtype))


# --- checking indices ------------------------------------------------------------------------------


def _index(index, op, long_only=False, exc=RuntimeError):
    """The array of an index tensor, or torch's error for a tensor that is not int64 (or int32)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.dtype == int64 or (index.dtype == int32 and not long_only):
        return index.array
    raise exc(f"{op}(): Expected dtype {'int64' if long_only else 'int32/int64'} for index, but got {_name(index.dtype)}")


def _in_range(index, size, dim, exc=RuntimeError, negative=False, op=""):
    """Refuse an index outside ``[0, size)`` (``[-size, size)`` with ``negative``) as torch does."""
    lo = -size if negative else 0
    bad = (index < lo) | (index >= size)
    if bad.any():
        raise exc(f"{op}index {int(index[bad].flat[0])} is out of bounds for dimension {dim} with size {size}")
    return index % size if negative and size else index


def _1d(a):
    return a.reshape(1) if a.ndim == 0 else a


def _grid(index, dim):
    """Open-grid index arrays that pick ``x[..., index[i], ...]`` at each position ``i`` of ``index``."""
    idx = [xp.arange(n).reshape([-1 if k == d else 1 for k in range(index.ndim)]) for d, n in enumerate(index.shape)]
    idx[dim] = index
    return tuple(idx)


def _lead(shape):
    return tuple(slice(0, n) for n in shape)


def _embed(grad, shape):
    """``grad`` in the leading corner of zeros of ``shape`` (src larger than index)."""
    return grad if tuple(grad.shape) == tuple(shape) else IndexAdd.apply(grad, shape=tuple(shape), index=_lead(grad.shape))


def _check_scatter(input, dim, index, src, op):
    """torch's checks for gather/scatter: same ndim, index no larger than self (and src), in range."""
    nd = builtins.max(input.ndim, 1)
    d = _wrap_dim(dim, input.ndim)
    idx = _index(index, op)
    if builtins.max(idx.ndim, 1) != nd:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if src is not None and builtins.max(src.ndim, 1) != nd:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    ishape, xshape = _1d(idx).shape, _1d(input.array).shape
    sshape = None if src is None else _1d(src.array).shape
    if idx.size:
        for k in range(nd):
            too_big = (k != d and ishape[k] > xshape[k]) or (sshape is not None and ishape[k] > sshape[k])
            if too_big and src is None:
                raise RuntimeError(f"Size does not match at dimension {k} expected index {list(idx.shape)} to be no larger than self {list(input.shape)} apart from dimension {d}")
            if too_big:
                raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self {list(input.shape)} apart from dimension {d} and to be no larger size than src {list(src.shape)}")
        _in_range(idx, xshape[d], d)
    return d, idx


# --- gather and scatter ----------------------------------------------------------------------------


class Gather(Function):
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        return _1d(x)[_grid(_1d(index), dim)].reshape(index.shape)

    def backward(ctx, grad):
        zeros = Tensor._make(xp.zeros(ctx.shape, grad.dtype))
        return ScatterAdd.apply(zeros, grad, dim=ctx.dim, index=ctx.index)


class ScatterAdd(Function):
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = _1d(x).copy()
        xp.add.at(out, _grid(_1d(index), dim), _1d(src)[_lead(_1d(index).shape)])
        return out.reshape(x.shape)

    def backward(ctx, grad):
        return grad, _embed(Gather.apply(grad, dim=ctx.dim, index=ctx.index), ctx.src_shape)


class Scatter(Function):
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = _1d(x).copy()
        out[_grid(_1d(index), dim)] = _1d(src)[_lead(_1d(index).shape)]
        return out.reshape(x.shape)

    def backward(ctx, grad):
        self_grad = ScatterValue.apply(grad, dim=ctx.dim, index=ctx.index, value=0)
        return self_grad, _embed(Gather.apply(grad, dim=ctx.dim, index=ctx.index), ctx.src_shape)


class ScatterValue(Function):
    backward_name = "ScatterBackward1"

    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = _1d(x).copy()
        out[_grid(_1d(index), dim)] = value
        return out.reshape(x.shape)

    def backward(ctx, grad):
        return ScatterValue.apply(grad, dim=ctx.dim, index=ctx.index, value=0)


class ScatterLegacyReduce(Function):
    """``scatter(..., reduce='add'|'multiply')``: forward only, as in torch (no derivative)."""

    backward_name = "NotImplemented"

    def forward(ctx, x, src, dim, index, reduce):
        out = _1d(x).copy()
        (xp.add if reduce == "add" else xp.multiply).at(out, _grid(_1d(index), dim), _1d(src)[_lead(_1d(index).shape)])
        return out.reshape(x.shape)

    def backward(ctx, grad):
        raise RuntimeError("the derivative for 'scatter' with a reduce argument is not implemented (use scatter_reduce)")


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """``out[i][j] = input[index[i][j]][j]`` for ``dim=0`` (and likewise for each dim).

    Args: input (Tensor), dim (int), index (int64 Tensor of input's ndim, no larger than input
    apart from ``dim``). Output: index's shape.

    >>> import scratchnet as sn
    >>> sn.gather(sn.tensor([[1, 2], [3, 4]]), 1, sn.tensor([[0, 0], [1, 0]]))
    tensor([[1, 1],
            [4, 3]])
    """
    d, idx = _check_scatter(input, dim, index, None, "gather")
    return Gather.apply(input, dim=d, index=idx)


def _value_src(input, value, op):
    if isinstance(value, Tensor):
        if value.dtype != input.dtype:
            raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
        return value
    return None


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of ``input`` with ``out[index[i][j]][j] = src[i][j]`` for ``dim=0`` (``src`` a Tensor
    or a number). ``reduce='add'|'multiply'`` combines instead of writing (no gradient, as torch).

    >>> import scratchnet as sn
    >>> sn.scatter(sn.zeros(2, 3), 0, sn.tensor([[1, 0, 1]]), 5.0)
    tensor([[0., 5., 0.],
            [5., 0., 5.]])
    """
    src = value if src is None else src
    if src is None:
        raise TypeError("scatter() missing required argument 'src' (or 'value')")
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    tensor_src = _value_src(input, src, "scatter")
    d, idx = _check_scatter(input, dim, index, tensor_src, "scatter")
    if tensor_src is None:
        if reduce is None:
            return ScatterValue.apply(input, dim=d, index=idx, value=src)
        tensor_src = Tensor._make(xp.full(idx.shape, src, dtype=input.dtype))
    if reduce is not None:
        return ScatterLegacyReduce.apply(input, tensor_src, dim=d, index=idx, reduce=reduce)
    return Scatter.apply(input, tensor_src, dim=d, index=idx)


def scatter_add(input, dim, index, src):
    """A copy of ``input`` with ``src[i][j]`` added at ``out[index[i][j]][j]`` (``dim=0``); repeated
    indices add up.

    >>> import scratchnet as sn
    >>> sn.scatter_add(sn.zeros(3), 0, sn.tensor([0, 0, 2]), sn.tensor([1.0, 2.0, 3.0]))
    tensor([3., 0., 3.])
    """
    if _value_src(input, src, "scatter") is None:
        raise TypeError(f"scatter_add(): argument 'src' must be Tensor, not {type(src).__name__}")
    d, idx = _check_scatter(input, dim, index, src, "scatter_add")
    return ScatterAdd.apply(input, src, dim=d, index=idx)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


def _scatter_reduce_array(x, src, dim, index, reduce, include_self):
    """The forward of scatter_reduce on arrays (also used by its backward on masked inputs)."""
    out = _1d(x).copy()
    grid, src = _grid(_1d(index), dim), _1d(src)[_lead(_1d(index).shape)]
    if not include_self:
        if reduce in ("amax", "amin"):
            info = xp.finfo(x.dtype) if x.dtype.kind == "f" else xp.iinfo(x.dtype) if x.dtype != bool_ else None
            fill = (-xp.inf if reduce == "amax" else xp.inf) if x.dtype.kind == "f" else (info.min if reduce == "amax" else info.max) if info else reduce == "amin"
        else:
            fill = 1 if reduce == "prod" else 0
        out[grid] = fill
    ufunc = {"sum": xp.add, "mean": xp.add, "prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}[reduce]
    ufunc.at(out, grid, src)
    if reduce == "mean":
        count = xp.ones(out.shape, dtype=xp.int64) if include_self else xp.zeros(out.shape, dtype=xp.int64)
        xp.add.at(count, grid, 1)
        count = xp.maximum(count, 1)
        out = (out / count).astype(x.dtype) if x.dtype.kind == "f" else (out // count).astype(x.dtype)
    return out.reshape(x.shape)


class ScatterReduce(Function):
    def forward(ctx, x, src, dim, index, reduce, include_self):
        ctx.args = (dim, index, reduce, include_self)
        out = _scatter_reduce_array(x, src, dim, index, reduce, include_self)
        ctx.save_for_backward(x, src, out)
        return out

    def backward(ctx, grad):
        dim, index, reduce, include_self = ctx.args
        x, src, out = ctx.saved_tensors
        idx = Tensor._make(index)
        gather_ = lambda t: Gather.apply(t, dim=dim, index=index)  # noqa: E731
        if reduce == "sum":
            self_grad, src_grad = grad, gather_(grad)
        elif reduce == "mean":
            count = Tensor._make(xp.ones(grad.shape, grad.dtype) if include_self else xp.zeros(grad.shape, grad.dtype))
            count = scatter_add(count, dim, idx, Tensor._make(xp.ones(index.shape, grad.dtype)))
            count = masked_fill(count, count == 0, 1)
            self_grad = grad / count
            src_grad = gather_(self_grad)
        elif reduce == "prod":
            self_grad, src_grad = _prod_backward(grad, x, src, out, dim, idx, include_self)
        else:
            value = gather_(out)
            self_hit, src_hit = (x == out).to(grad.dtype), (src == value).to(grad.dtype)
            share = grad / scatter_add(self_hit, dim, idx, src_hit)
            self_grad, src_grad = self_hit * share, src_hit * gather_(share)
        if not include_self:
            self_grad = ScatterValue.apply(self_grad, dim=dim, index=index, value=0)
        return self_grad, _embed(src_grad, src.shape)


def _prod_backward(grad, x, src, out, dim, idx, include_self):
    """Gradients of a scatter product that stay right when an input is zero (torch's formula)."""
    masked_self = masked_fill(x, x == 0, 1)
    masked_result = scatter_reduce(masked_self, dim, idx, src, "prod", include_self=include_self)
    self_grad = grad * masked_result / masked_self
    src_zero = src == 0
    zeros_per_slot = gather(scatter_add(Tensor._make(xp.zeros(x.shape, grad.dtype)), dim, idx, src_zero.to(grad.dtype)), dim, idx)
    single_zero = Tensor._make(src_zero.array & (zeros_per_slot.array == 1))
    masked_src_result = scatter_reduce(x, dim, idx, masked_fill(src, single_zero, 1), "prod", include_self=include_self)
    from .math import where as where3

    src_grad = where3(single_zero, gather(grad * masked_src_result, dim, idx), gather(grad * out, dim, idx) / masked_fill(src, src_zero, 1))
    return self_grad, src_grad


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """A copy of ``input`` where the ``src`` values sent to each position by ``index`` are combined
    by ``reduce`` ('sum', 'prod', 'mean', 'amax', 'amin'), with the original value when
    ``include_self``. Integer 'mean' rounds down, as torch.

    >>> import scratchnet as sn
    >>> sn.scatter_reduce(sn.tensor([1.0, 1.0]), 0, sn.tensor([0, 0, 1]), sn.tensor([2.0, 6.0, 3.0]), "amax")
    tensor([6., 3.])
    """
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    if _value_src(input, src, "scatter") is None:
        raise TypeError(f"scatter_reduce(): argument 'src' must be Tensor, not {type(src).__name__}")
    d, idx = _check_scatter(input, dim, index, src, "scatter_reduce")
    return ScatterReduce.apply(input, src, dim=d, index=idx, reduce=reduce, include_self=builtins.bool(include_self))


# --- index_select, index_add, index_copy, index_fill ---------------------------------------------------


def _vector_index(index, op, long_only=False, exc=RuntimeError, message=None):
    idx = _index(index, op, long_only=long_only, exc=exc)
    if idx.ndim > 1:
        raise (IndexError if message is None else RuntimeError)(message or f"{op}(): Index is supposed to be a vector, but got dim: {idx.ndim} with type: {_name(index.dtype)} and size: {list(idx.shape)}")
    return idx.reshape(-1)


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
        source = _1d(source)
        xp.add.at(xp.moveaxis(out, dim, 0), index, xp.moveaxis(source * alpha if alpha != 1 else source, dim, 0))
        return out.reshape(x.shape)

    def backward(ctx, grad):
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
        xp.moveaxis(out, dim, 0)[index] = value
        return out.reshape(x.shape)

    def backward(ctx, grad):
        zero = Tensor._make(xp.zeros((), grad.dtype))
        kept = IndexFill.apply(grad, zero, dim=ctx.dim, index=ctx.index)
        return kept, (grad - kept).sum()  # each filled element once, however often it is indexed


def _check_source(input, source, d, index, op):
    if not isinstance(source, Tensor):
        raise TypeError(f"{op}(): argument 'source' must be Tensor, not {type(source).__name__}")
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
    if idx.size and ((idx < 0) | (idx >= _1d(input.array).shape[d])).any():
        raise IndexError("index out of range in self")
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
    _check_source(input, source, d, idx, "index_add_")
    if source.dtype != input.dtype:
        raise RuntimeError(f"index_add_(): self ({_name(input.dtype)}) and source ({_name(source.dtype)}) must have the same scalar type")
    _in_range(idx, _1d(input.array).shape[d], d)
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
        if value.dtype == like.dtype:
            return value
        return value.to(like.dtype) if value.requires_grad and like.dtype in FLOAT_DTYPES else Tensor._make(value.array.astype(like.dtype))
    return Tensor._make(xp.asarray(value).astype(like.dtype))


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
    idx = _in_range(idx.reshape(-1), _1d(input.array).shape[d], d, exc=IndexError, negative=True)
    return IndexFill.apply(input, _scalar_value(value, input, "index_fill_"), dim=d, index=idx)


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
        return xp.where(mask, value, x).astype(x.dtype)

    def backward(ctx, grad):
        zero = Tensor._make(xp.zeros((), grad.dtype))
        kept = MaskedFill.apply(grad, zero, mask=ctx.mask)
        return kept, (grad - kept).sum()


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


def take_along_dim(input, indices, dim=None):
    """Values of ``input`` at ``indices`` along ``dim`` (input and indices broadcast apart from
    ``dim``), as with the indices argsort or argmax gives; ``dim=None`` reads both as 1-D.

    >>> import scratchnet as sn
    >>> x = sn.tensor([[10, 30, 20]])
    >>> sn.take_along_dim(x, sn.argmax(x, dim=1, keepdim=True), dim=1)
    tensor([[30]])
    """
    if not isinstance(indices, Tensor) or indices.dtype != int64:
        got = _name(indices.dtype) if isinstance(indices, Tensor) else type(indices).__name__
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got {got}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    d = _wrap_dim(dim, input.ndim)
    if input.ndim != indices.ndim:
        raise RuntimeError(
            f"torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{input.ndim} dimensions for input, and {indices.ndim} dimensions for indices"
        )
    if input.ndim == 0:
        return gather(input, 0, indices)
    rest = broadcast_shapes(input.shape[:d] + (1,) + input.shape[d + 1:], indices.shape[:d] + (1,) + indices.shape[d + 1:])
    input = input.expand(rest[:d] + (input.shape[d],) + rest[d + 1:])
    indices = indices.expand(rest[:d] + (indices.shape[d],) + rest[d + 1:])
    return gather(input, d, indices)


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
        return nonzero(condition if isinstance(condition, Tensor) else Tensor(condition), as_tuple=True)
    from . import math

    return math.where(condition, input, other)


METHODS = {
    "gather": gather, "scatter": scatter, "scatter_add": scatter_add, "scatter_reduce": scatter_reduce,
    "index_select": index_select, "index_add": index_add, "index_copy": index_copy, "index_fill": index_fill,
    "index_put": index_put, "masked_fill": masked_fill, "masked_select": masked_select,
    "masked_scatter": masked_scatter, "take": take, "take_along_dim": take_along_dim, "nonzero": nonzero,
    "argwhere": argwhere,
}

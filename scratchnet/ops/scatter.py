"""Gather and scatter: reading elements at an index tensor along a dim, and writing them back
(``gather``, ``scatter``, ``scatter_add``, ``scatter_reduce``, ``take_along_dim``).

The two are each other's backward: ``gather``'s gradient is a ``scatter_add`` into zeros and
``scatter_add``'s gradient for ``src`` is a ``gather``. The backwards are written with these ops,
so they can be differentiated again. Index tensors are int64 (or int32, as torch accepts).
The index checks here are shared with :mod:`scratchnet.ops.index`.

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

from ..backend import xp
from ..dtypes import fill_scalar
from ..tensor import Function, Tensor, _wrap_dim, bool_, int32, int64
from ..tensor import broadcast_shapes as _shape_error
from .shape import IndexAdd

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce", "take_along_dim"]

from ..dtypes import torch_name as _torch_name  # noqa: E402


def broadcast_shapes(*shapes):
    """The broadcast shape (a size 0 wins over a size 1), or torch's error naming the clash."""
    try:
        return tuple(xp.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        _shape_error(*shapes)
        raise


def _name(dtype):
    return _torch_name(dtype)


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


def _embed(grad, shape, name=None):
    """``grad`` in the leading corner of zeros of ``shape`` (src larger than index)."""
    if grad.numel() == 0:  # an empty index: nothing of src was read
        shape, got = tuple(shape), tuple(grad.shape)
        if name and got != shape and (len(shape) > len(got) or builtins.any(n not in (1, g) for n, g in zip(shape[::-1], got[::-1]))):
            # torch's engine refuses the index-shaped gradient its scatters make here
            raise RuntimeError(f"Function {name} returned an invalid gradient at index 1 - got {list(got)} but expected shape compatible with {list(shape)}")
        return Tensor._make(xp.zeros(shape, grad.dtype))
    if not tuple(shape):  # a 0-d src read through a one-element index of shape (1,): its one element
        return grad.reshape(())
    return grad if tuple(grad.shape) == tuple(shape) else IndexAdd.apply(grad, shape=tuple(shape), index=_lead(grad.shape))


def _check_scatter(input, dim, index, src, op):
    """torch's checks for gather/scatter: same ndim, index no larger than self (and src), in range."""
    nd = builtins.max(input.ndim, 1)
    d = _wrap_dim(dim, input.ndim)
    if isinstance(index, Tensor) and index.numel() == 0:  # torch takes an empty index of any dtype
        return d, index.array.astype(xp.int64)
    idx = _index(index, op)
    if idx.size == 0:  # torch checks nothing more for an empty index: the op reads/writes nothing
        return d, idx
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
        if index.size == 0:
            return xp.zeros(index.shape, x.dtype)
        return _1d(x)[_grid(_1d(index), dim)].reshape(index.shape)

    def backward(ctx, grad):
        zeros = Tensor._make(xp.zeros(ctx.shape, grad.dtype))
        return ScatterAdd.apply(zeros, grad, dim=ctx.dim, index=ctx.index)


class ScatterAdd(Function):
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = _1d(x).copy()
        if index.size == 0:
            return out.reshape(x.shape)
        xp.add.at(out, _grid(_1d(index), dim), _1d(src)[_lead(_1d(index).shape)])
        return out.reshape(x.shape)

    def backward(ctx, grad):
        return grad, _embed(Gather.apply(grad, dim=ctx.dim, index=ctx.index), ctx.src_shape, "ScatterAddBackward0")


class Scatter(Function):
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = _1d(x).copy()
        if index.size == 0:
            return out.reshape(x.shape)
        out[_grid(_1d(index), dim)] = _1d(src)[_lead(_1d(index).shape)]
        return out.reshape(x.shape)

    def backward(ctx, grad):
        self_grad = ScatterValue.apply(grad, dim=ctx.dim, index=ctx.index, value=0)
        return self_grad, _embed(Gather.apply(grad, dim=ctx.dim, index=ctx.index), ctx.src_shape, "ScatterBackward0")


class ScatterValue(Function):
    backward_name = "ScatterBackward1"

    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = _1d(x).copy()
        if index.size:
            out[_grid(_1d(index), dim)] = value
        return out.reshape(x.shape)

    def backward(ctx, grad):
        return ScatterValue.apply(grad, dim=ctx.dim, index=ctx.index, value=0)


class ScatterLegacyReduce(Function):
    """``scatter(..., reduce='add'|'multiply')``: forward only, as in torch (no derivative)."""

    backward_name = "NotImplemented"

    def forward(ctx, x, src, dim, index, reduce):
        out = _1d(x).copy()
        if index.size == 0:
            return out.reshape(x.shape)
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
        # the number in input's dtype as torch's fills convert it (checked: -2 into uint8 wraps to
        # 254, but -2.0, 300, NaN or 1e40 into float32 are torch's RuntimeError, not NumPy's)
        src = fill_scalar(src, input.dtype)
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
    if index.size == 0:
        return out.reshape(x.shape)
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
            count = count.masked_fill(count == 0, 1)
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
        return self_grad, _embed(src_grad, src.shape, "ScatterReduceBackward0")


def _prod_backward(grad, x, src, out, dim, idx, include_self):
    """Gradients of a scatter product that stay right when an input is zero (torch's formula)."""
    masked_self = x.masked_fill(x == 0, 1)
    masked_result = scatter_reduce(masked_self, dim, idx, src, "prod", include_self=include_self)
    self_grad = grad * masked_result / masked_self
    src_zero = src == 0
    zeros_per_slot = gather(scatter_add(Tensor._make(xp.zeros(x.shape, grad.dtype)), dim, idx, src_zero.to(grad.dtype)), dim, idx)
    single_zero = src_zero & (zeros_per_slot == 1)  # the engine's op: a shape mismatch (src larger than index, empty) is torch's RuntimeError
    masked_src_result = scatter_reduce(x, dim, idx, src.masked_fill(single_zero, 1), "prod", include_self=include_self)
    from .math import where as where3

    src_grad = where3(single_zero, gather(grad * masked_src_result, dim, idx), gather(grad * out, dim, idx) / src.masked_fill(src_zero, 1))
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
    if reduce == "mean" and input.dtype == bool_:
        raise NotImplementedError("\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'")
    return ScatterReduce.apply(input, src, dim=d, index=idx, reduce=reduce, include_self=builtins.bool(include_self))


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
    if input.ndim != indices.ndim:
        raise RuntimeError(
            f"torch.take_along_dim(): input and indices should have the same number of dimensions, but got "
            f"{input.ndim} dimensions for input, and {indices.ndim} dimensions for indices"
        )
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return gather(input, 0, indices)
    if input.shape[d]:  # along a dim torch reads every index modulo its size (-1 is the last)
        indices = Tensor._make(indices.array % input.shape[d])
    rest = broadcast_shapes(input.shape[:d] + (1,) + input.shape[d + 1:], indices.shape[:d] + (1,) + indices.shape[d + 1:])
    input = input.expand(rest[:d] + (input.shape[d],) + rest[d + 1:])
    indices = indices.expand(rest[:d] + (indices.shape[d],) + rest[d + 1:])
    return gather(input, d, indices)


# torch's functions take NumPy's axis=/keepdims= for dim=/keepdim=
from .convert import numpy_names  # noqa: E402

for _op in __all__:
    globals()[_op] = numpy_names(globals()[_op])

METHODS = {
    "gather": gather, "scatter": scatter, "scatter_add": scatter_add, "scatter_reduce": scatter_reduce,
    "take_along_dim": take_along_dim,
}

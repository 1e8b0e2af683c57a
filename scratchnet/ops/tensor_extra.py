"""Tensor methods and functions of torch that the other families lack: ``renorm``,
``index_reduce`` (prod, mean, amax, amin into rows picked by an index), and the small queries
``is_same_size``, ``is_nonzero``, ``new_empty_strided``, ``nbytes``, ``itemsize``, ``is_cpu``,
``is_meta``.

``renorm(x, p, dim, maxnorm)`` scales each slice ``x.select(dim, i)`` whose p-norm exceeds
``maxnorm`` by ``maxnorm / (norm + 1e-7)``; the gradient flows through the norm too.

``index_reduce``'s gradient is torch's: ``mean`` divides by each row's count; ``amax``/``amin``
share the gradient evenly among the elements equal to the result; ``prod`` is the product of the
others (a zero handled without dividing by it).

>>> import scratchnet as sn
>>> sn.renorm(sn.tensor([[3.0, 4.0], [0.3, 0.4]]), 2, 0, 1.0).tolist()[1]
[0.30000001192092896, 0.4000000059604645]
"""

import warnings

from ..backend import FLOAT_DTYPES, xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor, _wrap_dim

__all__ = ["renorm", "index_reduce"]


def renorm(input, p, dim, maxnorm, *, out=None):
    """``input`` with each slice along ``dim`` whose ``p``-norm exceeds ``maxnorm`` rescaled to
    norm ``maxnorm`` (input at least 2-D, ``p > 0``, ``maxnorm >= 0``).

    >>> import scratchnet as sn
    >>> sn.renorm(sn.tensor([[3.0, 4.0], [0.0, 1.0]]), 2, 0, 1.0).tolist()[0]
    [0.6000000238418579, 0.800000011920929]
    """
    from ..linalg import vector_norm

    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    if input.ndim < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    if input.dtype not in FLOAT_DTYPES:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got {torch_name(input.dtype)}")
    d = _wrap_dim(dim, input.ndim)
    others = tuple(i for i in range(input.ndim) if i != d)
    small = ~(vector_norm(input.detach(), p, dim=others, keepdim=True).array > maxnorm)  # slices kept as
    # they are (and NaN norms): their values are left out of the norm, so no gradient (nor a NaN
    # times zero) reaches them through it
    norms = vector_norm(input.masked_fill(Tensor._make(xp.broadcast_to(small, input.shape)), 1.0), p, dim=others, keepdim=True)
    factor = (maxnorm / (norms + 1e-7)).masked_fill(Tensor._make(small), 1.0)
    out = input * factor
    if out.grad_fn is not None:
        out.grad_fn.backward_name = "RenormBackward0"
    return out


# --- index_reduce -----------------------------------------------------------------------------

_INDEX_REDUCE_WARNED = []


def _index_reduce_forward(self_array, dim, index, source_array, reduce, include_self):
    """The values, on arrays: the reduce of each indexed row's sources (and its own value)."""
    moved = xp.moveaxis(self_array.copy(), dim, 0)
    src = xp.moveaxis(source_array, dim, 0)
    hit = xp.zeros(moved.shape[0], dtype=bool)
    hit[index] = True
    if not include_self:  # each picked row starts from the reduce's identity
        if reduce in ("prod", "mean"):
            start = 1 if reduce == "prod" else 0
        elif moved.dtype.kind == "f":
            start = xp.inf if reduce == "amin" else -xp.inf
        else:
            info = xp.iinfo(moved.dtype)
            start = info.max if reduce == "amin" else info.min
        moved[hit] = start
    with xp.errstate(all="ignore"):
        if reduce == "prod":
            xp.multiply.at(moved, index, src)
        elif reduce == "mean":
            xp.add.at(moved, index, src)
            counts = xp.zeros(moved.shape[0], dtype=xp.int64)
            xp.add.at(counts, index, 1)
            counts = counts + (1 if include_self else 0)
            counts = xp.maximum(counts, 1).reshape((-1,) + (1,) * (moved.ndim - 1))
            moved = moved / counts if moved.dtype.kind == "f" else moved // counts
        elif reduce == "amax":
            xp.maximum.at(moved, index, src)
        else:
            xp.minimum.at(moved, index, src)
    return xp.moveaxis(moved.astype(self_array.dtype, copy=False), 0, dim)


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """``input`` with row ``index[i]`` (along ``dim``) reduced with ``source``'s row ``i``:
    ``reduce`` is ``prod``, ``mean``, ``amax`` or ``amin``; ``include_self=False`` leaves the
    rows' own values out of the reduce (a row no index picks keeps its value).

    >>> import scratchnet as sn
    >>> sn.ones(3).index_reduce(0, sn.tensor([0, 0]), sn.tensor([2.0, 3.0]), "prod").tolist()
    [6.0, 1.0, 1.0]
    """
    if not _INDEX_REDUCE_WARNED:
        _INDEX_REDUCE_WARNED.append(True)
        warnings.warn("index_reduce() is in beta and the API may change at any time.")
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    if not isinstance(index, Tensor) or index.dtype.kind not in "iu" or index.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    if source.dtype != input.dtype:
        raise RuntimeError("index_reduce_(): self and source expected to have the same dtype but got "
                           f"self.dtype = {torch_name(input.dtype)} and source.dtype = {torch_name(source.dtype)}")
    d = _wrap_dim(dim, max(input.ndim, 1))
    idx = index.array.reshape(-1).astype(xp.int64)
    if input.ndim == 0 and idx.size != 1:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    if input.dtype == xp.bool_:
        kernel = "index_func_" if include_self else "index_reduce_func_exclude_input_init"
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')
    n = input.shape[d] if input.ndim else 1
    sources = source.shape[d] if source.ndim else 1
    if sources != idx.size:
        raise RuntimeError(f"index_reduce_(): Number of indices ({idx.size}) should be equal to source.size(dim): "
                           f"({sources}), for dim: {d}")
    if idx.size and ((idx < 0) | (idx >= n)).any():  # (no negative indices here, as torch)
        raise IndexError("index out of range in self")
    return _index_reduce(input, d, Tensor._make(idx), source, reduce, include_self)


class IndexReduce(Function):
    def forward(ctx, a, s, dim, index, reduce, include_self):
        ctx.dim, ctx.index, ctx.reduce, ctx.include_self = dim, index, reduce, include_self
        out = _index_reduce_forward(a, dim, index.array, s, reduce, include_self)
        ctx.save_for_backward(a, s, out)
        return out

    def backward(ctx, grad):
        a, s, out = ctx.saved_tensors
        return _index_reduce_grads(grad, a, s, out, ctx.dim, ctx.index, ctx.reduce, ctx.include_self)


def _index_reduce(x, dim, index, source, reduce, include_self):
    if x.ndim == 0:
        return _index_reduce(x.reshape(1), 0, index, source.reshape(1), reduce, include_self).reshape(())
    return IndexReduce.apply(x, source, dim=dim, index=index, reduce=reduce, include_self=include_self)


def _index_reduce_grads(grad, x, source, result, dim, index, reduce, include_self):
    """torch's gradients of index_reduce, with differentiable ops."""
    dtype = x.dtype
    if reduce == "mean":
        counts = Tensor._make(xp.ones(grad.shape, dtype) if include_self else xp.zeros(grad.shape, dtype))
        counts = counts.index_add(dim, index, Tensor._make(xp.ones(source.shape, dtype)))
        counts = counts.masked_fill(Tensor._make(counts.array == 0), 1)
        grad_self = grad / counts
        grad_src = grad.index_select(dim, index) / counts.index_select(dim, index)
    elif reduce in ("amax", "amin"):
        value = result.detach().index_select(dim, index)
        self_is = Tensor._make((x.array == result.array).astype(dtype))
        if not include_self:
            self_is = self_is.index_fill(dim, index, 0)
        src_is = Tensor._make((source.array == value.array).astype(dtype))
        share = grad / self_is.index_add(dim, index, src_is)
        grad_self = self_is * share
        grad_src = src_is * share.index_select(dim, index)
    else:  # prod: differentiable in x, source and the result, so second derivatives follow
        from .math import where

        masked_self = x.masked_fill(Tensor._make(x.array == 0), 1)
        grad_self = grad * _index_reduce(masked_self, dim, index, source, "prod", include_self) / masked_self
        src_zero = source.array == 0
        zeros = Tensor._make(xp.zeros(x.shape, dtype)).index_add(dim, index, Tensor._make(src_zero.astype(dtype)))
        single = Tensor._make(src_zero & (zeros.index_select(dim, index).array == 1))
        masked_src_result = _index_reduce(x, dim, index, source.masked_fill(single, 1), "prod", include_self)
        grad_src = where(single, (grad * masked_src_result).index_select(dim, index),
                         (grad * result).index_select(dim, index) / source.masked_fill(Tensor._make(src_zero), 1))
    if not include_self:
        grad_self = grad_self.index_fill(dim, index, 0)
    return grad_self, grad_src


def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
    """In place :func:`index_reduce`.

    >>> import scratchnet as sn
    >>> sn.ones(3).index_reduce_(0, sn.tensor([1]), sn.tensor([5.0]), "amax").tolist()
    [1.0, 5.0, 1.0]
    """
    return self._apply_inplace(lambda old: index_reduce(old, dim, index, source, reduce, include_self=include_self),
                               args=(source,))


# --- queries ----------------------------------------------------------------------------------


def is_same_size(self, other):
    """Whether ``self`` and ``other`` have the same shape.

    >>> import scratchnet as sn
    >>> sn.ones(2, 3).is_same_size(sn.zeros(2, 3))
    True
    """
    return tuple(self.shape) == tuple(other.shape)


def is_nonzero(self):
    """The truth of a one-element tensor (an error for any other number of elements).

    >>> import scratchnet as sn
    >>> sn.tensor([0.0]).is_nonzero()
    False
    """
    if self.numel() == 0:
        raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
    if self.numel() > 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return bool(self.array.reshape(-1)[0])


def new_empty_strided(self, size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A new uninitialised (here: zero) tensor of ``size`` laid out with ``stride``, in ``self``'s
    dtype unless given.

    >>> import scratchnet as sn
    >>> sn.ones(1, dtype=sn.int64).new_empty_strided((2, 2), (1, 2)).stride()
    (1, 2)
    """
    from ..creation import empty_strided

    return empty_strided(size, stride, dtype=self.dtype if dtype is None else dtype, requires_grad=requires_grad)


def _nbytes(self):
    """The bytes the tensor's elements take: ``numel() * itemsize``.

    >>> import scratchnet as sn
    >>> sn.ones(2, 3).nbytes
    24
    """
    return self.numel() * self.array.dtype.itemsize


def _itemsize(self):
    """The bytes one element takes (``element_size()``).

    >>> import scratchnet as sn
    >>> sn.ones(1, dtype=sn.float64).itemsize
    8
    """
    return self.array.dtype.itemsize


def _is_cpu(self):
    """True: every scratchnet tensor lives on the CPU.

    >>> import scratchnet as sn
    >>> sn.ones(1).is_cpu
    True
    """
    return True


def _is_meta(self):
    """False: scratchnet has no meta (shape-only) tensors.

    >>> import scratchnet as sn
    >>> sn.ones(1).is_meta
    False
    """
    return False


METHODS = {
    "renorm": renorm, "index_reduce": index_reduce, "index_reduce_": index_reduce_, "is_same_size": is_same_size,
    "is_nonzero": is_nonzero, "new_empty_strided": new_empty_strided, "nbytes": property(_nbytes),
    "itemsize": property(_itemsize), "is_cpu": property(_is_cpu), "is_meta": property(_is_meta),
}

"""Writing one tensor into a region of a copy of another: ``select_scatter``, ``slice_scatter``,
``diagonal_scatter`` (the out-of-place forms of ``x.select(...) = src``, ``x[a:b:c] = src``,
``x.diagonal(...) = src``); ``put`` (writing at flat indices) and ``fill_diagonal_``.

Each scatter's backward is its forward's adjoint: the gradient of ``input`` is the gradient with
the region zeroed (the same scatter, of zeros), the gradient of ``src`` the region of the
gradient (``select``, a slice, ``diagonal``), so second derivatives follow.

>>> import scratchnet as sn
>>> sn.select_scatter(sn.zeros(2, 2), sn.ones(2), 0, 0).tolist()
[[1.0, 1.0], [0.0, 0.0]]
"""

from ..backend import xp
from ..dtypes import torch_name
from ..tensor import Function, Tensor, _wrap_dim, int64, is_grad_enabled

__all__ = ["select_scatter", "slice_scatter", "diagonal_scatter", "put"]


def _region(array, kind, params):
    """The view of ``array`` that ``kind`` (select, slice, diagonal) with ``params`` selects, as
    (an array to write through, an index into it)."""
    if kind == "select":
        return array, (slice(None),) * params["dim"] + (params["index"],)
    if kind == "slice":
        return array, (slice(None),) * params["dim"] + (slice(params["start"], params["end"], params["step"]),)
    d1, d2, offset = params["dim1"], params["dim2"], params["offset"]
    moved = xp.moveaxis(array, (d1, d2), (-2, -1))  # a view: the diagonal along its last two dims
    rows, cols = moved.shape[-2], moved.shape[-1]
    length = max(0, min(rows + min(offset, 0), cols - max(offset, 0)))
    i = xp.arange(length) - min(offset, 0)
    return moved, (Ellipsis, i, i + offset)


class RegionScatter(Function):
    def forward(ctx, x, src, kind, params):
        ctx.kind, ctx.params = kind, params
        out = x.copy()
        target, index = _region(out, kind, params)
        target[index] = src
        return out

    def backward(ctx, grad):
        need_x, need_src = ctx.needs_input_grad
        kind, p = ctx.kind, ctx.params
        grad_x = grad_src = None
        if need_x:
            region = _region(grad.array, kind, p)
            zeros = Tensor._make(xp.zeros(region[0][region[1]].shape, grad.dtype))
            grad_x = RegionScatter.apply(grad, zeros, kind=kind, params=p)
        if need_src:
            if kind == "select":
                grad_src = grad.select(p["dim"], p["index"])
            elif kind == "slice":
                grad_src = grad[(slice(None),) * p["dim"] + (slice(p["start"], p["end"], p["step"]),)]
            else:
                grad_src = grad.diagonal(p["offset"], p["dim1"], p["dim2"])
        return grad_x, grad_src


def _scatter(input, src, kind, params, name):
    target, index = _region(input.array, kind, params)
    region_shape = target[index].shape
    if tuple(src.shape) != region_shape:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(region_shape)}")
    if input.dtype.kind not in "f" and src.requires_grad and is_grad_enabled():
        raise RuntimeError(f"Autograd not support dtype: {torch_name(input.dtype)}")  # (as torch: an integer result)
    if src.dtype != input.dtype:
        src = src.to(input.dtype)
    out = RegionScatter.apply(input, src, kind=kind, params=params)
    if out.grad_fn is not None:
        out.grad_fn.backward_name = name
    return out


def select_scatter(input, src, dim, index):
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src`` (of that shape).

    >>> import scratchnet as sn
    >>> sn.select_scatter(sn.zeros(2, 2), sn.ones(2), 1, -1).tolist()
    [[0.0, 1.0], [0.0, 1.0]]
    """
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension {dim}")
    return _scatter(input, src, "select", {"dim": d, "index": index % n}, "SelectScatterBackward0")


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """A copy of ``input`` with ``input[..., start:end:step, ...]`` (along ``dim``) replaced by
    ``src`` (of that shape).

    >>> import scratchnet as sn
    >>> sn.slice_scatter(sn.zeros(4), sn.ones(2), 0, 0, None, 2).tolist()
    [1.0, 0.0, 1.0, 0.0]
    """
    d = _wrap_dim(dim, max(input.ndim, 1))
    if step is None:
        step = 1
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    return _scatter(input, src, "slice", {"dim": d, "start": start, "end": end, "step": step}, "SliceScatterBackward0")


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """A copy of ``input`` with ``input.diagonal(offset, dim1, dim2)`` replaced by ``src`` (of
    that shape: the other dims, then the diagonal's length).

    >>> import scratchnet as sn
    >>> sn.diagonal_scatter(sn.zeros(2, 2), sn.ones(2)).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    a, b = _wrap_dim(dim1, max(input.ndim, 1)), _wrap_dim(dim2, max(input.ndim, 1))
    if input.ndim < 2:
        raise RuntimeError(f"diagonal dimensions requires ndim larger than 1, but got ndim = {input.ndim}")
    if a == b:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _scatter(input, src, "diagonal", {"dim1": a, "dim2": b, "offset": offset}, "DiagonalScatterBackward0")


# --- writing at flat indices ------------------------------------------------------------------


def _flat_index(input, index, source, name):
    if not isinstance(index, Tensor) or index.dtype != int64:
        got = type(index).__name__ if not isinstance(index, Tensor) else index.dtype
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got {torch_name(got) if isinstance(index, Tensor) else got}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got self.dtype = "
                           f"{torch_name(input.dtype)} and source.dtype = {torch_name(source.dtype)}")
    if index.numel() != source.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                           f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    n = input.numel()
    flat = index.array.reshape(-1)
    bad = (flat < -n) | (flat >= n)
    if bad.any():
        raise IndexError(f"out of range: tried to access index {int(flat[bad][0])} on a tensor of {n} elements.")
    return Tensor._make(flat % n if n else flat)


def put(input, index, source, accumulate=False):
    """A copy of ``input`` (seen as 1-D) with ``source``'s elements written at the flat
    positions ``index`` (negative ones count from the end); ``accumulate`` adds them instead
    (repeated indices then sum).

    >>> import scratchnet as sn
    >>> sn.put(sn.zeros(2, 2), sn.tensor([0, -1]), sn.tensor([1.0, 2.0])).tolist()
    [[1.0, 0.0], [0.0, 2.0]]
    """
    flat = _flat_index(input, index, source, "put")
    out = input.reshape(-1).index_put((flat,), source.reshape(-1), accumulate=accumulate).reshape(input.shape)
    if out.grad_fn is not None:
        out.grad_fn.backward_name = "PutBackward0"
    return out


def put_(self, index, source, accumulate=False):
    """In place :func:`put`: write ``source`` at the flat positions ``index`` of ``self``.

    >>> import scratchnet as sn
    >>> sn.zeros(3).put_(sn.tensor([1, 1]), sn.tensor([1.0, 2.0]), accumulate=True).tolist()
    [0.0, 3.0, 0.0]
    """
    _flat_index(self, index, source, "put_")
    return self._apply_inplace(lambda old: put(old, index, source, accumulate), args=(source,))


def fill_diagonal_(self, fill_value, wrap=False):
    """Write ``fill_value`` on the main diagonal of ``self`` (2-D, or all sides equal), in place;
    for a tall matrix ``wrap`` starts again every ``columns + 1`` rows (as NumPy's).

    >>> import scratchnet as sn
    >>> sn.zeros(2, 3).fill_diagonal_(5.0).tolist()
    [[5.0, 0.0, 0.0], [0.0, 5.0, 0.0]]
    """
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = self.numel()
    if self.ndim == 2:
        rows, cols = self.shape
        step = cols + 1
        end = n if wrap or rows <= cols else cols * cols
        flat = xp.arange(0, end, step) if n else xp.zeros(0, dtype=xp.int64)
    else:
        side = self.shape[0]
        step = sum(side ** k for k in range(self.ndim))
        flat = xp.arange(side) * step
    mask = xp.zeros(n, dtype=bool)
    mask[flat] = True
    mask = Tensor._make(mask.reshape(self.shape))
    return self.masked_fill_(mask, fill_value)


METHODS = {
    "select_scatter": select_scatter, "slice_scatter": slice_scatter, "diagonal_scatter": diagonal_scatter,
    "put": put, "put_": put_, "fill_diagonal_": fill_diagonal_,
}

"""Sliding windows over one dim: ``Tensor.unfold(dimension, size, step)``.

The result is a view of the input (no copy): along ``dimension`` it has one entry per window
(``(n - size) // step + 1`` of them, ``n`` the dim's length), and a new last dim of length ``size``
holds each window's elements. Its strides are the input's, with the window dim stepping ``step``
elements and the new dim stepping one. The backward adds each window's gradient back into the
positions it read (overlapping windows, ``step < size``, add up); the backward of that scatter is
the unfold again, so second derivatives follow.

(Not ``nn.functional.unfold``, the im2col of image patches: that one lives in ops/convnd.py.)

>>> import scratchnet as sn
>>> x = sn.arange(6.0, requires_grad=True)
>>> w = x.unfold(0, 3, 2)
>>> w.tolist()
[[0.0, 1.0, 2.0], [2.0, 3.0, 4.0]]
>>> w.sum().backward()
>>> x.grad.tolist()
[1.0, 1.0, 2.0, 1.0, 1.0, 0.0]
"""

from ..backend import index_add_rows, xp
from ..tensor import Function, _wrap_dim


def _window_view(x, dim, size, step):
    """The strided view of array ``x`` holding its windows along ``dim`` (``x`` 1-d at least)."""
    count = (x.shape[dim] - size) // step + 1
    shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
    strides = x.strides[:dim] + (x.strides[dim] * step,) + x.strides[dim + 1:] + (x.strides[dim],)
    return xp.lib.stride_tricks.as_strided(x, shape, strides, writeable=x.flags.writeable)


class Unfold(Function):
    backward_name = "UnfoldBackward0"
    is_view = True

    def forward(ctx, x, dim, size, step):
        ctx.in_shape, ctx.dim, ctx.size, ctx.step = x.shape, dim, size, step
        if x.ndim == 0:  # a 0-d tensor: the new dim only, holding the element (size 1) or nothing
            return x.reshape(1)[:size]
        return _window_view(x, dim, size, step)

    def backward(ctx, grad):
        return UnfoldScatter.apply(grad, in_shape=ctx.in_shape, dim=ctx.dim, size=ctx.size, step=ctx.step)


class UnfoldScatter(Function):
    """The unfold's backward: each window's gradient added back into the places it was read from."""

    backward_name = "UnfoldBackwardBackward0"

    def forward(ctx, grad, in_shape, dim, size, step):
        ctx.dim, ctx.size, ctx.step = dim, size, step
        if not in_shape:
            return grad.sum(dtype=grad.dtype)
        out = xp.zeros(in_shape, dtype=grad.dtype)
        count = grad.shape[dim]
        positions = (xp.arange(count)[:, None] * step + xp.arange(size)[None, :]).reshape(-1)
        # rows along dim first, then each (window, offset) pair as one row of the gradient
        rows = xp.moveaxis(xp.moveaxis(grad, -1, dim + 1), (dim, dim + 1), (0, 1))
        rows = rows.reshape((count * size,) + rows.shape[2:])
        moved = xp.moveaxis(out, dim, 0)
        index_add_rows(moved, positions, rows)
        return out

    def backward(ctx, grad):
        if grad.ndim == 0:
            return grad.reshape(1)[:ctx.size]
        return Unfold.apply(grad, dim=ctx.dim, size=ctx.size, step=ctx.step)


def tensor_unfold(input, dimension, size, step):
    """``x.unfold(dimension, size, step)``: a view holding every slice of length ``size`` along
    ``dimension``, ``step`` apart, as a new last dim.

    Args:
        dimension (int): the dim the windows slide along.
        size (int): each window's length (``0 <= size <= x.size(dimension)``).
        step (int): the distance between window starts (``> 0``).

    Shape: ``(*, n, *) -> (*, (n - size) // step + 1, *, size)``; a 0-d input gives ``(size,)``.

    >>> import scratchnet as sn
    >>> sn.arange(8.0).view(2, 4).unfold(1, 2, 2).shape
    scratchnet.Size([2, 2, 2])
    """
    dim = _wrap_dim(dimension, input.ndim)
    length = input.shape[dim] if input.ndim else 1
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > length:
        raise RuntimeError(f"maximum size for tensor at dimension {dim} is {length} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return Unfold.apply(input, dim=dim, size=int(size), step=int(step))


__all__ = []  # torch has no torch.unfold: the window view is a Tensor method only
METHODS = {"unfold": tensor_unfold}

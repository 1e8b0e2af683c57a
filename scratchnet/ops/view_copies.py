"""The ``*_copy`` twins of the view ops (``t_copy``, ``view_copy``, ``unbind_copy``, ...), and the
ops that work on a tensor's memory directly: ``as_strided``, ``as_strided_scatter``, the
``unsafe_`` splits, ``constant_pad_nd``, ``fill``, and the conjugate transposes ``H``/``mH``.

A ``*_copy`` op returns what its view op returns, but in fresh row-major memory of its own
(nothing shared with the input); its gradient is the view's, and its node is named as torch's
(the view's node name with ``_copy``: ``TBackward0_copy``).

>>> import scratchnet as sn
>>> x = sn.arange(6.0).reshape(2, 3)
>>> y = sn.t_copy(x)
>>> y.shape, y.is_contiguous(), y.data_ptr() != x.data_ptr()
(scratchnet.Size([3, 2]), True, True)
>>> sn.as_strided(sn.arange(6), (2, 2), (1, 2)).tolist()
[[0, 2], [1, 3]]
"""

import builtins
import warnings

from ..backend import xp
from ..tensor import Function, Tensor

__all__ = [
    "alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy", "narrow_copy", "permute_copy",
    "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy", "squeeze_copy", "t_copy", "transpose_copy",
    "unbind_copy", "unfold_copy", "unsqueeze_copy", "view_copy", "as_strided", "as_strided_scatter",
    "unsafe_chunk", "unsafe_split", "unsafe_split_with_sizes", "constant_pad_nd", "fill",
]


class Copied(Function):
    """A tensor in fresh row-major memory; the gradient passes through unchanged."""

    def forward(ctx, x, name):
        ctx.backward_name = name
        return xp.array(x, order="C", copy=True)

    def backward(ctx, grad):
        return grad


def _copied(view, name):
    """``view`` (a tensor or a tuple of them) copied, its nodes named ``name``."""
    if isinstance(view, (tuple, list)):
        return tuple(Copied.apply(v, name=name) for v in view)
    return Copied.apply(view, name=name)


def alias_copy(input, *, out=None):
    """A copy of ``input`` (the copy twin of ``alias``)."""
    return _copied(input, "AliasBackward0_copy")


def detach_copy(input, *, out=None):
    """A copy of ``input.detach()``: the same values; as torch, the result of an input that requires
    grad requires grad too, but has no derivative (a backward through it is an error)."""
    from .._random_grad import sampled

    return sampled(xp.array(input.array, order="C", copy=True), (input,), "NotImplemented", op="detach_copy")


def diagonal_copy(input, offset=0, dim1=0, dim2=1, *, out=None):
    """A copy of ``input.diagonal(offset, dim1, dim2)``."""
    return _copied(input.diagonal(offset, dim1, dim2), "DiagonalBackward0_copy")


def expand_copy(input, size, *, implicit=False, out=None):
    """A copy of ``input.expand(size)`` (every repeated element written out)."""
    return _copied(input.expand(size), "ExpandBackward0_copy")


def narrow_copy(input, dim, start, length, *, out=None):
    """A copy of ``input.narrow(dim, start, length)``."""
    if isinstance(dim, int) and dim >= input.ndim:  # (torch's own check for this op, before narrow's)
        raise RuntimeError("Expected dim < static_cast<int64_t>(self_sizes.size()) to be true, but got false.")
    return _copied(input.narrow(dim, start, length), "NarrowCopyBackward0")


def permute_copy(input, dims, *, out=None):
    """A copy of ``input.permute(dims)``."""
    return _copied(input.permute(dims), "PermuteBackward0_copy")


def select_copy(input, dim, index, *, out=None):
    """A copy of ``input.select(dim, index)``."""
    return _copied(input.select(dim, index), "SelectBackward0_copy")


def slice_copy(input, dim=0, start=None, end=None, step=1, *, out=None):
    """A copy of ``input[..., start:end:step, ...]`` along ``dim``."""
    if step is not None and step <= 0:
        raise RuntimeError("slice step must be positive")
    index = [builtins.slice(None)] * input.ndim
    index[dim] = builtins.slice(start, end, step)
    return _copied(input[tuple(index)], "SliceBackward0_copy")


def split_copy(input, split_size, dim=0, *, out=None):
    """Copies of the pieces of ``input.split(split_size, dim)``."""
    return _copied(input.split(split_size, dim), "SplitBackward0_copy")


def split_with_sizes_copy(input, split_sizes, dim=0, *, out=None):
    """Copies of the pieces of ``input.split_with_sizes(split_sizes, dim)``."""
    return _copied(input.split_with_sizes(split_sizes, dim), "SplitWithSizesBackward0_copy")


def squeeze_copy(input, dim=None, *, out=None):
    """A copy of ``input.squeeze(dim)``."""
    if dim is None:
        return _copied(input.squeeze(), "SqueezeBackward0_copy")
    return _copied(input.squeeze(dim), "SqueezeBackward2_copy" if isinstance(dim, (tuple, list)) else "SqueezeBackward1_copy")


def t_copy(input, *, out=None):
    """A copy of ``input.t()``."""
    return _copied(input.t(), "TBackward0_copy")


def transpose_copy(input, dim0, dim1, *, out=None):
    """A copy of ``input.transpose(dim0, dim1)``."""
    return _copied(input.transpose(dim0, dim1), "TransposeBackward0_copy")


def unbind_copy(input, dim=0, *, out=None):
    """Copies of the slices ``input.unbind(dim)``."""
    return _copied(input.unbind(dim), "UnbindBackward0_copy")


def unfold_copy(input, dimension, size, step, *, out=None):
    """A copy of ``input.unfold(dimension, size, step)``."""
    return _copied(input.unfold(dimension, size, step), "UnfoldBackward0_copy")


def unsqueeze_copy(input, dim, *, out=None):
    """A copy of ``input.unsqueeze(dim)``."""
    return _copied(input.unsqueeze(dim), "UnsqueezeBackward0_copy")


def view_copy(input, size, *, out=None):
    """A copy of ``input.view(size)`` (``size`` a shape or a dtype)."""
    return _copied(input.view(size), "ViewBackward0_copy")


# --- strided views of the memory itself ----------------------------------------------------------


def _storage(x):
    """The array that owns ``x``'s memory (a flat row-major block) and ``x``'s offset in it."""
    root = x
    while True:  # up the chain of bases (NumPy's as_strided puts a plain holder object in between)
        holder = root.base
        if not isinstance(holder, xp.ndarray):
            holder = getattr(holder, "base", None)
        if not isinstance(holder, xp.ndarray):
            break
        root = holder
    if not root.flags.c_contiguous:  # memory scratchnet did not lay out: x's values are the storage
        root = xp.ascontiguousarray(x)
        return root.reshape(-1), 0
    flat = root.reshape(-1)
    offset = (x.__array_interface__["data"][0] - flat.__array_interface__["data"][0]) // builtins.max(x.itemsize, 1) if x.size else 0
    return flat, offset


def _geometry(size, stride, storage_offset, name):
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError(f"mismatch in length of strides and shape")
    if builtins.any(s < 0 for s in size):
        raise RuntimeError(f"{name}: Negative dimensions are not allowed")
    if builtins.any(s < 0 for s in stride):
        raise RuntimeError(f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}")
    if storage_offset is not None and storage_offset < 0:
        raise RuntimeError(f"Tensor: invalid storage offset {storage_offset}")
    return size, stride


def _span(size, stride, offset):
    """How many storage elements a view of this geometry needs (0 for an empty one)."""
    if builtins.any(s == 0 for s in size):
        return 0
    return offset + builtins.sum((n - 1) * s for n, s in zip(size, stride)) + 1


def _flat_index(size, stride, offset):
    """The storage position of every element of a view of this geometry (an int64 array)."""
    index = xp.full(size, offset, dtype=xp.int64)
    for d, (n, s) in enumerate(zip(size, stride)):
        index = index + (xp.arange(n, dtype=xp.int64) * s).reshape((n,) + (1,) * (len(size) - d - 1))
    return index


class AsStrided(Function):
    """A view with any sizes and strides over the input's memory; the gradient sums into the
    memory cells the view read and hands each input element its cell's sum."""

    is_view = True

    def forward(ctx, x, size, stride, storage_offset):
        flat, offset = _storage(x)
        start = offset if storage_offset is None else storage_offset
        need = _span(size, stride, start)
        if need > flat.size:
            raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {start}, and itemsize "
                               f"{x.itemsize} requiring a storage size of {need * x.itemsize} are out of bounds for storage "
                               f"of size {flat.size * x.itemsize}")
        ctx.geometry = (size, stride, start)
        ctx.in_geometry = (x.shape, tuple(s // builtins.max(x.itemsize, 1) for s in x.strides), offset)
        base = flat[start:] if start < flat.size else flat[:0]
        return xp.lib.stride_tricks.as_strided(base, size, tuple(s * x.itemsize for s in stride), writeable=x.flags.writeable)

    def backward(ctx, grad):
        out_index = _flat_index(*ctx.geometry).reshape(-1)
        in_index = _flat_index(*ctx.in_geometry)
        cells = builtins.max(int(out_index.max(initial=-1)), int(in_index.max(initial=-1))) + 1
        memory = Tensor._make(xp.zeros(cells, dtype=grad.dtype)).index_add(0, Tensor._make(out_index), grad.reshape(-1))
        return memory[Tensor._make(in_index)]


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s memory with the given ``size`` and ``stride`` (in elements), starting
    ``storage_offset`` elements into the memory (``input``'s own offset unless given).

    Args:
        input: the tensor whose memory is viewed.
        size, stride: the view's shape and the step of each dim in elements (not negative).
        storage_offset: where the view starts in the memory.

    >>> import scratchnet as sn
    >>> sn.as_strided(sn.arange(5), (3, 2), (1, 1)).tolist()
    [[0, 1], [1, 2], [2, 3]]
    """
    size, stride = _geometry(size, stride, storage_offset, "as_strided")
    return AsStrided.apply(input, size=size, stride=stride, storage_offset=storage_offset)


def as_strided_copy(input, size, stride, storage_offset=None, *, out=None):
    """A copy of ``as_strided(input, size, stride, storage_offset)``."""
    return _copied(as_strided(input, size, stride, storage_offset), "AsStridedBackward0_copy")


def _as_strided_(self, size, stride, storage_offset=None):
    """``self`` re-viewed in place with the given size and stride over its memory (outside the graph)."""
    size, stride = _geometry(size, stride, storage_offset, "as_strided_")
    view = AsStrided().forward(self.array, size, stride, storage_offset)
    self._array = view
    return self


class AsStridedScatter(Function):
    """``input`` (its values laid out row-major) with the cells of a strided view replaced by ``src``."""

    backward_name = "AsStridedScatterBackward0"

    def forward(ctx, x, src, size, stride, offset):
        ctx.index = _flat_index(size, stride, offset)
        out = xp.array(x, order="C", copy=True)
        out.reshape(-1)[ctx.index] = src
        return out

    def backward(ctx, grad):
        index = Tensor._make(ctx.index)
        flat = grad.reshape(-1)
        kept = flat.index_fill(0, index.reshape(-1), 0).reshape(grad.shape)
        return kept, flat[index]


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """``input`` with the elements of ``as_strided(input, size, stride, storage_offset)`` replaced
    by ``src`` (of shape ``size``), as a new tensor.

    >>> import scratchnet as sn
    >>> sn.as_strided_scatter(sn.zeros(4), sn.ones(2), (2,), (2,)).tolist()
    [1.0, 0.0, 1.0, 0.0]
    """
    size, stride = _geometry(size, stride, storage_offset, "as_strided_scatter")
    offset = 0 if storage_offset is None else int(storage_offset)
    if tuple(src.shape) != size:
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(size)}")
    need, item = _span(size, stride, offset), input.array.itemsize
    if need > input.numel():
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and itemsize "
                           f"{item} requiring a storage size of {need * item} are out of bounds for storage of size "
                           f"{input.numel() * item}")
    return AsStridedScatter.apply(input, src.to(input.dtype), size=size, stride=stride, offset=offset)


# --- splits without view tracking, padding, filling ----------------------------------------------


def unsafe_chunk(input, chunks, dim=0):
    """``input.chunk(chunks, dim)`` (torch's variant that does not track the pieces as views)."""
    return input.chunk(chunks, dim)


def unsafe_split(input, split_size, dim=0):
    """``input.split(split_size, dim)`` (without view tracking in torch)."""
    return input.split(split_size, dim)


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """``input.split_with_sizes(split_sizes, dim)`` (without view tracking in torch)."""
    return input.split_with_sizes(split_sizes, dim)


def constant_pad_nd(input, pad, value=0):
    """``input`` padded with ``value``: ``pad`` holds (before, after) pairs from the last dim
    backwards; a negative amount crops. The same as ``F.pad(input, pad, value=value)``.

    >>> import scratchnet as sn
    >>> sn.constant_pad_nd(sn.ones(2), (1, -1)).tolist()
    [0.0, 1.0]
    """
    from ..nn.functional import pad as _pad

    return _pad(input, tuple(pad), mode="constant", value=value)


class Fill(Function):
    """A tensor of ``input``'s shape and dtype holding one value (a number or a 0-d tensor)."""

    backward_name = "FillBackward0"

    def forward(ctx, x, *value, number=None):
        from ..dtypes import fill_scalar

        fill = value[0] if value else fill_scalar(number, x.dtype)
        return xp.full(x.shape, fill, dtype=x.dtype)

    def backward(ctx, grad):
        zero = Tensor._make(xp.zeros(grad.shape, dtype=grad.dtype))
        return (zero, grad.sum()) if len(ctx.needs_input_grad) > 1 else zero


def fill(input, value):
    """A new tensor of ``input``'s shape and dtype, every element ``value`` (a number or a 0-d
    tensor; its gradient is the sum of the incoming one).

    >>> import scratchnet as sn
    >>> sn.fill(sn.zeros(2, dtype=sn.int64), 3).tolist()
    [3, 3]
    """
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions.")
        return Fill.apply(input, value.to(input.dtype) if value.dtype != input.dtype else value)
    return Fill.apply(input, number=value)


# --- conjugate transposes (real tensors: plain transposes) ----------------------------------------


def _conj_transpose(self):
    """``x.H``: the conjugate transpose of a matrix (for real tensors the transpose; a 0-d tensor
    is returned as is, with torch's deprecation warning).

    >>> import scratchnet as sn
    >>> sn.arange(6).reshape(2, 3).H.shape
    scratchnet.Size([3, 2])
    """
    if self.ndim == 0:
        warnings.warn("Tensor.H is deprecated on 0-D tensors. Consider using x.conj().", stacklevel=2)
        return self.view(())
    if self.ndim != 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got {self.ndim}-D tensor.")
    return self.transpose(0, 1)


def _matrix_conj_transpose(self):
    """``x.mH``: the conjugate transpose of (a batch of) matrices, the last two dims swapped.

    >>> import scratchnet as sn
    >>> sn.zeros(4, 2, 3).mH.shape
    scratchnet.Size([4, 3, 2])
    """
    if self.ndim == 0:
        warnings.warn("Tensor.mH is deprecated on 0-D tensors. Consider using x.conj().", stacklevel=2)
        return self.view(())
    if self.ndim < 2:
        raise RuntimeError(f"tensor.mH is only supported on matrices or batches of matrices. Got {self.ndim}-D tensor.")
    return self.transpose(-2, -1)


def _tensor_narrow_copy(self, dim, start, length):
    """``scratchnet.narrow_copy(self, dim, start, length)``."""
    return narrow_copy(self, dim, start, length)


def _tensor_as_strided(self, size, stride, storage_offset=None):
    """``scratchnet.as_strided(self, size, stride, storage_offset)``."""
    return as_strided(self, size, stride, storage_offset)


def _tensor_as_strided_scatter(self, src, size, stride, storage_offset=None):
    """``scratchnet.as_strided_scatter(self, src, size, stride, storage_offset)``."""
    return as_strided_scatter(self, src, size, stride, storage_offset)


METHODS = {
    "narrow_copy": _tensor_narrow_copy, "as_strided": _tensor_as_strided, "as_strided_": _as_strided_,
    "as_strided_scatter": _tensor_as_strided_scatter, "unsafe_chunk": unsafe_chunk, "unsafe_split": unsafe_split,
    "unsafe_split_with_sizes": unsafe_split_with_sizes,
    "H": property(_conj_transpose), "mH": property(_matrix_conj_transpose),
}

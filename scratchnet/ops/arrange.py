"""Arranging a tensor's elements: flip, roll, repeat/tile, diagonals and triangles, moving dims,
narrow and select (splitting and stacking are in :mod:`scratchnet.ops.stacking`).

Most are built from the view ops of :mod:`scratchnet.ops.shape` (``getitem`` with slices,
``permute``, ``transpose``, ``reshape``, ``expand``, ``cat``), so their gradients come for free and
they become views wherever those are. The rest pair each forward with a backward that undoes it
(a flip flips back, a roll rolls back, a repeat sums the copies).

>>> import scratchnet as sn
>>> x = sn.tensor([[1, 2], [3, 4]])
>>> sn.flip(x, [0])
tensor([[3, 4],
        [1, 2]])
>>> x.repeat(1, 2)
tensor([[1, 2, 1, 2],
        [3, 4, 3, 4]])
"""

import builtins

from ..backend import fast_where, xp
from ..tensor import Function, Tensor, _wrap_dim, int64
from . import shape as _shape

__all__ = [
    "flip", "fliplr", "flipud", "roll", "repeat_interleave", "tile", "movedim", "moveaxis",
    "swapaxes", "swapdims", "unflatten", "diag", "diagonal", "diag_embed", "tril", "triu", "trace",
    "tril_indices", "triu_indices", "narrow", "select",
]


def _dims(dims, ndim):
    dims = (dims,) if isinstance(dims, (int, xp.integer)) else tuple(dims)
    out = tuple(_wrap_dim(d, ndim) for d in dims)
    if len(set(out)) != len(out):
        raise RuntimeError(f"dims has duplicates, original flip dims size={len(out)}, but unique flip dims size={len(set(out))}")
    return out


def _sizes(args):
    if len(args) == 1 and isinstance(args[0], (tuple, list, Tensor)) and not (isinstance(args[0], Tensor) and args[0].ndim == 0):
        args = args[0]
    return tuple(int(a) for a in args)


# --- flip and roll --------------------------------------------------------------------------------


class Flip(Function):
    def forward(ctx, x, dims):
        ctx.dims = dims
        return xp.flip(x, dims) if dims and x.ndim else x.copy()

    def backward(ctx, grad):
        return Flip.apply(grad, dims=ctx.dims)


def _int_tuple(value, name, position):
    """``value`` as torch's "tuple of ints" argument: a list or tuple of ints (an int alone, a
    float or a Tensor is a TypeError, as in torch)."""
    where = f" (position {position})" if position else ""
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"flip(): argument '{name}'{where} must be tuple of ints, not {type(value).__name__}")
    for i, v in enumerate(value):
        if not isinstance(v, (int, xp.integer)) or isinstance(v, bool):
            raise TypeError(f"flip(): argument '{name}'{where} must be tuple of ints, but found element of type {type(v).__name__} at pos {i}")
    return value


def flip(input, dims):
    """``input`` with the order of its elements reversed along ``dims`` (a tuple or list of ints;
    the method also takes them as separate ints: ``x.flip(0, 1)``).

    >>> import scratchnet as sn
    >>> sn.flip(sn.tensor([1, 2, 3]), (0,))
    tensor([3, 2, 1])
    """
    return Flip.apply(input, dims=_dims(_int_tuple(dims, "dims", 2), input.ndim))


def _flip_method(self, *dims, **kwargs):
    """``Tensor.flip(*dims)``: ``x.flip(0, 1)``, ``x.flip((0, 1))`` or ``x.flip(dims=(0, 1))``."""
    if "dims" in kwargs:
        if dims:
            raise TypeError("flip() got multiple values for argument 'dims'")
        return Flip.apply(self, dims=_dims(_int_tuple(kwargs.pop("dims"), "dims", 0), self.ndim))
    if kwargs:
        raise TypeError(f"flip() got an unexpected keyword argument {next(iter(kwargs))!r}")
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    if len(dims) == 1 and not isinstance(dims[0], (int, xp.integer)):
        dims = _int_tuple(dims[0], "dims", 1)
    else:
        _int_tuple(dims, "dims", 1)
    return Flip.apply(self, dims=_dims(dims, self.ndim))


def fliplr(input):
    """Flip the columns (dim 1): ``flip(input, (1,))``; needs at least 2 dims."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    """Flip the rows (dim 0): ``flip(input, (0,))``; needs at least 1 dim."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class Roll(Function):
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return xp.roll(x, shifts, dims) if dims is not None else xp.roll(x, shifts).reshape(x.shape)

    def backward(ctx, grad):
        return Roll.apply(grad, shifts=tuple(-s for s in ctx.shifts) if ctx.dims is not None else -ctx.shifts, dims=ctx.dims)


def roll(input, shifts, dims=None):
    """Shift the elements along ``dims`` by ``shifts`` (wrapping round); with no dims, of the
    flattened tensor, reshaped back.

    >>> import scratchnet as sn
    >>> sn.roll(sn.tensor([1, 2, 3, 4]), 1)
    tensor([4, 1, 2, 3])
    """
    shifts = (shifts,) if isinstance(shifts, (int, xp.integer)) else tuple(shifts)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return Roll.apply(input, shifts=int(shifts[0]), dims=None)
    dims = (dims,) if isinstance(dims, (int, xp.integer)) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    if input.ndim == 0:  # a 0-d tensor has no dim to roll along, not even 0 or -1
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    if input.numel() == 0:  # torch returns an empty input's copy before it reads the dims
        return Roll.apply(input, shifts=0, dims=None)
    return Roll.apply(input, shifts=tuple(int(s) for s in shifts), dims=tuple(_wrap_dim(d, input.ndim) for d in dims))


# --- repeat, tile, repeat_interleave ---------------------------------------------------------------


class Repeat(Function):
    def forward(ctx, x, repeats):
        ctx.shape, ctx.repeats = (1,) * (len(repeats) - x.ndim) + x.shape, repeats
        return xp.tile(x, repeats) if repeats else x.copy()

    def backward(ctx, grad):
        # the output is the input tiled: read it as (r0, s0, r1, s1, ...) and sum the copies away
        paired = tuple(n for pair in zip(ctx.repeats, ctx.shape) for n in pair)
        summed = grad.reshape(paired).sum(dim=tuple(range(0, 2 * len(ctx.shape), 2))) if paired else grad
        return summed.reshape(ctx.inputs[0].shape)


def repeat(input, *sizes):
    """``input`` copied ``sizes[i]`` times along each dim (extra leading sizes add dims).

    >>> import scratchnet as sn
    >>> sn.tensor([1, 2]).repeat(2, 2)
    tensor([[1, 2, 1, 2],
            [1, 2, 1, 2]])
    """
    sizes = _sizes(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor")
    if builtins.any(s < 0 for s in sizes):
        raise RuntimeError(f"Trying to create tensor with negative dimension {builtins.min(sizes)}: {list(sizes)}")
    return Repeat.apply(input, repeats=sizes)


def tile(input, dims):
    """``repeat`` with ``dims`` padded with leading 1s to the input's number of dims.

    >>> import scratchnet as sn
    >>> sn.tile(sn.tensor([[1, 2]]), (2,))
    tensor([[1, 2, 1, 2]])
    """
    dims = _sizes((dims,))
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times in place; ``repeats`` an
    int or a tensor of one count per slice. ``repeat_interleave(counts)`` alone repeats each index.

    >>> import scratchnet as sn
    >>> sn.repeat_interleave(sn.tensor([1, 2]), 2)
    tensor([1, 1, 2, 2])
    >>> sn.repeat_interleave(sn.tensor([2, 1]))
    tensor([0, 0, 1])
    """
    from .index import index_select

    if repeats is None:  # repeat_interleave(repeats): index i repeated repeats[i] times
        counts = input.array
        if counts.ndim > 1 or counts.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        return Tensor._make(xp.repeat(xp.arange(counts.size, dtype=xp.int64), counts.reshape(-1)))
    if dim is None:
        input, dim = input.reshape(-1), 0
    elif input.ndim == 0:  # torch refuses any dim of a 0-d tensor here
        if isinstance(repeats, Tensor):
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        raise IndexError("Dimension out of range (expected to be in range of [-1, 0], but got 1)")
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if isinstance(repeats, Tensor):
        if repeats.ndim > 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        if repeats.dtype.kind not in "iu":
            raise RuntimeError("repeats has to be Long or Int tensor")
        counts = repeats.array.reshape(-1)
        if counts.size == 1:
            counts = xp.full(n, counts[0])
        if counts.size != n:
            raise RuntimeError("repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{counts.size} and input.size({d}) = {n}")
    else:
        counts = xp.full(n, int(repeats))
    if (counts < 0).any():
        raise RuntimeError("repeats can not be negative")
    if output_size is not None and int(counts.sum()) != output_size:
        raise RuntimeError(f"allocated size does not match required size: output_size={output_size}, sum of repeats={int(counts.sum())}")
    index = Tensor._make(xp.repeat(xp.arange(n, dtype=xp.int64), counts))
    return index_select(input, d, index)


# --- moving dims ---------------------------------------------------------------------------------


def movedim(input, source, destination):
    """``input`` with dims ``source`` moved to positions ``destination`` (the rest keep their order).

    >>> import scratchnet as sn
    >>> sn.movedim(sn.zeros(2, 3, 4), 0, -1).shape
    scratchnet.Size([3, 4, 2])
    """
    src = (source,) if isinstance(source, (int, xp.integer)) else tuple(source)
    dst = (destination,) if isinstance(destination, (int, xp.integer)) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should contain the same number of dims as destination ({list(dst)} dims)")
    src = tuple(_wrap_dim(d, input.ndim) for d in src)
    dst = tuple(_wrap_dim(d, input.ndim) for d in dst)
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(ds)})")
    if input.ndim == 0:  # the one dim a 0-d tensor has (0 or -1) moves onto itself
        return _shape.permute(input, ())
    order = [None] * input.ndim
    for s, t in zip(src, dst):
        order[t] = s
    rest = iter(d for d in range(input.ndim) if d not in src)
    order = [next(rest) if o is None else o for o in order]
    return _shape.permute(input, order)


moveaxis = movedim


def swapaxes(input, axis0, axis1):
    """``transpose(input, axis0, axis1)`` under NumPy's name."""
    return _shape.transpose(input, axis0, axis1)


def swapdims(input, dim0, dim1):
    """``transpose(input, dim0, dim1)`` (torch's name for :func:`swapaxes`, its arguments named dims)."""
    return _shape.transpose(input, dim0, dim1)


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one may be -1).

    >>> import scratchnet as sn
    >>> sn.unflatten(sn.zeros(2, 6), 1, (2, -1)).shape
    scratchnet.Size([2, 2, 3])
    """
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        raise RuntimeError("unflatten: Dimension specified as 0 but tensor has no dimensions")
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    inner = _shape.infer_shape(sizes, input.shape[d]) if builtins.all(s >= -1 for s in sizes) else sizes
    if -1 not in sizes and int(xp.prod(sizes)) != input.shape[d]:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} ({input.shape[d]}) in the input tensor")
    return _shape.reshape(input, input.shape[:d] + tuple(inner) + input.shape[d + 1:])


def narrow(input, dim, start, length):
    """``length`` elements of ``input`` along ``dim`` from ``start`` (a view, as a slice).

    >>> import scratchnet as sn
    >>> sn.narrow(sn.tensor([1, 2, 3, 4]), 0, 1, 2)
    tensor([2, 3])
    """
    if input.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.ndim)
    start, n = int(start), input.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    start %= builtins.max(n, 1) if start < 0 else n + 1
    if length < 0 or start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _shape.getitem(input, (slice(None),) * d + (slice(start, start + int(length)),))


def select(input, dim, index):
    """The slice of ``input`` at ``index`` along ``dim`` (that dim removed): ``x[:, index]``."""
    if input.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension {d}")
    return _shape.getitem(input, (slice(None),) * d + (int(index),))


# --- diagonals and triangles ---------------------------------------------------------------------------


def _diag_index(shape, offset, d1, d2):
    """Index arrays of the diagonal ``offset`` of dims (d1, d2) in an array of ``shape``."""
    n1, n2 = shape[d1], shape[d2]
    length = builtins.max(0, builtins.min(n1 + builtins.min(offset, 0), n2 - builtins.max(offset, 0)))
    k = xp.arange(length)
    return k - builtins.min(offset, 0), k + builtins.max(offset, 0)


def _diagonal_view(x, offset, d1, d2):
    """A writable view of the diagonal ``offset`` of dims (d1, d2), as the last dim: the plane
    moved last, its corner cut at the offset, then one stride that steps a row and a column."""
    moved = xp.moveaxis(x, (d1, d2), (-2, -1))
    rows, cols = _diag_index(x.shape, offset, d1, d2)
    corner = moved[..., -builtins.min(offset, 0):, builtins.max(offset, 0):] if len(rows) else moved
    return xp.lib.stride_tricks.as_strided(corner, corner.shape[:-2] + (len(rows),), corner.strides[:-2] + (corner.strides[-2] + corner.strides[-1],))


class Diagonal(Function):
    """``diagonal``: a view of the input's memory (writes through it reach the base, as torch)."""

    is_view = True

    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return _diagonal_view(x, offset, dim1, dim2)

    def backward(ctx, grad):
        return DiagEmbed.apply(grad, shape=ctx.shape, args=ctx.args)


class DiagEmbed(Function):
    def forward(ctx, x, shape, args):
        ctx.args = args
        offset, d1, d2 = args
        out = xp.zeros(shape, dtype=x.dtype)
        rows, cols = _diag_index(shape, offset, d1, d2)
        view = xp.moveaxis(out, (d1, d2), (-2, -1))
        view[..., rows, cols] = x
        return out

    def backward(ctx, grad):
        return Diagonal.apply(grad, offset=ctx.args[0], dim1=ctx.args[1], dim2=ctx.args[2])


class DiagonalCopy(Diagonal):
    """``diag`` of a matrix: the diagonal as a new tensor (torch's ``diagonal_copy``)."""

    is_view = False
    backward_name = "DiagonalBackward0_copy"

    def forward(ctx, x, offset, dim1, dim2):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return _diagonal_view(x, offset, dim1, dim2).copy()


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal ``offset`` (above the main one when positive) of the planes (dim1, dim2), as
    the last dim.

    >>> import scratchnet as sn
    >>> sn.diagonal(sn.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    d1, d2 = _wrap_dim(dim1, input.ndim), _wrap_dim(dim2, input.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset=int(offset), dim1=d1, dim2=d2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Tensors whose diagonal ``offset`` of the planes (dim1, dim2) holds ``input``'s last dim.

    >>> import scratchnet as sn
    >>> sn.diag_embed(sn.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    nd = input.ndim + 1
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    n = (input.shape[-1] if input.ndim else 1) + builtins.abs(int(offset))
    rest = list(input.shape[:-1])
    shape = []
    for k in range(nd):
        shape.append(n if k in (d1, d2) else rest.pop(0))
    source = input if input.ndim else input.reshape(1)
    return DiagEmbed.apply(source, shape=tuple(shape), args=(int(offset), d1, d2))


def diag(input, diagonal=0):
    """A 1-D input becomes a square matrix with it on diagonal ``diagonal``; a 2-D input gives
    that diagonal as 1-D.

    >>> import scratchnet as sn
    >>> sn.diag(sn.tensor([1, 2]), 1)
    tensor([[0, 1, 0],
            [0, 0, 2],
            [0, 0, 0]])
    """
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim == 2:
        return DiagonalCopy.apply(input, offset=int(diagonal), dim1=0, dim2=1)
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def _triangle_mask(shape, diagonal, upper):
    rows, cols = xp.arange(shape[-2])[:, None], xp.arange(shape[-1])[None, :]
    return cols - rows >= diagonal if upper else cols - rows <= diagonal


class Tril(Function):
    upper = False

    def forward(ctx, x, diagonal):
        ctx.diagonal = diagonal
        return fast_where(_triangle_mask(x.shape, diagonal, type(ctx).upper), x, xp.zeros((), x.dtype))

    def backward(ctx, grad):
        return type(ctx).apply(grad, diagonal=ctx.diagonal)


class Triu(Tril):
    upper = True


def _triangle(fn, input, diagonal, name):
    if input.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return fn.apply(input, diagonal=int(diagonal))


def tril(input, diagonal=0):
    """The lower triangle of the last two dims (on and below diagonal ``diagonal``); zeros above.

    >>> import scratchnet as sn
    >>> sn.tril(sn.ones(2, 2))
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _triangle(Tril, input, diagonal, "tril")


def triu(input, diagonal=0):
    """The upper triangle of the last two dims (on and above diagonal ``diagonal``); zeros below."""
    return _triangle(Triu, input, diagonal, "triu")


class Trace(Function):
    def forward(ctx, x):
        ctx.shape = x.shape
        return xp.asarray(xp.trace(x)).astype(x.dtype if x.dtype.kind == "f" else xp.int64)

    def backward(ctx, grad):
        return grad * Tensor._make(xp.eye(*ctx.shape, dtype=grad.dtype))


def trace(input):
    """The sum of the main diagonal of a matrix (integer input sums to int64).

    >>> import scratchnet as sn
    >>> sn.trace(sn.tensor([[1, 2], [3, 4]]))
    tensor(5)
    """
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype == xp.dtype(bool):
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    return Trace.apply(input)


def _tri_indices(row, col, offset, dtype, upper, layout=None, device=None):
    from ..creation import _check_device

    _check_device(device)
    rows, cols = xp.nonzero(_triangle_mask((row, col), offset, upper)) if row > 0 and col > 0 else (xp.zeros(0, int), xp.zeros(0, int))
    dtype = int64 if dtype is None else xp.dtype(dtype) if not hasattr(dtype, "array") else dtype
    if dtype not in (xp.dtype("int64"), xp.dtype("int32")):
        raise RuntimeError(f"\"{'triu' if upper else 'tril'}_indices\" not implemented for '{dtype}'")
    return Tensor._make(xp.stack([rows, cols]).astype(dtype))


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) indices of the lower triangle of a ``row x col`` matrix, as a 2 x N tensor.

    >>> import scratchnet as sn
    >>> sn.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _tri_indices(row, col, offset, dtype, False, layout, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) indices of the upper triangle of a ``row x col`` matrix, as a 2 x N tensor."""
    return _tri_indices(row, col, offset, dtype, True, layout, device)


# torch's functions take NumPy's axis=/keepdims= for dim=/keepdim=
from .convert import numpy_names  # noqa: E402

for _op in __all__:
    globals()[_op] = numpy_names(globals()[_op])

METHODS = {
    "flip": _flip_method, "fliplr": fliplr, "flipud": flipud, "roll": roll, "repeat": repeat,
    "repeat_interleave": repeat_interleave, "tile": tile, "movedim": movedim, "moveaxis": moveaxis,
    "swapaxes": swapaxes, "swapdims": swapdims, "unflatten": unflatten, "diag": diag,
    "diagonal": diagonal, "diag_embed": diag_embed, "tril": tril, "triu": triu, "trace": trace,
    "narrow": narrow, "select": select,
}

"""Splitting a tensor into pieces and joining pieces: ``split_with_sizes`` (and ``split`` with a
list), ``tensor_split``, NumPy's ``hsplit/vsplit/dsplit`` and ``hstack/vstack/dstack/column_stack``,
``atleast_1d/2d/3d`` and ``meshgrid``.

Pieces are slices (``getitem``) and joins are ``cat`` of reshaped inputs, so gradients flow through
those ops and the pieces become views wherever slices are.

>>> import scratchnet as sn
>>> [p.tolist() for p in sn.tensor_split(sn.arange(5), 2)]
[[0, 1, 2], [3, 4]]
>>> sn.hstack([sn.tensor([1, 2]), sn.tensor([3])])
tensor([1, 2, 3])
"""

import builtins

from ..backend import xp
from ..tensor import Tensor, _wrap_dim, int64
from . import shape as _shape
from .shape import cat

__all__ = [
    "meshgrid", "tensor_split", "hsplit", "vsplit", "dsplit", "hstack", "vstack", "dstack",
    "column_stack", "row_stack", "atleast_1d", "atleast_2d", "atleast_3d", "split_with_sizes", "split",
]


_MESHGRID_WARNED = []


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors: with ``indexing='ij'`` (the default) output ``i`` varies
    along dim ``i``; ``'xy'`` swaps the first two dims, as NumPy's default.

    >>> import scratchnet as sn
    >>> a, b = sn.meshgrid(sn.tensor([1, 2]), sn.tensor([3, 4, 5]), indexing="ij")
    >>> a.shape, b[0].tolist()
    (scratchnet.Size([2, 3]), [3, 4, 5])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None and not _MESHGRID_WARNED:  # torch's warning, once a process
        import warnings

        _MESHGRID_WARNED.append(True)
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.", UserWarning, stacklevel=2)
    indexing = "ij" if indexing is None else indexing
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if builtins.any(t.dtype != tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    flat = [t.reshape(-1) for t in tensors]
    shape = tuple(t.shape[0] for t in flat)
    grids = [t.reshape((1,) * i + (-1,) + (1,) * (len(flat) - i - 1)).expand(shape) for i, t in enumerate(flat)]
    if indexing == "xy" and len(flat) >= 2:  # NumPy's order: the first two dims swapped
        grids = [g.transpose(0, 1) for g in grids]
    return tuple(grids)


# --- splitting ---------------------------------------------------------------------------------------


def split_with_sizes(input, split_sizes, dim=0):
    """Pieces of ``input`` along ``dim`` with the given sizes (they must add up to its size).

    >>> import scratchnet as sn
    >>> [p.tolist() for p in sn.split_with_sizes(sn.tensor([1, 2, 3]), [1, 2])]
    [[1], [2, 3]]
    """
    if input.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, input.ndim)
    n, sizes = input.shape[d], [int(s) for s in split_sizes]
    if builtins.any(s < 0 for s in sizes):
        bad = next(s for s in sizes if s < 0)
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={sizes}" if bad else "")
    if builtins.sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), but got split_sizes={sizes}")
    return _shape.split(input, sizes, d)  # views, each with SplitWithSizesBackward0


def split(input, split_size_or_sections, dim=0):
    """``split(x, n)`` pieces of size n (the last may be smaller); ``split(x, [a, b, ...])`` pieces
    of those sizes (:func:`split_with_sizes`)."""
    if isinstance(split_size_or_sections, (list, tuple)):
        return split_with_sizes(input, split_size_or_sections, dim)
    if isinstance(split_size_or_sections, Tensor):
        split_size_or_sections = int(split_size_or_sections)
    return _shape.split(input, split_size_or_sections, dim)


def tensor_split(input, indices_or_sections, dim=0):
    """Split ``input`` along ``dim`` into ``n`` nearly equal pieces (the first ``size % n`` one
    longer), or at the given indices.

    >>> import scratchnet as sn
    >>> [p.tolist() for p in sn.tensor_split(sn.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    >>> [p.tolist() for p in sn.tensor_split(sn.arange(5), [1, 4])]
    [[0], [1, 2, 3], [4]]
    """
    if input.ndim == 0:
        raise RuntimeError(f"tensor_split expected at least a 1-dimensional tensor, but got a tensor with {input.ndim} dims")
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    spec = indices_or_sections
    if isinstance(spec, Tensor):
        if spec.dtype != int64 or spec.ndim > 1:
            raise RuntimeError("tensor_split expected tensor_indices_or_sections to be a zero-dimensional or one-dimensional tensor, but got a tensor with "
                               f"{spec.ndim} dims" if spec.ndim > 1 else "tensor_split expected tensor_indices_or_sections to have dtype of long, but got " + str(spec.dtype))
        spec = int(spec.item()) if spec.ndim == 0 else spec.tolist()
    if isinstance(spec, (int, xp.integer)):
        if spec <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {spec}")
        small, extra = divmod(n, int(spec))
        edges = [0]
        for i in range(int(spec)):
            edges.append(edges[-1] + small + (i < extra))
    else:
        edges = [0] + [int(i) for i in spec] + [n]
    pieces = []
    for a, b in zip(edges[:-1], edges[1:]):
        a, b = builtins.min(builtins.max(a if a >= 0 else a + n, 0), n), builtins.min(builtins.max(b if b >= 0 else b + n, 0), n)
        pieces.append(_shape.getitem(input, (slice(None),) * d + (slice(a, builtins.max(a, b)),)))
    return tuple(pieces)


def _np_split(input, spec, dim, name, min_dims):
    if input.ndim < min_dims:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {min_dims} dimension, but got a tensor with {input.ndim} dimensions!")
    if isinstance(spec, (int, xp.integer)) and (spec == 0 or input.shape[dim] % spec):
        raise RuntimeError(f"torch.{name} attempted to split along dimension {dim}, but the size of the dimension {input.shape[dim]} is not divisible by the split_size {spec}!")
    return tensor_split(input, spec, dim)


def hsplit(input, indices_or_sections):
    """Split along dim 1 (dim 0 for 1-D), equal pieces only: ``tensor_split`` as NumPy's hsplit."""
    return _np_split(input, indices_or_sections, 1 if input.ndim > 1 else 0, "hsplit", 1)


def vsplit(input, indices_or_sections):
    """Split along dim 0, equal pieces only (at least 2-D)."""
    return _np_split(input, indices_or_sections, 0, "vsplit", 2)


def dsplit(input, indices_or_sections):
    """Split along dim 2, equal pieces only (at least 3-D)."""
    return _np_split(input, indices_or_sections, 2, "dsplit", 3)


# --- atleast_*d and stacking ---------------------------------------------------------------------


def _atleast(tensors, n):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    items = tensors[0] if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)) else tensors
    out = _atleast_each(items, n)
    return out[0] if single else tuple(out)


def _atleast_each(items, n):
    out = []
    for t in items:
        if t.ndim == 0:
            t = t.reshape((1,) * n)
        elif t.ndim == 1 and n >= 2:
            t = _shape.unsqueeze(t, 0)
            t = _shape.unsqueeze(t, -1) if n == 3 else t
        elif t.ndim == 2 and n == 3:
            t = _shape.unsqueeze(t, -1)
        out.append(t)
    return out


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (a 0-d one becomes shape (1,))."""
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims (1-D (n,) becomes (1, n))."""
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims ((n,) -> (1, n, 1), (m, n) -> (m, n, 1))."""
    return _atleast(tensors, 3)


def _seq(tensors, name):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not {type(tensors).__name__}")
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return list(tensors)


def hstack(tensors):
    """Concatenate along dim 1 (dim 0 for 1-D tensors), as NumPy's hstack."""
    ts = _atleast_each(_seq(tensors, "hstack"), 1)
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors):
    """Concatenate along dim 0 after ``atleast_2d`` (rows stacked)."""
    return cat(_atleast_each(_seq(tensors, "vstack"), 2), 0)


row_stack = vstack


def dstack(tensors):
    """Concatenate along dim 2 after ``atleast_3d`` (depth-wise)."""
    return cat(_atleast_each(_seq(tensors, "dstack"), 3), 2)


def column_stack(tensors):
    """1-D (and 0-d) tensors become columns, then everything concatenates along dim 1."""
    ts = [t.reshape(t.numel(), 1) if t.ndim <= 1 else t for t in _seq(tensors, "column_stack")]
    return cat(ts, 1)


from .convert import numpy_names  # noqa: E402  (axis= for dim=, as torch)

for _op in __all__:
    globals()[_op] = numpy_names(globals()[_op])

METHODS = {
    "tensor_split": tensor_split, "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit,
    "split": split, "split_with_sizes": split_with_sizes,
}
